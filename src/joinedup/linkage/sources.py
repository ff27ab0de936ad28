"""Person records for linkage, read from the store through the door.

Every source record whose normalised fields identify a person (a name or a date of birth) is
a person record; its canonical fields become the linkage input contract, with what the
agency's other columns and tables add (:mod:`joinedup.linkage.enrich`). Records that only
carry an identifier (an attendance row with a UPN) are attached deterministically elsewhere,
not fed to the probabilistic model.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import fields
from functools import lru_cache
from typing import Any

from joinedup.ingest.formats import formats
from joinedup.linkage.context import ContextCollector, RecordContext
from joinedup.linkage.enrich import IDENTITY_FIELDS, SourceRow, linkage_rows, load_source_rules
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession


def _mentioned(value: Any, names: set[str], found: set[str]) -> None:
    """Every string (key or value) in ``value`` that is one of ``names``."""
    if isinstance(value, str):
        if value in names:
            found.add(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _mentioned(key, names, found)
            _mentioned(item, names, found)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _mentioned(item, names, found)


@lru_cache(maxsize=1)
def skipped_record_types() -> frozenset[str]:
    """Record types linkage never needs: no format gives them a name or a date of birth
    (no row of theirs is a person record) and the source rules (``data/sources.yml``) do not
    name them (no lookup, address or relation reads them), such as attendance returns.
    Leaving them out of the scan changes nothing but the time it takes."""
    identifying: dict[str, bool] = {}
    for fmt in formats().values():
        for entry in fmt.files:
            named = any(c.canonical in IDENTITY_FIELDS for c in entry.columns)
            identifying[entry.table] = identifying.get(entry.table, False) or named
    rules = load_source_rules()
    used: set[str] = set()
    _mentioned([getattr(rules, f.name) for f in fields(rules)], set(identifying), used)
    return frozenset(t for t, named in identifying.items() if not named and t not in used)


def _scanned(session: ActorSession, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """The stored records linkage reads, in id order: every record type but the
    :func:`skipped_record_types` (by the types of the import batches and the known formats;
    a record without a batch is read whatever its type)."""
    skipped = skipped_record_types()
    types = {b.record_type for b in session.list(Batch) if b.record_type}
    types |= {e.table for fmt in formats().values() for e in fmt.files}
    typed = (
        row
        for chunk in session.scan(SourceRecord, columns, where={"record_type": types - skipped})
        for row in chunk
    )
    unbatched = (
        row
        for chunk in session.scan(SourceRecord, columns, where={"batch_id": None})
        for row in chunk
        if row[2] not in skipped and row[2] not in types
    )
    yield from heapq.merge(typed, unbatched, key=lambda row: str(row[0]))


def _source_rows(session: ActorSession) -> Iterator[SourceRow]:
    columns = ["agency_id", "record_type", "agency_key", "payload", "normalised"]
    for record_id, agency_id, record_type, agency_key, payload, normalised in _scanned(
        session, columns
    ):
        yield SourceRow(
            record_id, agency_id, record_type, agency_key, payload or {}, normalised or {}
        )


def person_records(session: ActorSession) -> list[dict[str, Any]]:
    """Every person record in the session's scope, in the linkage input contract.

    Each row also carries ``agency_id`` (the holding agency, which owns its membership row).
    """
    kinds = {a.id: a.kind for a in session.list(Agency)}
    return linkage_rows(_source_rows(session), kinds)


def person_records_with_context(
    session: ActorSession,
) -> tuple[list[dict[str, Any]], RecordContext]:
    """:func:`person_records` and their context (:mod:`joinedup.linkage.context`), in one
    pass over the stored records."""
    kinds = {a.id: a.kind for a in session.list(Agency)}
    collector = ContextCollector(load_source_rules())
    records = linkage_rows(collector.watch(_source_rows(session)), kinds)
    return records, collector.finish({r["record_id"] for r in records})


def record_keys(session: ActorSession) -> dict[str, tuple[str, str, str]]:
    """``record id -> (agency kind, file name, agency key)``, to match a simulator's truth."""
    kinds = {a.id: a.kind for a in session.list(Agency)}
    files = {b.id: b.file_name for b in session.list(Batch)}
    keys: dict[str, tuple[str, str, str]] = {}
    for chunk in session.scan(SourceRecord, ["agency_id", "batch_id", "agency_key"]):
        for record_id, agency_id, batch_id, agency_key in chunk:
            keys[record_id] = (kinds.get(agency_id, ""), files.get(batch_id or "", ""), agency_key)
    return keys
