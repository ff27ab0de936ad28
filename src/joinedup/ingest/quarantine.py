"""Quarantined rows: list, show, correct and re-submit, or dismiss with a reason.

Nothing is deleted: a re-submitted row becomes a source record of its original batch and the
quarantine row records which; a dismissed row stays, with who dismissed it and why.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from joinedup.common.errors import InputError
from joinedup.ingest.encodings import single_byte
from joinedup.ingest.layout import Converted, Layout, convert
from joinedup.ingest.prepare import Target, record_row
from joinedup.ingest.reader import Problem, Record, check_values
from joinedup.model.base import utcnow
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import ActorSession
from joinedup.store.hooks import Saved, TextFinding

WHERE_RESUBMIT = "quarantine resubmission note"
WHERE_DISMISS = "quarantine dismissal note"


@dataclass
class Shown:
    """A quarantined row with its decrypted text and parsed fields."""

    row: QuarantinedRow
    raw: str
    values: dict[str, str]


def _parse(raw: str, batch: Batch) -> dict[str, str]:
    header = list(batch.report.get("header", []))
    if batch.report.get("encoding") == "xlsx":
        cells = json.loads(raw)
    else:
        delimiter = str(batch.report.get("delimiter") or ",")
        rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
        cells = rows[0] if rows else []
    return dict(zip(header, cells, strict=False))


def show(session: ActorSession, row_id: str) -> Shown:
    """One quarantined row, its text decrypted by the door (a consultation, audited)."""
    row = session.get(QuarantinedRow, row_id)
    batch = session.get(Batch, row.batch_id)
    return Shown(row, row.raw, _parse(row.raw, batch))


def resubmit(
    session: ActorSession,
    row_id: str,
    corrections: dict[str, str],
    note: str | None = None,
) -> Saved[str] | Problem:
    """Apply ``corrections`` (column -> value) and try the row again.

    Returns the new source record's id with the victim-blaming language found in the note
    (typed text: saved as written, findings held for the row's agency), or the
    :class:`Problem` that still stands (the row then stays open, with the new reason).
    """
    session.require("quarantine.review")
    shown = show(session, row_id)
    if shown.row.status != "open":
        raise InputError(f"quarantined row {row_id} is already {shown.row.status}")
    batch = session.get(Batch, shown.row.batch_id)
    layout = Layout.from_dict(batch.report["layout"])
    values = {**shown.values, **corrections}
    record = Record(shown.row.row_number, shown.row.line, values, shown.raw)
    single = single_byte(str(batch.report.get("encoding") or "") or None)
    outcome: Converted | Problem = check_values(values, single) or convert(layout, record)
    if isinstance(outcome, Problem):
        session.update(
            QuarantinedRow,
            row_id,
            reason=outcome.code,
            message=outcome.message,
            field=outcome.field,
        )
        return outcome
    target = Target(batch.agency_id, batch.id, session.actor.user_id, utcnow(), batch.file_name)
    values = record_row(target, layout, record, outcome, session.field_crypto())
    session.add_values(SourceRecord, [values])
    record_id = str(values["id"])
    resolution = note or f"corrected {', '.join(sorted(corrections))}"
    session.update(
        QuarantinedRow,
        row_id,
        status="resubmitted",
        record_id=record_id,
        resolved_by=session.actor.user_id,
        resolved_at=utcnow(),
        resolution_note=resolution,
    )
    return Saved(record_id, _entered(session, shown.row, resolution, WHERE_RESUBMIT))


def dismiss(session: ActorSession, row_id: str, note: str) -> Saved[QuarantinedRow]:
    """Close a quarantined row without importing it (kept, with the reason); the note is
    typed text (saved as written, the language found returned and held)."""
    session.require("quarantine.review")
    if not note.strip():
        raise InputError("say why the row is dismissed")
    row = session.get(QuarantinedRow, row_id)
    if row.status != "open":
        raise InputError(f"quarantined row {row_id} is already {row.status}")
    dismissed = session.update(
        QuarantinedRow,
        row_id,
        status="dismissed",
        resolved_by=session.actor.user_id,
        resolved_at=utcnow(),
        resolution_note=note,
    )
    return Saved(dismissed, _entered(session, row, note, WHERE_DISMISS))


def _entered(
    session: ActorSession, row: QuarantinedRow, note: str, where: str
) -> list[TextFinding]:
    """The note checked as typed text; findings are held for the row's agency."""
    return session.entered(
        note, where=where, subject_type="quarantine", subject_id=row.id, agency_id=row.agency_id
    )
