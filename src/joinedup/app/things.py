"""Vehicles, phones and places: who is tied to one, by which agency, when, and what happened.

A thing is found by the search index (records naming a vehicle registration, a phone
number or a postcode), then followed through the records that name it: the police POLE
export's links (a vehicle in a vehicle stop, its driver and passengers; the events at a
place and who took part), a licensed vehicle's proprietor in the licensing register, and
every other agency's records naming it with the person linkage put them in. Every record is
read through the door as the caller, so a page holds only what they may see; what it shows
is logged as shown. Out of reach and unknown are the same :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.app.people import classify
from joinedup.app.people_index import IDENTIFIER_FIELDS, SearchIndex, index_for, ref_key
from joinedup.app.record_facts import (
    Read,
    age_on,
    agency_names,
    display_name,
    linked_persons,
    read_records,
    when,
)
from joinedup.app.runtime import Runtime
from joinedup.common.values.places import clean_postcode, clean_vrm
from joinedup.store.actor_session import ActorSession, NotFound

__all__ = [
    "Licence",
    "NotFound",
    "Sighting",
    "Thing",
    "ThingEvent",
    "phone",
    "place",
    "thing_in",
    "vehicle",
]

#: payload columns (by their ending) naming the person a record is about by the key of the
#: agency's person record: social care's ``*_person_id``, a school's ``upn``
OWNER_COLUMNS = ("person_id", "upn")
MAX_EVENTS = 200  # events shown on one page (the most recent)
#: how a record that names a thing ties its person to it, by the record's type
ROLE_OF = {
    "persons": "police nominal",
    "drivers": "licensed driver",
    "vehicles": "licensed proprietor",
    "associates": "probation associate",
    "supervision": "on probation",
    "concerns": "named in a school concern",
    "pupils": "pupil",
    "attendances": "health attendance",
    "contacts": "contact",
    "ssd_address": "address recorded by social care",
    "ssd_cla_placement": "placed here (looked after)",
    "ssd_person": "known to social care",
}


@dataclass(frozen=True)
class Sighting:
    """A person tied to the thing: how, by which agency's record, when."""

    person_id: str | None
    name: str
    role: str
    child: bool
    age: int | None
    agency: str
    date: str | None
    record_id: str


@dataclass(frozen=True)
class ThingEvent:
    """Something that happened with or at the thing, and the names of who took part."""

    date: str
    agency: str
    event_type: str
    summary: str
    record_id: str
    people: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Licence:
    """A licensed vehicle in the licensing register."""

    plate: str
    licence_type: str
    issued: str | None
    expires: str | None
    description: str
    proprietor: str
    proprietor_id: str | None
    agency: str
    record_id: str


@dataclass
class Thing:
    """What the caller may see of one vehicle, phone or place."""

    kind: str  # "vehicle", "phone" or "place"
    key: str
    descriptions: list[str] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    people: list[Sighting] = field(default_factory=list)
    events: list[ThingEvent] = field(default_factory=list)
    events_cut: int = 0  # events not shown (beyond MAX_EVENTS)

    @property
    def children(self) -> list[Sighting]:
        """The people tied to it who were children at the time."""
        return [s for s in self.people if s.child]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


class _Walk:
    """Follows records from a thing through one door session, reading each record once."""

    def __init__(self, opened: ActorSession, index: SearchIndex) -> None:
        self.opened, self.index = opened, index
        self.records: dict[str, Read] = {}
        self.persons: dict[str, str] = {}
        self.agencies = agency_names(opened)
        self.shown: set[str] = set()  # records whose content a page shows

    def read(self, ids: Iterable[str]) -> list[Read]:
        ids = list(ids)
        wanted = [i for i in ids if i not in self.records]
        if wanted:
            self.records.update(read_records(self.opened, wanted))
            self.persons.update(linked_persons(self.opened, wanted))
        return [self.records[i] for i in dict.fromkeys(ids) if i in self.records]

    def keyed(self, key: str) -> list[Read]:
        return self.read(self.index.all_of([key]))

    def by_ref(self, agency_id: str, refs: Iterable[str]) -> dict[str, Read]:
        """Records of ``agency_id`` by their own key (agency references are per agency)."""
        wanted = {ref_key(r) for r in refs if r}
        ids = [i for r in wanted for i in self.index.all_of([f"ref:{r}"])]
        out = {}
        for r in self.read(ids):
            if r.agency_id != agency_id:
                continue
            out[r.agency_key] = r
            for field_name in IDENTIFIER_FIELDS:  # a pupil by UPN (keyed by enrolment)
                if (value := r.normalised.get(field_name)) and ref_key(value) in wanted:
                    out.setdefault(str(value), r)
        return out

    def owners(self, records: list[Read]) -> dict[str, Read]:
        """The person-bearing record each of ``records`` (not linked to a person itself)
        names by its key: a social care address or placement's person, a pupil's attendance
        (``record id -> the person's record``)."""
        wanted: dict[str, dict[str, str]] = {}
        for r in records:
            for column, value in r.payload.items():
                if value and isinstance(value, str) and column.endswith(OWNER_COLUMNS):
                    wanted.setdefault(r.agency_id, {})[r.id] = value
                    break
        out = {}
        for agency_id, refs in wanted.items():
            found = self.by_ref(agency_id, refs.values())
            for record_id, ref in refs.items():
                person = found.get(ref)
                if person is not None and person.id in self.persons:
                    out[record_id] = person
        return out

    def agency(self, record: Read) -> str:
        return self.agencies.get(record.agency_id, record.agency_id)

    def sighting(
        self, person: Read, role: str, day: str | None, record_id: str | None = None
    ) -> Sighting:
        """``person`` (a person-bearing record) tied to the thing by the record
        ``record_id`` (default: that same record)."""
        age = age_on(person.normalised, day)
        self.shown |= {person.id, record_id or person.id}
        return Sighting(
            self.persons.get(person.id),
            display_name(person.normalised) or "Name not recorded",
            role.replace("_", " "),
            age is not None and 0 <= age < 18,
            age,
            self.agency(person),
            day,
            record_id or person.id,
        )


