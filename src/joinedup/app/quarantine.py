"""Use cases: rows ingest could not accept — list, show, correct and resubmit, dismiss."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from joinedup.app.context import Caller, acting_as, runtime, session
from joinedup.ingest import quarantine as q
from joinedup.ingest.quarantine import Shown
from joinedup.ingest.reader import Problem
from joinedup.model.records import QuarantinedRow
from joinedup.safeguarding.notes import check_new_notes

__all__ = ["Resubmitted", "Shown", "dismiss_row", "list_rows", "resubmit_row", "show_row"]


@dataclass
class Resubmitted:
    """A resubmission: the new record's id if accepted, else why it is still quarantined;
    language found in the note and the new language flags raised by the row's notes."""

    record_id: str | None
    still_quarantined: str | None = None
    language: list[Any] = field(default_factory=list)
    note_flags: int = 0
    notes_not_checked: str | None = None


def list_rows(who: Caller, status: str, batch_id: str | None = None) -> list[QuarantinedRow]:
    """Quarantined rows in scope with this status (of one batch, if given)."""
    where = {"status": status, **({"batch_id": batch_id} if batch_id else {})}
    with session(who) as opened:
        return list(opened.list(QuarantinedRow, where=where))


def show_row(who: Caller, row_id: str) -> Shown:
    """One quarantined row: its verbatim text (decrypted by the door) and its fields."""
    with session(who) as opened:
        return q.show(opened, row_id)


def resubmit_row(
    who: Caller, row_id: str, corrections: dict[str, str], note: str | None
) -> Resubmitted:
    """Correct fields and try the row again. An accepted row's notes are checked for
    victim-blaming language as on ingest (in a transaction of their own: the row stays
    accepted), and the note as typed text."""
    rt = runtime()
    with session(who, rt) as opened:
        outcome = q.resubmit(opened, row_id, corrections, note)
        if isinstance(outcome, Problem):
            return Resubmitted(None, f"{outcome.code} in {outcome.field}: {outcome.message}")
        row = opened.get(QuarantinedRow, row_id)
    done = Resubmitted(outcome.saved, language=list(outcome.language))
    with acting_as(who):
        checked = check_new_notes(
            rt.door, who.username, who.purpose, [row.batch_id], record_id=outcome.saved
        )
    done.notes_not_checked = checked.not_checked
    done.note_flags = checked.report.flags_created if checked.report else 0
    return done


def dismiss_row(who: Caller, row_id: str, note: str) -> list[Any]:
    """Close a row without importing it (it is kept); the language found in the note."""
    with session(who) as opened:
        return list(q.dismiss(opened, row_id, note).language)
