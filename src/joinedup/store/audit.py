"""The s.62 audit chain: append in the caller's transaction, verify, and query.

Each row's MAC is HMAC-SHA256 over its canonical fields (and its detail, when it has one; and
the person on whose behalf the service account acted, when it did) and the previous row's MAC,
keyed with a key held outside the database. ``verify`` walks the chain and names the first bad
row: an edited row fails its MAC, a deleted or reordered row breaks the sequence or the link;
it then holds the chain against what is kept outside the database
(:mod:`joinedup.store.checkpoint`): a truncated, emptied or regrown chain disagrees with the
checkpoint or the anchor, a changed database id with the anchor; and it reads the catalogue for
the append-only triggers (:mod:`joinedup.store.immutability`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.orm import Session

from joinedup.model.audit import Access, AuditEvent, Operation
from joinedup.store import immutability
from joinedup.store.checkpoint import Anchor, Checkpoint, CheckpointError, CheckpointFile
from joinedup.store.tables.admin import Meta
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
    detail: Mapping[str, Any] | None = None
    # the person (user id) on whose behalf the service account acts (Door.on_behalf)
    on_behalf_of: str | None = None


def detail_text(detail: Mapping[str, Any] | None) -> str | None:
    """The canonical JSON of a row's detail (None when it has none)."""
    if not detail:
        return None
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def compute_mac(key: bytes, values: dict[str, object]) -> str:
    """HMAC-SHA256 of a row's canonical form (fields in a fixed order, JSON-encoded; the
    detail is appended only when present, and ``on_behalf_of`` (after the detail, null or
    not) only when set, so rows written before either existed still verify)."""
    parts = [values[f] for f in _FIELDS]
    on_behalf_of = values.get("on_behalf_of")
    if values.get("detail") is not None or on_behalf_of is not None:
        parts.append(values.get("detail"))
    if on_behalf_of is not None:
        parts.append(on_behalf_of)
    message = json.dumps(parts, separators=(",", ":"), ensure_ascii=True)
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
        "detail": detail_text(entry.detail),
        "on_behalf_of": entry.on_behalf_of,
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


Kind = Literal["chain", "checkpoint", "anchor", "database_id", "triggers"]
# what an auditor's acknowledgement can settle: the signed heads outside the database, not
# a row of the chain (a bad row stays reported for ever) nor a changed database id
ACKNOWLEDGEABLE: frozenset[Kind] = frozenset({"checkpoint", "anchor"})


