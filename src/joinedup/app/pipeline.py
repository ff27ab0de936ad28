"""The pipeline's order, defined once: import the agencies' exports, link the records into
persons, check the notes for victim-blaming language, then run the risk tool and the rules.

The demonstration and the daily run both call :func:`process`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from joinedup.app.context import Caller, runtime, session
from joinedup.app.ingest import Imported, import_exports
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import LinkOutcome, run_linkage
from joinedup.safeguarding.notes import NotesReport, check_notes
from joinedup.safeguarding.run import AssessReport, assess

__all__ = ["Processed", "process"]


@dataclass(frozen=True)
class Processed:
    """What each step of the pipeline did."""

    imported: Imported
    linked: LinkOutcome
    notes: NotesReport
    assessed: AssessReport


def process(
    who: Caller,
    paths: list[Path],
    *,
    link_config: LinkConfig | None = None,
    step: Callable[[str], None] = lambda name: None,
) -> Processed:
    """Run the pipeline over ``paths`` (files, manifest folders or a simulator's output);
    ``step`` is told the name of each step as it starts ("ingest", "link", "assess")."""
    step("ingest")
    imported = import_exports(who, paths, check_language=False)
    step("link")
    with session(who) as opened:
        linked = run_linkage(opened, link_config or LinkConfig())
    step("assess")
    rt = runtime()
    with session(who, rt) as opened:
        notes = check_notes(opened, rt.cipher)
        assessed = assess(opened, rt.cipher)
    return Processed(imported, linked, notes, assessed)