def _summary(record: Read) -> tuple[str, str]:
    """An event's type and a one-line summary from its coded facts (never its free text)."""
    sent, n = record.payload, record.normalised
    event_type = str(n.get("event_type") or sent.get("event_type") or record.record_type)
    parts = [event_type.replace("_", " ").capitalize()]
    outcome = sent.get("outcome") or n.get("outcome")
    if isinstance(outcome, str) and outcome and not outcome.startswith("v1:"):
        parts.append(f"outcome: {outcome}")
    return event_type, "; ".join(parts)


def _follow_pole(walk: _Walk, thing: Thing, anchors: list[Read]) -> None:
    """Police objects and locations naming the thing: their links (drivers, owners, users,
    residents), the events they took part in or that happened there, and who took part."""
    keys = {a.id: f"see:{ref_key(a.agency_key)}" for a in anchors}
    walk.read(i for key in keys.values() for i in walk.index.all_of([key]))  # all at once
    events: dict[tuple[str, str], Read] = {}
    wanted: dict[str, set[str]] = {}  # agency -> event refs
    for anchor in anchors:
        same = [m for m in walk.keyed(keys[anchor.id]) if m.agency_id == anchor.agency_id]
        links = [m for m in same if m.record_type == "links"]
        events.update(((m.agency_id, m.agency_key), m) for m in same if m.record_type == "events")
        people = walk.by_ref(anchor.agency_id, [m.payload.get("from_ref", "") for m in links])
        for m in same:  # nominals whose address this is
            if m.record_type == "persons":
                thing.people.append(walk.sighting(m, "lives here (police)", when(m.normalised)))
        for link in links:
            sent = link.payload
            if sent.get("from_type") == "person" and sent.get("from_ref") in people:
                role = str(sent.get("link_type") or "linked")
                person = people[str(sent["from_ref"])]
                thing.people.append(walk.sighting(person, role, when(link.normalised), link.id))
            if sent.get("to_type") == "event":
                wanted.setdefault(anchor.agency_id, set()).add(str(sent.get("to_ref", "")))
    for agency_id, refs in wanted.items():
        events.update(((agency_id, k), r) for k, r in walk.by_ref(agency_id, refs).items())
    _events(walk, thing, list(events.values()))


def _events(walk: _Walk, thing: Thing, events: list[Read]) -> None:
    """The events (most recent :data:`MAX_EVENTS`) with the people who took part."""
    dated = sorted(events, key=lambda e: when(e.normalised, e.payload) or "", reverse=True)
    shown, thing.events_cut = dated[:MAX_EVENTS], max(0, len(dated) - MAX_EVENTS)
    keys = {e.id: f"see:{ref_key(e.agency_key)}" for e in shown}
    walk.read(i for key in keys.values() for i in walk.index.all_of([key]))  # all at once
    taking_part: dict[str, list[Read]] = {}
    refs: dict[str, set[str]] = {}
    for event in shown:
        taking_part[event.id] = [
            m
            for m in walk.keyed(keys[event.id])
            if m.record_type == "links"
            and m.agency_id == event.agency_id
            and m.payload.get("from_type") == "person"
        ]
        refs.setdefault(event.agency_id, set()).update(
            str(m.payload.get("from_ref")) for m in taking_part[event.id]
        )
    people = {a: walk.by_ref(a, agency_refs) for a, agency_refs in refs.items()}
    for event in shown:
        day = when(event.normalised, event.payload) or ""
        names = []
        for link in taking_part[event.id]:
            person = people[event.agency_id].get(str(link.payload.get("from_ref")))
            if person is None:
                continue
            role = str(link.payload.get("role") or "took part")
            sighting = walk.sighting(person, role, day, link.id)
            thing.people.append(sighting)
            names.append(f"{sighting.name} ({sighting.role})")
        event_type, summary = _summary(event)
        thing.events.append(
            ThingEvent(day, walk.agency(event), event_type, summary, event.id, sorted(names))
        )
    thing.events.sort(key=lambda e: e.date)


