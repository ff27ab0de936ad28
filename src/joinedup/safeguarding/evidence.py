"""Evidence over the assembled picture: declarative matches of events, links and persons.

The risk tool's indicators (``data/risk_tool.yml``) say *what* counts as evidence with these
small specifications; this module finds the matching items for one person and cites their
source records. A match never reads the simulator's truth: only what agencies recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from joinedup.assemble.view import Assembly, EventView, LinkView, PersonView, RecordRef
from joinedup.model.roles import participant_roles


class AttributeTest(BaseModel):
    """A test of one event attribute; every test given must pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    equals: str | int | float | bool | None = None
    any_of: tuple[str, ...] = ()
    contains_any: tuple[str, ...] = ()
    at_least: float | None = None
    truthy: bool | None = None

    def passes(self, value: Any) -> bool:
        """Whether ``value`` (the attribute, possibly missing) passes the test."""
        if self.truthy is not None and bool(_truthy(value)) != self.truthy:
            return False
        if value is None:
            return self.truthy is False and not (
                self.any_of or self.contains_any or self.at_least is not None
            )
        if self.equals is not None and _norm(value) != _norm(self.equals):
            return False
        if self.any_of and _norm(value) not in {_norm(v) for v in self.any_of}:
            return False
        if self.contains_any and not _contains_any(value, self.contains_any):
            return False
        return self.at_least is None or _number(value) >= self.at_least


