"""Person records for linkage, read from the store through the door.

Every source record whose normalised fields identify a person (a name or a date of birth) is
a person record; its canonical fields become the linkage input contract, with what the
agency's other columns and tables add (:mod:`joinedup.linkage.enrich`). Records that only
carry an identifier (an attendance row with a UPN) are attached deterministically elsewhere,
not fed to the probabilistic model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from joinedup.linkage.context import ContextCollector, RecordContext
from joinedup.linkage.enrich import SourceRow, linkage_rows, load_source_rules
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession


def _source_rows(session: ActorSession) -> Iterator[SourceRow]:
    columns = ["agency_id", "record_type", "agency_key", "payload", "normalised"]
    for chunk in session.scan(SourceRecord, columns):
        for record_id, agency_id, record_type, agency_key, payload, normalised in chunk:
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
