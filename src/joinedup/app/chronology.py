"""The joined-up chronology of one person: every dated event the reader may see.

Three kinds of record tell of a person's events. Records linkage put in the person (a health
attendance, a school concern, a voluntary sector contact, a police nominal's first record,
a licence) are dated by their event date or their own dated column. Records naming the
person's record by the agency's own key (social care's contacts, referrals, assessments,
missing episodes, looked-after episodes, plans and case notes by ``*_person_id``; a school's
exclusions by UPN) are found through the search index. A police nominal's events (an
incident, a vehicle stop, a missing episode) are found through the links naming them, with
the person's part in each (missing person, passenger, victim ...). Everything is read
through the door as the caller; each entry cites its source record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from joinedup.app.people_index import IDENTIFIER_FIELDS, SearchIndex, ref_key
from joinedup.app.record_facts import Read, read_records, when
from joinedup.store.actor_session import ActorSession

__all__ = ["EVENT_NAMES", "ChronologyEntry", "chronology"]

MAX_MENTIONS = 5000  # records naming one person's records read for the chronology

#: what a kind of record tells of, for readers (the record type when not listed)
EVENT_NAMES = {
    "attendances": "health attendance",
    "pupils": "school entry",
    "persons": "police nominal record",
    "contacts": "voluntary sector contact",
    "concerns": "school concern",
    "exclusions": "school exclusion",
    "drivers": "taxi driver licence",
    "associates": "recorded as a probation associate",
    "supervision": "probation supervision",
    "ssd_contacts": "social care contact",
    "ssd_cin_episodes": "child in need referral",
    "ssd_cin_assessments": "child and family assessment",
    "ssd_cla_episodes": "looked after",
    "ssd_cla_placement": "placement",
    "ssd_cp_plans": "child protection plan",
    "ssd_missing": "missing episode",
    "ssd_case_notes": "case note",
    "ssd_involvements": "professional involved",
    "ssd_address": "address recorded",
}
#: coded facts a summary may quote (never free text, which stays on the record page)
_FACTS = ("outcome", "offence", "category", "placement_type", "end_date")


@dataclass(frozen=True)
class ChronologyEntry:
    """One event in the joined-up chronology."""

    date: str
    agency: str
    event_type: str
    summary: str
    record_id: str


def _event_type(record: Read) -> str:
    sent, n = record.payload, record.normalised
    coded = n.get("event_type") or sent.get("event_type")
    if isinstance(coded, str) and coded and not coded.startswith("v1:"):
        return coded
    return EVENT_NAMES.get(record.record_type, record.record_type).replace(" ", "_")


def _summary(event_type: str, record: Read, role: str | None = None) -> str:
    """A one-line summary from the record's coded facts."""
    parts = [event_type.replace("_", " ").capitalize()]
    for key in _FACTS:
        value = record.normalised.get(key) or record.payload.get(key)
        if value and not (isinstance(value, str) and value.startswith("v1:")):
            parts.append(f"{key.replace('_', ' ')}: {value}")
    if role:
        parts.append(f"as {role.replace('_', ' ')}")
    return "; ".join(parts)


def _entry(
    record: Read, agencies: dict[str, str], role: str | None = None
) -> ChronologyEntry | None:
    day = when(record.normalised, record.payload)
    if day is None:
        return None
    event_type = _event_type(record)
    agency = agencies.get(record.agency_id, record.agency_id)
    return ChronologyEntry(day, agency, event_type, _summary(event_type, record, role), record.id)


def chronology(
    opened: ActorSession,
    index: SearchIndex,
    records: Iterable[Read],
    agencies: dict[str, str],
    cache: dict[str, Read | None] | None = None,
) -> list[ChronologyEntry]:
    """The dated events of a person whose records (in the caller's reach) are ``records``,
    oldest first; the records they come from are logged as shown. ``cache``: records read
    for the same page (shared with the network)."""
    own = {r.id: r for r in records}
    entries = [e for r in own.values() if (e := _entry(r, agencies)) is not None]
    # the person's records by their agency's keys: its own key, and identifiers (a UPN)
    by_key = {(r.agency_id, ref_key(k)) for r in own.values() for k in _keys(r)}
    wanted = [i for (_, k) in sorted(by_key) for i in index.all_of([f"see:{k}"]) if i not in own]
    mentions = read_records(opened, wanted[:MAX_MENTIONS], cache)
    events: dict[tuple[str, str], str] = {}  # (agency, event ref) -> the person's part
    for m in mentions.values():
        sent = m.payload
        if not any((m.agency_id, ref_key(v)) in by_key for v in sent.values() if v):
            continue  # another agency's record naming the same key
        if m.record_type == "links":
            if (
                sent.get("to_type") == "event"
                and sent.get("from_type") == "person"
                and (m.agency_id, ref_key(sent.get("from_ref"))) in by_key
            ):
                events[(m.agency_id, str(sent["to_ref"]))] = str(sent.get("role") or "")
            continue
        if m.record_type in ("persons", "vehicles"):  # a nominal's address, a proprietor
            continue
        if (e := _entry(m, agencies)) is not None:
            entries.append(e)
    entries += _police_events(opened, index, events, agencies, cache)
    entries.sort(key=lambda e: (e.date, e.agency, e.record_id))
    opened.record_shown("source_record", {e.record_id for e in entries} - set(own))
    return entries


def _keys(record: Read) -> list[str]:
    """The keys other records of its agency may name a person's record by."""
    return [record.agency_key] + [
        str(record.normalised[f]) for f in IDENTIFIER_FIELDS if record.normalised.get(f)
    ]


def _police_events(
    opened: ActorSession,
    index: SearchIndex,
    events: dict[tuple[str, str], str],
    agencies: dict[str, str],
    cache: dict[str, Read | None] | None,
) -> list[ChronologyEntry]:
    """The police events a nominal took part in, with their part."""
    ids = [i for (_, ref) in events for i in index.all_of([f"ref:{ref_key(ref)}"])]
    out = []
    for r in read_records(opened, ids[:MAX_MENTIONS], cache).values():
        part = events.get((r.agency_id, r.agency_key))
        if part is None or r.record_type != "events":
            continue
        if (e := _entry(r, agencies, part or None)) is not None:
            out.append(e)
    return out
