"""The search index behind :func:`joinedup.app.people.search`.

Scanning every source record's normalised fields through the door for each search took
about 10 s on a scale-0.3 borough. The index maps search keys (canonical name keys from the
linkage variant tables, dates of birth, vehicle registrations, phone numbers, agency references
and identifiers) to source record ids, built by the service account's scan (logged as such:
what was read to compute something). It holds keys and ids only; a search then reads its
candidates through the door *as the caller*, so scope and the audit trail are the caller's.

The index is rebuilt when the number of source records or the latest one's time changes
(checked at most every :data:`CHECK_EVERY` seconds; source records are never altered); the
old one answers until the new one is ready, so records ingested in the last minute or so
may not be found yet.
"""

from __future__ import annotations

import re
import threading
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from joinedup.app.runtime import Runtime
from joinedup.linkage.names import canonical_any, name_key
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.kinds import kind_of

__all__ = [
    "CHECK_EVERY",
    "IDENTIFIER_FIELDS",
    "IDENTIFIER_LABELS",
    "REFERENCES",
    "SearchIndex",
    "index_for",
    "name_keys",
    "rebuild_now",
    "ref_key",
]

CHECK_EVERY = 10.0  # seconds between checks that the store has not changed
IDENTIFIER_FIELDS = ("nhs_number", "upn", "pnc_id", "uprn")
# what a person reading a page calls each identifier
IDENTIFIER_LABELS = {
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "pnc_id": "PNC ID",
    "uprn": "UPRN (property)",
}
_SPLIT = re.compile(r"[\s-]+")


def name_keys(value: Any) -> set[str]:
    """Canonical keys of every part of a name (``"Mohd Ali"`` → ``{"mohammed", "ali"}``)."""
    keys = set()
    for part in _SPLIT.split(str(value or "")):
        key = name_key(part)
        if key:
            keys.add(canonical_any(key) or key)
    return keys


def ref_key(value: Any) -> str:
    """An agency reference or identifier without spaces, upper case."""
    return str(value or "").replace(" ", "").upper()


#: payload columns that name another record of the same agency by its key: the police POLE
#: export's links (person, object or place to event, person to object ...), where its events
#: happened and where its nominals live; a licensed vehicle's proprietor (a driver's badge);
#: the person a social care or school record is about
REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("police_pole", "links"): ("from_ref", "to_ref"),
    ("police_pole", "events"): ("location_ref",),
    ("police_pole", "persons"): ("address_ref",),
    ("licensing", "vehicles"): ("proprietor_badge",),
    # records about a person named by the key of the agency's person record
    ("education", "exclusions"): ("upn",),
    ("ssd", "ssd_contacts"): ("cont_person_id",),
    ("ssd", "ssd_cin_episodes"): ("cine_person_id",),
    ("ssd", "ssd_cin_assessments"): ("cina_person_id",),
    ("ssd", "ssd_cla_episodes"): ("clae_person_id",),
    ("ssd", "ssd_cla_placement"): ("clap_person_id",),
    ("ssd", "ssd_cp_plans"): ("cppl_person_id",),
    ("ssd", "ssd_missing"): ("miss_person_id",),
    ("ssd", "case_notes"): ("note_person_id",),
    ("ssd", "ssd_involvements"): ("invo_person_id",),
    ("ssd", "ssd_address"): ("addr_person_id",),
}


def record_keys(
    agency_key: str,
    normalised: dict[str, Any],
    payload: dict[str, Any] | None = None,
    references: tuple[str, ...] = (),
) -> Iterator[str]:
    """The search keys of one record (``references``: the payload columns naming other
    records, each keyed ``see:<key>``)."""
    for part in ("forename", "surname", "full_name"):
        for key in name_keys(normalised.get(part)):
            yield f"n:{key}"
    for kind in ("date_of_birth", "vrm", "phone", "postcode"):
        if normalised.get(kind):
            yield f"{kind}:{normalised[kind]}"
    sent = payload or {}
    for column in references:
        if sent.get(column):
            yield f"see:{ref_key(sent[column])}"
    yield f"ref:{ref_key(agency_key)}"
    for kind in IDENTIFIER_FIELDS:
        if normalised.get(kind):
            yield f"ref:{ref_key(normalised[kind])}"