def _norm(value: Any) -> str:
    return str(value).strip().lower()


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return _norm(value) in {"y", "yes", "true", "1"}
    return bool(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


def _contains_any(value: Any, needles: tuple[str, ...]) -> bool:
    wanted = {_norm(n) for n in needles}
    if isinstance(value, list | tuple | set | frozenset):
        return any(_norm(v) in wanted for v in value)
    text = _norm(value)
    return any(n in text for n in wanted)


class EventMatch(BaseModel):
    """Which events of a person count: every condition given must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    types: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    cse_concern: bool | None = None
    roles: tuple[str, ...] = ()
    attributes: dict[str, AttributeTest] = Field(default_factory=dict)
    place_types: tuple[str, ...] = ()
    text_any: tuple[str, ...] = ()
    with_adult: bool | None = None
    with_vehicle: bool | None = None
    age_under: int | None = None


class LinkMatch(BaseModel):
    """Links of a person that count (e.g. a controlling adult, an associate under supervision)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    types: tuple[str, ...]
    direction: Literal["to", "from", "any"] = "any"
    other_adult: bool = False
    other_roles: tuple[str, ...] = ()
    other_kinds: tuple[str, ...] = ()


class PersonMatch(BaseModel):
    """A fact about the person (e.g. a learning disability), citing records of given types."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    learning_disability: bool | None = None
    roles: tuple[str, ...] = ()
    cite_record_types: tuple[str, ...] = ()


class EvidenceSpec(BaseModel):
    """An indicator's evidence: matching events and links, or a fact about the person."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    events: tuple[EventMatch, ...] = ()
    links: tuple[LinkMatch, ...] = ()
    person: PersonMatch | None = None
    count: int = Field(default=1, ge=1)
    within_days: int | None = Field(default=None, ge=1)


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of evidence: its date and the record it comes from."""

    when: date | None
    ref: RecordRef
    label: str


@dataclass(slots=True)
class Found:
    """What a specification found for one person."""

    items: list[Item] = field(default_factory=list)
    window_days: int | None = None

    @property
    def refs(self) -> list[RecordRef]:
        """The cited records, each once, in date order."""
        seen: dict[str, RecordRef] = {}
        for item in self.items:
            seen.setdefault(item.ref.record_id, item.ref)
        return list(seen.values())

    @property
    def agencies(self) -> list[str]:
        """Kinds of agency the evidence comes from, sorted."""
        return sorted({i.ref.agency_kind for i in self.items})


def event_date(event: EventView) -> date | None:
    """The day an event happened (its start, else the date of its time)."""
    if event.start is not None:
        return event.start
    return event.at.date() if event.at is not None else None


# With no date of birth or stated age, a person's role decides: records of children's
# services name children, and these roles in an event are a child's (a missing person, a
# victim...). Persons known as drivers or as supervised offenders are adults.
CHILD_ROLES = frozenset(
    {
        "child",
        "pupil",
        "victim",
        "possible_victim",
        "missing_person",
        "passenger",
        "looked_after_child",
    }
)
ADULT_ROLES = frozenset({"driver", "supervised", "suspect"})


def is_child_at(
    person: PersonView, when: date | None, event: EventView | None = None, role: str | None = None
) -> bool:
    """Whether the person was under 18 on ``when``.

    With no date of birth, an age the recording agency gave (``age`` attribute) decides; else
    the person's roles (a child's records) or their role in the event (``CHILD_ROLES``), unless
    they are known as an adult (``ADULT_ROLES``). Screening errs towards the child.
    """
    if when is not None and person.date_of_birth is not None:
        return person.is_child_on(when)
    if event is not None and isinstance(event.attributes.get("age"), int | float | str):
        age = _number(event.attributes["age"])
        if age != float("-inf"):
            return 0 <= age < 18
    if person.date_of_birth is not None:
        return False
    if person.roles & ADULT_ROLES:
        return False
    if "child" in person.roles or "pupil" in person.roles:
        return True
    if role is None and event is not None:
        role = next((p.role for p in event.participants if p.entity_id == person.id), None)
    return role in CHILD_ROLES


def link_child(person: PersonView, link: LinkView) -> bool:
    """Whether the person was a child when a link of theirs began (undated: err to the child)."""
    if link.valid_from is None and person.date_of_birth is not None:
        return True
    targeted = link.to_id == person.id and link.link_type in ("controlling_adult", "associate")
    return is_child_at(person, link.valid_from, role="victim" if targeted else None)


class PersonEvidence:
    """The events and links of one person in an assembly, ready for matching."""

    def __init__(self, assembly: Assembly, person: PersonView, until: date | None) -> None:
        self.assembly = assembly
        self.person = person
        self.until = until
        events = [
            e
            for e in assembly.events_of(person.id)
            if any(p.entity_id == person.id for p in e.participants)
            and (until is None or (event_date(e) or date.min) <= until)
        ]
        self.events = sorted(events, key=lambda e: (event_date(e) or date.min, e.id))
        self.links = assembly.links_of(person.id)
        self._child_events: list[EventView] | None = None

    def child_events(self) -> list[EventView]:
        """The person's events while a child, in a role that may indicate risk to them.

        An event in which the child is recorded in an offending role (a suspect, a driver:
        ``participant_roles``) is not evidence about the child's own risk: see
        :meth:`offending_events`.
        """
        if self._child_events is None:
            roles = participant_roles()
            self._child_events = [
                e
                for e in self.events
                if roles.indicates_risk(self.role_in(e))
                and is_child_at(self.person, event_date(e), e)
            ]
        return self._child_events

    def offending_events(self) -> list[EventView]:
        """The person's events in an offending role (a suspect, a driver...), at any age."""
        roles = participant_roles()
        return [e for e in self.events if roles.indicates_offending(self.role_in(e))]

    def role_in(self, event: EventView) -> str | None:
        """The person's role in an event."""
        for p in event.participants:
            if p.entity_id == self.person.id:
                return p.role
        return None

    def _adult(self, person_id: str, when: date | None) -> bool:
        other = self.assembly.persons.get(person_id)
        if other is None or other.id == self.person.id:
            return False
        if when is not None and other.date_of_birth is not None:
            age = other.age_on(when)
            return age is not None and age >= 18
        return "child" not in other.roles and bool(other.roles)

    def event_matches(self, event: EventView, m: EventMatch) -> bool:
        """Whether one event satisfies a match."""
        when = event_date(event)
        checks = (
            not m.types or event.event_type in m.types,
            not m.agencies or event.source.agency_kind in m.agencies,
            m.cse_concern is None or event.cse_concern == m.cse_concern,
            not m.roles or self.role_in(event) in m.roles,
            all(t.passes(event.attributes.get(k)) for k, t in m.attributes.items()),
        )
        if not all(checks):
            return False
        if m.place_types:
            place = self.assembly.places.get(event.place_id or "")
            if place is None or place.place_type not in m.place_types:
                return False
        if m.text_any:
            text = (event.text or "").lower()
            if not any(k.lower() in text for k in m.text_any):
                return False
        if m.with_adult is not None:
            adult = any(
                p.kind == "person" and self._adult(p.entity_id, when) for p in event.participants
            )
            if adult != m.with_adult:
                return False
        if m.with_vehicle is not None:
            vehicle = any(p.kind == "vehicle" for p in event.participants)
            if vehicle != m.with_vehicle:
                return False
        if m.age_under is not None:
            age = self.person.age_on(when) if when is not None else None
            if age is None or age >= m.age_under:
                return False
        return True

    def link_matches(self, link: LinkView, m: LinkMatch) -> bool:
        """Whether a link of the person satisfies a match."""
        if link.link_type not in m.types:
            return False
        mine = link.from_id == self.person.id
        if (m.direction == "to" and mine) or (m.direction == "from" and not mine):
            return False
        other = link.to_id if mine else link.from_id
        if m.other_kinds and (link.to_kind if mine else link.from_kind) not in m.other_kinds:
            return False
        if m.other_adult and not self._adult(other, link.valid_from):
            return False
        if m.other_roles:
            person = self.assembly.persons.get(other)
            if person is None or not (person.roles & set(m.other_roles)):
                return False
        return True

    def find(self, spec: EvidenceSpec) -> Found:
        """The evidence a specification finds (empty when it does not hold)."""
        items: list[Item] = []
        for event in self.child_events():
            if any(self.event_matches(event, m) for m in spec.events):
                items.append(Item(event_date(event), event.source, event.event_type))
        for link in self.links:
            when = link.valid_from
            if when is not None and self.until is not None and when > self.until:
                continue
            if not link_child(self.person, link):
                continue
            if any(self.link_matches(link, m) for m in spec.links):
                items.append(Item(when, link.source, link.link_type))
        if spec.person is not None and self._person_matches(spec.person):
            items.extend(self._person_items(spec.person))
        items.sort(key=lambda i: (i.when or date.min, i.ref.record_id))
        return _counted(items, spec.count, spec.within_days)

    def _person_matches(self, m: PersonMatch) -> bool:
        if m.learning_disability is not None and self.person.learning_disability != (
            m.learning_disability
        ):
            return False
        return not m.roles or bool(self.person.roles & set(m.roles))

    def _person_items(self, m: PersonMatch) -> list[Item]:
        wanted = set(m.cite_record_types)
        cited = [r for r in self.person.records if not wanted or r.record_type in wanted]
        return [Item(None, r, "person") for r in (cited or self.person.records[:1])]


