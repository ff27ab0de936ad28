"""Use cases: rows ingest could not accept — list, show, correct and resubmit, dismiss."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from joinedup.app.context import Caller, acting_as, runtime, session
from joinedup.ingest import quarantine as q
from joinedup.ingest.quarantine import Shown
from joinedup.ingest.reader import Problem
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import QuarantinedRow
from joinedup.safeguarding.notes import check_new_notes

__all__ = [
    "BatchRows",
    "Resubmitted",
    "Shown",
    "by_batch",
    "dismiss_row",
    "list_rows",
    "resubmit_row",
    "show_row",
]


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


@dataclass
class BatchRows:
    """One import batch's reconciliation and its quarantined rows of the asked status.

    ``read = accepted + duplicates + quarantined`` at import; the quarantined rows are
    since ``open + resubmitted + dismissed`` (a resubmitted row became a record)."""

    batch: Batch
    agency: str
    rows: list[QuarantinedRow]
    open: int = 0
    resubmitted: int = 0
    dismissed: int = 0

    @property
    def reconciles(self) -> bool:
        """Do the counts add up?"""
        b = self.batch
        quarantined = self.open + self.resubmitted + self.dismissed
        return (
            b.rows_read == b.rows_accepted + b.rows_duplicate + b.rows_quarantined
            and b.rows_quarantined == quarantined
        )


def by_batch(who: Caller, status: str = "open") -> list[BatchRows]:
    """Every batch in scope that quarantined rows, newest first, with its reconciliation
    and its rows of ``status`` (``all``: every row)."""
    with session(who) as opened:
        opened.require("quarantine.review")
        agencies = {a.id: a.name for a in opened.list(Agency)}
        rows = list(opened.list(QuarantinedRow))
        batches = {
            b.id: b
            for b in opened.list(Batch)
            if b.rows_quarantined or b.id in {r.batch_id for r in rows}
        }
    out = {b.id: BatchRows(b, agencies.get(b.agency_id, b.agency_id), []) for b in batches.values()}
    for row in sorted(rows, key=lambda r: (r.batch_id, r.row_number)):
        found = out.get(row.batch_id)
        if found is None:
            continue
        setattr(found, row.status, getattr(found, row.status) + 1)
        if status in ("all", row.status):
            found.rows.append(row)
    return sorted(out.values(), key=lambda g: (g.batch.created_at, g.batch.id), reverse=True)


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