@dataclass
class SearchIndex:
    """Search key → record ids (as positions in :attr:`ids`)."""

    ids: list[str] = field(default_factory=list)
    postings: dict[str, array[int]] = field(default_factory=dict)
    signature: tuple[int, str] = (0, "")
    checked_at: float = 0.0
    built_in_s: float = 0.0

    def add(self, record_id: str, keys: Iterator[str]) -> None:
        """Index one record under its keys."""
        position = len(self.ids)
        self.ids.append(record_id)
        for key in set(keys):
            self.postings.setdefault(key, array("I")).append(position)

    def all_of(self, keys: list[str]) -> list[str]:
        """Record ids indexed under every one of ``keys``."""
        lists = sorted((self.postings.get(k, array("I")) for k in keys), key=len)
        if not lists or not lists[0]:
            return []
        found = set(lists[0])
        for more in lists[1:]:
            found.intersection_update(more)
            if not found:
                return []
        return [self.ids[i] for i in sorted(found)]


_LOCK = threading.Lock()
_INDEXES: dict[str, SearchIndex] = {}
_REBUILDING: set[str] = set()


def _signature(rt: Runtime) -> tuple[int, str]:
    """How many source records there are and when the latest came (no content read)."""
    table = kind_of(SourceRecord).table
    with rt.engine.connect() as conn:
        count, latest = conn.execute(
            select(func.count(), func.max(table.created_at))  # type: ignore[attr-defined]
        ).one()
    return int(count), str(latest)


def _build(rt: Runtime, signature: tuple[int, str]) -> SearchIndex:
    started = time.perf_counter()
    index = SearchIndex(signature=signature)
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as opened:
        batches: list[tuple[str | None, tuple[str, ...]]] = [
            (b, REFERENCES.get((fmt or "", table or ""), ()))
            for chunk in opened.scan(Batch, ["format", "record_type"])
            for b, fmt, table in chunk
        ]
    # one short session per import batch (and one for records without a batch): on SQLite a
    # session holds the write lock, and one long scan would stall every page meanwhile
    for batch, refs in [(None, ()), *batches]:
        with rt.door.session(SERVICE_ACCOUNT, "analysis") as opened:
            where = {"batch_id": batch}
            columns = ["agency_key", "normalised"] + (["payload"] if refs else [])
            for chunk in opened.scan(SourceRecord, columns, where=where):
                for record_id, agency_key, normalised, *payload in chunk:
                    sent = payload[0] if payload else None
                    index.add(record_id, record_keys(agency_key, normalised or {}, sent, refs))
    index.built_in_s = time.perf_counter() - started
    index.checked_at = time.monotonic()
    return index


def _rebuild(rt: Runtime, url: str, signature: tuple[int, str]) -> None:
    try:
        fresh = _build(rt, signature)
        with _LOCK:
            _INDEXES[url] = fresh
    finally:
        with _LOCK:
            _REBUILDING.discard(url)


def index_for(rt: Runtime) -> SearchIndex:
    """The search index of ``rt``'s store. The first call builds it; when the store's
    records have changed since, the current index keeps answering while a new one is built
    in the background (about 45 s for the default borough's 674,000 records)."""
    url = rt.settings.database_url
    with _LOCK:
        index = _INDEXES.get(url)
        if index is not None and time.monotonic() - index.checked_at < CHECK_EVERY:
            return index
    signature = _signature(rt)
    if index is None:
        with _LOCK:
            index = _INDEXES.get(url)
            if index is None:
                index = _INDEXES[url] = _build(rt, signature)
        return index
    with _LOCK:
        index.checked_at = time.monotonic()
        if index.signature != signature and url not in _REBUILDING:
            _REBUILDING.add(url)
            threading.Thread(target=_rebuild, args=(rt, url, signature), daemon=True).start()
    return index


def rebuild_now(rt: Runtime) -> SearchIndex:
    """Build ``rt``'s index afresh now and use it (after an import that must be found at
    once, as in tests; a server rebuilds in the background by itself)."""
    index_for(rt)  # waits for a first build under way
    fresh = _build(rt, _signature(rt))
    with _LOCK:
        _INDEXES[rt.settings.database_url] = fresh
    return fresh