def _counted(items: list[Item], count: int, within_days: int | None) -> Found:
    """Keep ``items`` when at least ``count`` fall within ``within_days`` (the densest window)."""
    if len(items) < count:
        return Found()
    if within_days is None:
        return Found(items)
    dated = [i for i in items if i.when is not None]
    best: tuple[int, int] | None = None
    start = 0
    for end in range(len(dated)):
        while (dated[end].when - dated[start].when).days > within_days:  # type: ignore[operator]
            start += 1
        if end - start + 1 >= count and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    if best is None:
        return Found()
    return Found(dated[best[0] : best[1] + 1], within_days)


def cite(refs: Iterable[RecordRef]) -> list[dict[str, str]]:
    """Records as JSON-ready citations (ids and agency keys only: no case content)."""
    out: dict[str, dict[str, str]] = {}
    for r in refs:
        out.setdefault(
            r.record_id,
            {
                "record_id": r.record_id,
                "agency": r.agency_kind,
                "agency_id": r.agency_id,
                "record_type": r.record_type,
                "agency_key": r.agency_key,
            },
        )
    return list(out.values())


def agency_phrase(kinds: Sequence[str]) -> str:
    """'police and social care' style list of agency kinds."""
    names = [k.replace("_", " ") for k in kinds]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def days_between(first: date | None, last: date | None) -> int | None:
    """Whole days from ``first`` to ``last`` (None when either is unknown)."""
    if first is None or last is None:
        return None
    return (last - first).days


def within(day: date | None, start: date | None, days: int) -> bool:
    """Whether ``day`` falls in ``[start, start + days]``."""
    if day is None or start is None:
        return False
    return start <= day <= start + timedelta(days=days)
