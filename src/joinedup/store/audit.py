"""The s.62 audit chain: append in the caller's transaction, verify, and query.

Each row's MAC is HMAC-SHA256 over its canonical fields and the previous row's MAC, keyed
with a key held outside the database. ``verify`` walks the chain and names the first bad row:
an edited row fails its MAC, a deleted or reordered row breaks the sequence or the link, and a
truncated tail falls short of the signed checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from joinedup.model.audit import Access, AuditEvent, Operation
from joinedup.store.checkpoint import Checkpoint, CheckpointError, CheckpointFile
from joinedup.store.tables.audit import AuditEventRow, AuditHeadRow

GENESIS_MAC = "0" * 64
_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "agency_id",
    "role",
    "operation",
    "access",
    "object_type",
    "object_ids",
    "purpose",
    "recipient",
    "prev_mac",
)


@dataclass(frozen=True)
class Entry:
    """What an operation writes to the audit trail (metadata only, never content)."""

    actor_id: str | None
    actor_name: str
    agency_id: str | None
    role: str
    operation: Operation
    access: Access
    object_type: str
    object_ids: Sequence[str]
    purpose: str
    recipient: str | None = None


def compute_mac(key: bytes, values: dict[str, object]) -> str:
    """HMAC-SHA256 of a row's canonical form (fields in a fixed order, JSON-encoded)."""
    message = json.dumps([values[f] for f in _FIELDS], separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def append(session: Session, key: bytes, entry: Entry, when: datetime) -> tuple[int, str]:
    """Append one row in ``session``'s transaction; returns its (seq, mac).

    The head row is locked (``SELECT ... FOR UPDATE``; SQLite transactions already hold the
    write lock) so concurrent writers get consecutive sequence numbers.
    """
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
    ).scalar_one()
    values: dict[str, object] = {
        "seq": head.last_seq + 1,
        "occurred_at": when.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "agency_id": entry.agency_id,
        "role": entry.role,
        "operation": entry.operation,
        "access": entry.access,
        "object_type": entry.object_type,
        "object_ids": json.dumps(sorted(set(entry.object_ids)), separators=(",", ":")),
        "purpose": entry.purpose,
        "recipient": entry.recipient,
        "prev_mac": head.last_mac,
    }
    mac = compute_mac(key, values)
    session.add(AuditEventRow(**values, mac=mac))
    session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == 1)
        .values(last_seq=values["seq"], last_mac=mac)
    )
    session.flush()
    seq = values["seq"]
    assert isinstance(seq, int)
    return seq, mac


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`."""

    ok: bool
    rows_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _rows(connection: Connection, chunk: int = 5000) -> Iterator[AuditEventRow]:
    last = 0
    while True:
        batch = (
            Session(bind=connection)
            .execute(
                select(AuditEventRow)
                .where(AuditEventRow.seq > last)
                .order_by(AuditEventRow.seq)
                .limit(chunk)
            )
            .scalars()
            .all()
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify(connection: Connection, key: bytes, checkpoint: CheckpointFile) -> Verification:
    """Walk the chain from the first row; stop at the first bad one and name it."""
    expected_seq, prev_mac, count = 1, GENESIS_MAC, 0
    macs_at: dict[int, str] = {}
    try:
        point: Checkpoint | None = checkpoint.read()
    except CheckpointError as exc:
        return Verification(False, 0, None, str(exc))
    for row in _rows(connection):
        values = {f: getattr(row, f) for f in _FIELDS}
        if row.seq != expected_seq:
            return Verification(
                False,
                count,
                expected_seq,
                f"row {expected_seq} is missing (the next row is {row.seq}): rows were deleted",
            )
        if row.prev_mac != prev_mac:
            return Verification(
                False,
                count,
                row.seq,
                f"row {row.seq} does not follow row {row.seq - 1}: rows were removed, "
                "inserted or reordered",
            )
        if not hmac.compare_digest(compute_mac(key, values), row.mac):
            return Verification(
                False, count, row.seq, f"row {row.seq} was altered: its MAC does not match"
            )
        if point is not None and row.seq == point.seq:
            macs_at[row.seq] = row.mac
        prev_mac, expected_seq, count = row.mac, expected_seq + 1, count + 1
    if point is None:
        if count:
            return Verification(
                False,
                count,
                None,
                f"checkpoint {checkpoint.path} is missing: truncation cannot be ruled out",
            )
        return Verification(True, 0)
    if point.seq > count:
        return Verification(
            False,
            count,
            count + 1,
            f"row {count + 1} is missing: the chain ends at row {count} but the checkpoint "
            f"records row {point.seq} (the chain was truncated)",
        )
    if point.seq and macs_at.get(point.seq) != point.mac:
        return Verification(
            False, count, point.seq, f"row {point.seq} differs from the signed checkpoint"
        )
    return Verification(True, count)


def events_for_record(session: Session, record_id: str) -> list[AuditEvent]:
    """Audit rows whose object ids include ``record_id``, oldest first."""
    needle = json.dumps(record_id)  # the quoted form, as stored in the JSON array
    rows = session.execute(
        select(AuditEventRow)
        .where(AuditEventRow.object_ids.contains(needle, autoescape=True))
        .order_by(AuditEventRow.seq)
    ).scalars()
    return [_to_event(r) for r in rows if record_id in json.loads(r.object_ids)]


def _to_event(row: AuditEventRow) -> AuditEvent:
    data = {f: getattr(row, f) for f in _FIELDS}
    data["object_ids"] = json.loads(row.object_ids)
    return AuditEvent.model_validate({**data, "mac": row.mac})