def _licences(walk: _Walk, thing: Thing, vehicles: list[Read]) -> None:
    """A licensed vehicle's licence and its proprietor (a driver, by badge)."""
    for v in vehicles:
        sent, n = v.payload, v.normalised
        badge = str(sent.get("proprietor_badge") or "")
        driver = walk.by_ref(v.agency_id, [badge]).get(badge)
        proprietor = display_name(driver.normalised) if driver else ""
        issued = n.get("licence_issued") or None
        if driver is not None:
            thing.people.append(walk.sighting(driver, "licensed proprietor", issued))
        thing.licences.append(
            Licence(
                str(sent.get("plate_number") or v.agency_key),
                str(sent.get("licence_type") or "").replace("_", " "),
                issued,
                n.get("licence_expires") or None,
                _description(sent),
                proprietor or str(sent.get("proprietor_name") or "Not recorded"),
                walk.persons.get(driver.id) if driver else None,
                walk.agency(v),
                v.id,
            )
        )


def _description(sent: dict[str, Any]) -> str:
    return " ".join(str(sent[k]) for k in ("colour", "make", "model") if sent.get(k))


def _thing(who: Caller, kind: str, key: str, index_key: str, rt: Runtime | None) -> Thing:
    rt = rt or runtime()
    index = index_for(rt)  # before the session: building it opens a session of its own
    thing = Thing(kind, key)
    with session(who, rt) as opened:
        walk = _Walk(opened, index)
        named = walk.keyed(index_key)
        if not named:
            raise NotFound(f"no {kind} {key}")
        anchors = [r for r in named if r.record_type in ("objects", "locations")]
        licensed = [r for r in named if r.record_type == "vehicles" and "plate_number" in r.payload]
        owners = walk.owners([r for r in named if r.id not in walk.persons])
        for r in named:
            if (d := _description(r.payload)) and d not in thing.descriptions:
                thing.descriptions.append(d)
            person = r if r.id in walk.persons else owners.get(r.id)
            if person is not None:
                role = ROLE_OF.get(r.record_type, r.record_type.replace("_", " "))
                day = when(r.normalised, r.payload)
                thing.people.append(walk.sighting(person, role, day, r.id))
        _licences(walk, thing, licensed)
        _follow_pole(walk, thing, anchors)
        thing.people = sorted(
            set(thing.people), key=lambda s: (not s.child, s.date or "", s.name, s.role)
        )
        opened.record_shown("source_record", walk.shown | _shown(thing))
    return thing


def _shown(thing: Thing) -> set[str]:
    return (
        {s.record_id for s in thing.people}
        | {e.record_id for e in thing.events}
        | {licence.record_id for licence in thing.licences}
    )


def vehicle(who: Caller, vrm: str, *, rt: Runtime | None = None) -> Thing:
    """A vehicle by registration: its licences, who drove, owned or travelled in it (the
    children among them), the events it was in, by which agency and when."""
    try:
        key = clean_vrm(vrm)
    except ValueError as exc:
        raise NotFound(f"no vehicle {vrm}") from exc
    return _thing(who, "vehicle", key, f"vrm:{key}", rt)


def phone(who: Caller, number: str, *, rt: Runtime | None = None) -> Thing:
    """A phone number: who holds or used it, by which agency and when, and its events."""
    kind, key = classify(number)
    if kind != "phone":
        raise NotFound(f"no phone {number}")
    return _thing(who, "phone", key, f"phone:{key}", rt)


def place(who: Caller, postcode: str, *, rt: Runtime | None = None) -> Thing:
    """A place by postcode: the events there, who was seen there or lives there, by which
    agency and when."""
    try:
        key = clean_postcode(postcode)
    except ValueError as exc:
        raise NotFound(f"no place {postcode}") from exc
    return _thing(who, "place", key, f"postcode:{key}", rt)


def thing_in(q: str) -> tuple[str, str] | None:
    """The vehicle, phone or place a search text names, as ``(kind, key)`` (a registration,
    an E.164 number, a postcode), or None: the search page links it to its own page."""
    kind, value = classify(q)
    if kind in ("vrm", "phone"):
        return ("vehicle" if kind == "vrm" else "phone", value)
    if kind == "reference":
        try:
            return ("place", clean_postcode(q))
        except ValueError:
            return None
    return None
