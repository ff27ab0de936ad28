"""The assembled picture: resolved entities, events and links, each citing its source records.

These are plain in-memory types (slots dataclasses, not pydantic: a borough has hundreds of
thousands of them). ``joinedup.assemble.build.assemble`` fills them from the store through the
door; the rule engine, the risk tool, the network analyses and the estimator read them.

Ids: a person's id is its resolved person id from linkage (stable across runs); vehicles are
``vehicle:<VRM>``, phones ``phone:<E.164>``, places ``place:<postcode>|<normalised address>``
(or ``place:<postcode>`` when only a postcode is known); events and links take the id of the
source record they come from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

EntityKind = Literal["person", "vehicle", "phone", "place", "event"]


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where a fact came from: one source record of one agency."""

    record_id: str
    agency_id: str
    agency_kind: str
    record_type: str
    agency_key: str


@dataclass(slots=True)
class PersonView:
    """A resolved person as far as the session can see: the records of every reachable agency.

    Attributes are the most frequent non-empty value over the member records (ties: the most
    recent record); ``records`` cites every member record.
    """

    id: str
    records: list[RecordRef] = field(default_factory=list)
    forename: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    nationality: str | None = None
    postcode: str | None = None
    learning_disability: bool = False
    # roles the records give (e.g. "child", "driver", "supervised", "associate", "nominal")
    roles: set[str] = field(default_factory=set)
    # identifiers seen: {"upn": {...}, "nhs_number": {...}, "pnc_id": {...}, "badge": {...}}
    identifiers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # other facts the records give, by majority like the attributes (docs/assembly.md), e.g.
    # {"licence_type": "hackney", "licence_status": "active", "sen_provision": "K"}
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def agencies(self) -> set[str]:
        """The kinds of agency holding a record of this person."""
        return {r.agency_kind for r in self.records}

    def age_on(self, when: date) -> int | None:
        """Age in whole years on a date, if the date of birth is known."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return when.year - born.year - ((when.month, when.day) < (born.month, born.day))

    def is_child_on(self, when: date) -> bool:
        """Under 18 on the date (unknown age counts as not a child)."""
        age = self.age_on(when)
        return age is not None and 0 <= age < 18


@dataclass(slots=True)
class ObjectView:
    """A vehicle (by VRM) or a phone (by E.164 number), with the records that mention it."""

    id: str
    kind: Literal["vehicle", "phone"]
    key: str
    records: list[RecordRef] = field(default_factory=list)
    # e.g. {"make": "Ford", "licence_type": "private_hire", "plate_number": "PHV0001"}
    details: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PlaceView:
    """A place (postcode and normalised address), with its kind and the records naming it."""

    id: str
    postcode: str | None
    address: str | None = None
    name: str | None = None
    town: str | None = None
    place_type: str = "other"
    records: list[RecordRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Participant:
    """An entity taking part in an event, with its role (``missing_person``, ``suspect``…)."""

    entity_id: str
    kind: EntityKind
    role: str


@dataclass(slots=True)
class EventView:
    """Something that happened, as one agency recorded it.

    ``event_type`` is from the event_types vocabulary, plus the episode kinds from children's
    social care (``looked_after``, ``cp_plan``, ``cin_episode``, ``assessment``) which carry an
    ``end`` date. ``cse_concern`` is True when the recording agency marked the event as related
    to child sexual exploitation (a police CSE marker, an SSD assessment factor for CSE, a
    voluntary project's CSE concern, a health referral for CSE…). ``text`` is the decrypted
    free text of the record (notes, summaries), for the language checker and for evidence.
    ``attributes`` carries the record's other normalised facts (``outcome``, ``offence``,
    ``return_interview_offered``, ``placement_type``, ``out_of_area``, ``factors``, ``time``,
    ``school_urn``…), by the names documented in docs/assembly.md.
    """

    id: str
    event_type: str
    source: RecordRef
    start: date | None
    end: date | None = None
    at: datetime | None = None
    place_id: str | None = None
    participants: list[Participant] = field(default_factory=list)
    cse_concern: bool = False
    text: str | None = None
    author: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    # other records that added facts to this event (assessment factors, police participant
    # links, a worker's involvement); ``source`` is the record the event comes from
    supporting: list[RecordRef] = field(default_factory=list)

    def people(self, role: str | None = None) -> list[str]:
        """Ids of the persons taking part (optionally only in one role)."""
        return [
            p.entity_id
            for p in self.participants
            if p.kind == "person" and (role is None or p.role == role)
        ]


@dataclass(slots=True)
class LinkView:
    """A link between two entities (link_types vocabulary), with time span, basis and source."""

    id: str
    link_type: str
    from_id: str
    from_kind: EntityKind
    to_id: str
    to_kind: EntityKind
    source: RecordRef
    valid_from: date | None = None
    valid_to: date | None = None
    basis: str = "fact"
    grading: str | None = None
    role: str | None = None


@dataclass(slots=True)
class Assembly:
    """Everything the session can see, joined up. Indexes are built by :meth:`index`."""

    persons: dict[str, PersonView] = field(default_factory=dict)
    objects: dict[str, ObjectView] = field(default_factory=dict)
    places: dict[str, PlaceView] = field(default_factory=dict)
    events: list[EventView] = field(default_factory=list)
    links: list[LinkView] = field(default_factory=list)
    # record id -> resolved person id, for every person-bearing record in scope
    person_of_record: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None
    # counts of what the assembly read and could not resolve (docs/assembly.md)
    stats: dict[str, int] = field(default_factory=dict)
    # record ids the assembly read together (a reference and its targets, a group's members)
    joins: list[tuple[str, ...]] = field(default_factory=list)
    _events_by_entity: dict[str, list[EventView]] = field(default_factory=dict)
    _links_by_entity: dict[str, list[LinkView]] = field(default_factory=dict)

    def index(self) -> Assembly:
        """(Re)build the per-entity indexes; returns self."""
        by_event: dict[str, list[EventView]] = defaultdict(list)
        for event in self.events:
            for participant in event.participants:
                by_event[participant.entity_id].append(event)
            if event.place_id:
                by_event[event.place_id].append(event)
        by_link: dict[str, list[LinkView]] = defaultdict(list)
        for link in self.links:
            by_link[link.from_id].append(link)
            by_link[link.to_id].append(link)
        self._events_by_entity = dict(by_event)
        self._links_by_entity = dict(by_link)
        return self

    def events_of(self, entity_id: str) -> list[EventView]:
        """Events in which an entity takes part (or which happened at a place)."""
        return self._events_by_entity.get(entity_id, [])

    def links_of(self, entity_id: str) -> list[LinkView]:
        """Links from or to an entity."""
        return self._links_by_entity.get(entity_id, [])

    def children(self, when: date | None = None) -> Iterator[PersonView]:
        """Persons under 18 on a date (default: ``as_of``, else today)."""
        on = when or self.as_of or date.today()
        return (p for p in self.persons.values() if p.is_child_on(on))
