"""Quarantined rows: list, show, correct and re-submit, or dismiss with a reason.

Nothing is deleted: a re-submitted row becomes a source record of its original batch and the
quarantine row records which; a dismissed row stays, with who dismissed it and why.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from joinedup.access.crypto import FieldCipher
from joinedup.ingest.encodings import single_byte
from joinedup.ingest.layout import Converted, Layout, convert
from joinedup.ingest.prepare import Target, record_row
from joinedup.ingest.reader import Problem, Record, check_values
from joinedup.model.base import utcnow
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import ActorSession


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


def show(session: ActorSession, cipher: FieldCipher, row_id: str) -> Shown:
    """One quarantined row, decrypted (a consultation, audited)."""
    row = session.get(QuarantinedRow, row_id)
    raw = cipher.decrypt(row.raw, table="quarantine", column="raw", row_id=row.id)
    batch = session.get(Batch, row.batch_id)
    return Shown(row, raw, _parse(raw, batch))


def resubmit(
    session: ActorSession,
    cipher: FieldCipher,
    row_id: str,
    corrections: dict[str, str],
    note: str | None = None,
) -> str | Problem:
    """Apply ``corrections`` (column -> value) and try the row again.

    Returns the new source record's id, or the :class:`Problem` that still stands (the row
    then stays open, with the new reason).
    """
    session.require("quarantine.review")
    shown = show(session, cipher, row_id)
    if shown.row.status != "open":
        raise ValueError(f"quarantined row {row_id} is already {shown.row.status}")
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
    values = record_row(target, layout, record, outcome, cipher)
    session.add_values(SourceRecord, [values])
    record_id = str(values["id"])
    session.update(
        QuarantinedRow,
        row_id,
        status="resubmitted",
        record_id=record_id,
        resolved_by=session.actor.user_id,
        resolved_at=utcnow(),
        resolution_note=note or f"corrected {', '.join(sorted(corrections))}",
    )
    return record_id


def dismiss(session: ActorSession, row_id: str, note: str) -> QuarantinedRow:
    """Close a quarantined row without importing it (kept, with the reason)."""
    session.require("quarantine.review")
    if not note.strip():
        raise ValueError("say why the row is dismissed")
    row = session.get(QuarantinedRow, row_id)
    if row.status != "open":
        raise ValueError(f"quarantined row {row_id} is already {row.status}")
    return session.update(
        QuarantinedRow,
        row_id,
        status="dismissed",
        resolved_by=session.actor.user_id,
        resolved_at=utcnow(),
        resolution_note=note,
    )
