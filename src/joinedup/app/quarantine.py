"""Use cases: rows ingest could not accept — list, show, correct and resubmit, dismiss."""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.app.context import Caller, runtime, session
from joinedup.ingest import quarantine as q
from joinedup.ingest.quarantine import Shown
from joinedup.model.records import QuarantinedRow
from joinedup.safeguarding.entry import (
    WHERE_QUARANTINE_DISMISS,
    WHERE_QUARANTINE_RESUBMIT,
    EntryFinding,
    check_entry,
)
from joinedup.safeguarding.notes import check_notes
from joinedup.store.actor_session import ActorSession, Forbidden

__all__ = ["Resubmitted", "Shown", "dismiss_row", "list_rows", "resubmit_row", "show_row"]


@dataclass
class Resubmitted:
    """A resubmission: the new record's id if accepted, else why it is still quarantined;
    language found in the note and the new language flags raised by the row's notes."""

    record_id: str | None
    still_quarantined: str | None = None
    language: list[EntryFinding] = field(default_factory=list)
    note_flags: int = 0
    notes_not_checked: str | None = None


def list_rows(who: Caller, status: str, batch_id: str | None = None) -> list[QuarantinedRow]:
    """Quarantined rows in scope with this status (of one batch, if given)."""
    where = {"status": status, **({"batch_id": batch_id} if batch_id else {})}
    with session(who) as opened:
        return list(opened.list(QuarantinedRow, where=where))


def show_row(who: Caller, row_id: str) -> Shown:
    """One quarantined row: its verbatim text (decrypted) and its fields."""
    rt = runtime()
    with session(who, rt) as opened:
        return q.show(opened, rt.cipher, row_id)


def _check_note(
    s: ActorSession, row: QuarantinedRow, note: str | None, where: str
) -> list[EntryFinding]:
    return check_entry(
        s, note, where=where, subject_type="quarantine", subject_id=row.id, agency_id=row.agency_id
    )


def resubmit_row(
    who: Caller, row_id: str, corrections: dict[str, str], note: str | None
) -> Resubmitted:
    """Correct fields and try the row again. An accepted row's notes are checked for
    victim-blaming language as on ingest (in a transaction of their own: the row stays
    accepted), and the note as typed text."""
    rt = runtime()
    with session(who, rt) as opened:
        outcome = q.resubmit(opened, rt.cipher, row_id, corrections, note)
        if not isinstance(outcome, str):
            return Resubmitted(None, f"{outcome.code} in {outcome.field}: {outcome.message}")
        row = opened.get(QuarantinedRow, row_id)
        language = _check_note(opened, row, note, WHERE_QUARANTINE_RESUBMIT)
    done = Resubmitted(outcome, language=language)
    try:
        with session(who, rt) as opened:
            report = check_notes(opened, rt.cipher, batch_ids=[row.batch_id], record_id=outcome)
    except Forbidden as exc:
        done.notes_not_checked = str(exc)
    else:
        done.note_flags = report.flags_created
    return done


def dismiss_row(who: Caller, row_id: str, note: str) -> list[EntryFinding]:
    """Close a row without importing it (it is kept); the language found in the note."""
    with session(who) as opened:
        row = q.dismiss(opened, row_id, note)
        return _check_note(opened, row, note, WHERE_QUARANTINE_DISMISS)