@dataclass(frozen=True)
class Finding:
    """One thing wrong, with the row it concerns when there is one."""

    kind: Kind
    message: str
    seq: int | None = None


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`: ``problem`` and ``first_bad_seq`` come from the first
    finding; ``findings`` lists them all."""

    ok: bool
    rows_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    findings: tuple[Finding, ...] = ()
    acknowledgements: int = 0


@dataclass
class _Walk:
    rows: int = 0
    verified: int = 0
    last_seq: int = 0
    acknowledgements: int = 0
    broken: Finding | None = None
    macs: dict[int, str] = field(default_factory=dict)


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


def _walk(connection: Connection, key: bytes, wanted: set[int]) -> _Walk:
    """Every row: the first broken one, the MACs at ``wanted`` sequence numbers."""
    walk, expected_seq, prev_mac = _Walk(), 1, GENESIS_MAC
    for row in _rows(connection):
        walk.rows, walk.last_seq = walk.rows + 1, row.seq
        if row.seq in wanted:
            walk.macs[row.seq] = row.mac
        walk.acknowledgements += row.access == "acknowledge"
        if walk.broken is None:
            walk.broken = _check_row(key, row, expected_seq, prev_mac)
            walk.verified += walk.broken is None
        expected_seq, prev_mac = row.seq + 1, row.mac
    return walk


def _check_row(key: bytes, row: AuditEventRow, expected_seq: int, prev_mac: str) -> Finding | None:
    if row.seq != expected_seq:
        return Finding(
            "chain",
            f"row {expected_seq} is missing (the next row is {row.seq}): rows were deleted",
            expected_seq,
        )
    if row.prev_mac != prev_mac:
        return Finding(
            "chain",
            f"row {row.seq} does not follow row {row.seq - 1}: rows were removed, inserted "
            "or reordered",
            row.seq,
        )
    values = {f: getattr(row, f) for f in (*_FIELDS, "detail", "on_behalf_of")}
    if not hmac.compare_digest(compute_mac(key, values), row.mac):
        return Finding("chain", f"row {row.seq} was altered: its MAC does not match", row.seq)
    return None


def _head(kind: Kind, what: str, seq: int, mac: str, walk: _Walk) -> Finding | None:
    """Whether the chain still runs through the row a signed head recorded."""
    if seq > walk.last_seq:
        return Finding(
            kind,
            f"row {walk.last_seq + 1} is missing: the chain ends at row {walk.last_seq} but "
            f"the {what} records row {seq} (the chain was truncated or emptied)",
            walk.last_seq + 1,
        )
    if seq and walk.macs.get(seq) != mac:
        return Finding(
            kind,
            f"row {seq} differs from the signed {what}: the chain was cut and regrown",
            seq,
        )
    return None


def _read_witnesses(
    checkpoint: CheckpointFile, findings: list[Finding]
) -> tuple[Anchor | None, Checkpoint | None]:
    anchor: Anchor | None = None
    point: Checkpoint | None = None
    try:
        anchor = checkpoint.anchor.read()
        if anchor is None:
            findings.append(
                Finding(
                    "anchor",
                    f"anchor {checkpoint.anchor.path} is missing: nothing outside the "
                    "database says which database and how long a chain to expect",
                )
            )
    except CheckpointError as exc:
        findings.append(Finding("anchor", str(exc)))
    try:
        point = checkpoint.read()
        if point is None:
            findings.append(
                Finding(
                    "checkpoint",
                    f"checkpoint {checkpoint.path} is missing: truncation cannot be ruled out "
                    "(an auditor must acknowledge it: joinedup audit acknowledge-checkpoint)",
                )
            )
    except CheckpointError as exc:
        findings.append(Finding("checkpoint", str(exc)))
    return anchor, point


def verify(connection: Connection, key: bytes, checkpoint: CheckpointFile) -> Verification:
    """Walk the whole chain, then hold it against the checkpoint, the anchor and the
    catalogue; the first finding names the first bad row when there is one."""
    outside: list[Finding] = []
    anchor, point = _read_witnesses(checkpoint, outside)
    meta = Session(bind=connection).get(Meta, "database_id")
    actual = meta.value if meta else "missing"
    if anchor is not None and actual != anchor.database_id:
        outside.append(
            Finding(
                "database_id",
                f"the database's id is {actual} but {checkpoint.anchor.path} anchors database "
                f"{anchor.database_id}: the id was changed or this is another database",
            )
        )
    wanted = {p.seq for p in (anchor, point) if p is not None}
    walk = _walk(connection, key, wanted)
    heads = [
        _head("checkpoint", "checkpoint", point.seq, point.mac, walk) if point else None,
        _head("anchor", "anchor", anchor.seq, anchor.mac, walk) if anchor else None,
    ]
    triggers = [Finding("triggers", p) for p in immutability.problems(connection)]
    findings = [f for f in (walk.broken, *heads) if f is not None] + outside + triggers
    first = findings[0] if findings else None
    return Verification(
        ok=not findings,
        rows_checked=walk.verified,
        first_bad_seq=next((f.seq for f in findings if f.seq is not None), None),
        problem=first.message if first else None,
        findings=tuple(findings),
        acknowledgements=walk.acknowledgements,
    )


def events_for_record(session: Session, record_id: str) -> list[AuditEvent]:
    """Audit rows whose object ids include ``record_id``, oldest first."""
    return events_matching(session, [record_id])


def events_matching(
    session: Session,
    object_ids: Collection[str] = (),
    *,
    actor_name: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEvent]:
    """Audit rows naming any of ``object_ids`` (all rows when none is given), by
    ``actor_name`` if given, at or after ``since`` and before ``until``, oldest first."""
    query = select(AuditEventRow).order_by(AuditEventRow.seq)
    wanted = set(object_ids)
    if wanted:
        needles = [json.dumps(i) for i in sorted(wanted)]  # the quoted form, as stored
        query = query.where(
            or_(*(AuditEventRow.object_ids.contains(n, autoescape=True) for n in needles))
        )
    if actor_name is not None:
        query = query.where(AuditEventRow.actor_name == actor_name)
    if since is not None:
        query = query.where(AuditEventRow.occurred_at >= _stamp(since))
    if until is not None:
        query = query.where(AuditEventRow.occurred_at < _stamp(until))
    rows = session.execute(query).scalars()
    return [_to_event(r) for r in rows if not wanted or wanted & set(json.loads(r.object_ids))]


def _stamp(when: datetime) -> str:
    """``when`` as ``occurred_at`` stores it (UTC, microseconds), for comparisons."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _to_event(row: AuditEventRow) -> AuditEvent:
    data = {f: getattr(row, f) for f in _FIELDS}
    data["object_ids"] = json.loads(row.object_ids)
    data["detail"] = json.loads(row.detail) if row.detail else None
    data["on_behalf_of"] = row.on_behalf_of
    return AuditEvent.model_validate({**data, "mac": row.mac})
