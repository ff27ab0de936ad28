"""Use cases: import agency exports, then check their new notes for victim-blaming language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.app.context import Caller, runtime, session
from joinedup.ingest.batch import BatchReport
from joinedup.ingest.formats import FormatError, formats
from joinedup.ingest.plan import Job, PlanError, plan
from joinedup.ingest.profile import ProfileError
from joinedup.ingest.run import run_jobs
from joinedup.safeguarding.notes import check_notes
from joinedup.store.actor_session import Forbidden

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
) -> Imported:
    """Import files, manifest folders or a simulator's output root; then check the notes of
    each newly imported batch for victim-blaming language (flags go to each note's agency)."""
    jobs = plan(list(paths), agency, fmt, mapping)
    rt = runtime()

    def progress_for(job: Job) -> Callable[[int, int], None] | None:
        return progress(job.agency, job.path) if progress else None

    result = run_jobs(rt.door, who.username, who.purpose, jobs, rt.cipher, progress_for)
    done = Imported(list(result.reports), list(result.unreadable))
    fresh = [r.batch_id for r in result.reports if r.status == "imported" and r.batch_id]
    if fresh and check_language:
        try:
            with session(who, rt) as opened:
                report = check_notes(opened, rt.cipher, batch_ids=fresh)
        except Forbidden as exc:
            done.language_not_checked = str(exc)
        else:
            done.notes_checked, done.notes_flagged = report.notes, report.flagged_notes
    return done
