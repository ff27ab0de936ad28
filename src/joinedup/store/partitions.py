"""The partition index in the store (``partition_node``): read, replace, look up.

Operational data like ``job_run``, written by the pipeline directly: record ids in clear
(opaque ids), every other node (persons, vehicles, phones, agency keys) hashed, so the index
holds no personal data. Partitions are named by their smallest record id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import Engine, delete, func, insert, literal, select

from joinedup.store.tables.partitions import PartitionNodeRow
from joinedup.store.tables.records import SourceRecordRow

_CHUNK = 900  # values per IN (...) list

__all__ = [
    "index_size",
    "partitions_of",
    "records_in",
    "replace_nodes",
    "stored_node",
    "unindexed_records",
]


def stored_node(node: str) -> str:
    """How a node is stored: ``r:<record id>`` as is, any other hashed."""
    if node.startswith("r:"):
        return node
    return "h:" + hashlib.sha256(node.encode("utf-8")).hexdigest()[:40]


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def partitions_of(engine: Engine, nodes: Iterable[str]) -> set[str]:
    """The partitions holding any of these nodes (unhashed node names)."""
    found: set[str] = set()
    with engine.connect() as conn:
        for chunk in _chunks(stored_node(n) for n in nodes):
            rows = conn.execute(
                select(PartitionNodeRow.partition).where(PartitionNodeRow.node.in_(chunk))
            )
            found.update(r[0] for r in rows)
    return found


def records_in(engine: Engine, partitions: Iterable[str]) -> set[str]:
    """The record ids of these partitions."""
    out: set[str] = set()
    with engine.connect() as conn:
        for chunk in _chunks(partitions):
            rows = conn.execute(
                select(PartitionNodeRow.node).where(
                    PartitionNodeRow.partition.in_(chunk), PartitionNodeRow.node.like("r:%")
                )
            )
            out.update(r[0][2:] for r in rows)
    return out


def unindexed_records(engine: Engine) -> list[str]:
    """Ids of the source records no partition holds yet (arrived since the last assessment,
    or left by a run that died before it stored the index)."""
    node = literal("r:") + SourceRecordRow.id
    with engine.connect() as conn:
        rows = conn.execute(
            select(SourceRecordRow.id)
            .outerjoin(PartitionNodeRow, PartitionNodeRow.node == node)
            .where(PartitionNodeRow.node.is_(None))
        )
        return sorted(r[0] for r in rows)


def with_earlier_versions(engine: Engine, record_ids: Iterable[str]) -> set[str]:
    """Those of these records that another stored record shares a key with (agency, record
    type, agency key): new versions of a record, whose earlier version's content is gone."""
    wanted = set(record_ids)
    keys: dict[tuple[str, str, str], str] = {}
    row = SourceRecordRow
    with engine.connect() as conn:
        for chunk in _chunks(wanted):
            found = conn.execute(
                select(row.id, row.agency_id, row.record_type, row.agency_key).where(
                    row.id.in_(chunk)
                )
            )
            keys.update(((a, t, k), i) for i, a, t, k in found)
        out: set[str] = set()
        for chunk in _chunks(sorted({k for _a, _t, k in keys})):
            found = conn.execute(
                select(row.id, row.agency_id, row.record_type, row.agency_key).where(
                    row.agency_key.in_(chunk)
                )
            )
            for i, a, t, k in found:
                mine = keys.get((a, t, k))
                if mine is not None and i != mine and i not in wanted:
                    out.add(mine)
    return out


def index_size(engine: Engine) -> int:
    """Nodes in the index (0: never built)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(PartitionNodeRow)).scalar() or 0)


def replace_nodes(
    engine: Engine, nodes: Mapping[str, str], *, dropped: Iterable[str] | None = None
) -> None:
    """Store ``node -> partition`` in one transaction, first dropping the partitions in
    ``dropped`` (None: the whole index)."""
    rows = {stored_node(n): p for n, p in nodes.items()}
    with engine.begin() as conn:
        if dropped is None:
            conn.execute(delete(PartitionNodeRow))
        else:
            for chunk in _chunks(dropped):
                conn.execute(delete(PartitionNodeRow).where(PartitionNodeRow.partition.in_(chunk)))
            for chunk in _chunks(rows):
                conn.execute(delete(PartitionNodeRow).where(PartitionNodeRow.node.in_(chunk)))
        items = [{"node": n, "partition": p} for n, p in rows.items()]
        for start in range(0, len(items), 10_000):
            conn.execute(insert(PartitionNodeRow), items[start : start + 10_000])
