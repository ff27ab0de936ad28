"""Use cases: import agency exports, then check their new notes for victim-blaming language."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.app.context import Caller, runtime, session
from joinedup.ingest.batch import BatchReport
from joinedup.ingest.formats import FormatError, formats
from joinedup.ingest.plan import Job, PlanError, plan
from joinedup.ingest.profile import ProfileError
from joinedup.ingest.run import Opener, run_jobs
from joinedup.safeguarding.notes import check_notes
from joinedup.store.actor_session import ActorSession, Forbidden

__all__ = [
    "BatchReport",
    "FormatError",
    "Imported",
    "PlanError",
    "ProfileError",
    "format_names",
    "import_exports",
]

# (agency, file) -> a callback taking (characters read, rows read)
ProgressFor = Callable[[str, Path], Callable[[int, int], None]]


@dataclass
class Imported:
    """What an import did: one report per file, the files it could not read, and what the
    language check of the new notes found (or why it did not run)."""

    reports: list[BatchReport]
    unreadable: list[str]
    notes_checked: int = 0
    notes_flagged: int = 0
    language_not_checked: str | None = None
    warnings: list[str] = field(default_factory=list)


def format_names() -> list[str]:
    """The agency export formats ingest knows, by name."""
    return sorted(formats())


def import_exports(
    who: Caller,
    paths: list[Path],
    agency: str | None = None,
    fmt: str | None = None,
    mapping: Path | None = None,
    *,
    check_language: bool = True,
    progress: ProgressFor | None = None,
    on_behalf: bool = False,
) -> Imported:
    """Import files, manifest folders or a simulator's output root; then check the notes of
    each newly imported batch for victim-blaming language (flags go to each note's agency).
    ``on_behalf``: ``who`` uploaded the files (action ``imports.upload``) and the service
    account imports them on their behalf (elevation ``ingest.import``, logged with both
    names), as the web's upload page does."""
    jobs = plan(list(paths), agency, fmt, mapping)
    rt = runtime()
    open_session: Opener | None = None
    if on_behalf:
        with session(who, rt) as asker:
            asker.require("imports.upload")
        reason = f"upload by {who.username}: " + ", ".join(p.name for p in paths)[:300]

        def open_session() -> AbstractContextManager[ActorSession]:
            return rt.door.on_behalf(asker, "ingest.import", reason)

    def progress_for(job: Job) -> Callable[[int, int], None] | None:
        return progress(job.agency, job.path) if progress else None

    result = run_jobs(rt.door, who.username, who.purpose, jobs, progress_for, open_session)
    done = Imported(list(result.reports), list(result.unreadable))
    fresh = [r.batch_id for r in result.reports if r.status == "imported" and r.batch_id]
    if fresh and check_language:
        try:
            with open_session() if open_session else session(who, rt) as opened:
                report = check_notes(opened, batch_ids=fresh)
        except Forbidden as exc:
            done.language_not_checked = str(exc)
        else:
            done.notes_checked, done.notes_flagged = report.notes, report.flagged_notes
    return done
