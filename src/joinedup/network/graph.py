"""The network of a time window: persons, vehicles, phones and places, tied by what the
records say (links and shared events), built from an :class:`~joinedup.assemble.view.Assembly`.

The assembly was read through the door, so the network holds only what the analyst may see.
Each tie keeps its kinds (link types, ``co_event``, ``at_event``, ``in_event``), a weight (the
number of pieces of evidence), the first and last dates and the source records it rests on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import igraph as ig

from joinedup.assemble.view import Assembly, EventView, LinkView
from joinedup.network.classify import Classification, classify
from joinedup.network.config import NetworkConfig, default_config
from joinedup.network.scope import Window, district_towns, town_of


@dataclass
class Tie:
    """The evidence between two entities."""

    kinds: Counter[str] = field(default_factory=Counter)
    records: set[str] = field(default_factory=set)
    first: date | None = None
    last: date | None = None
    bases: set[str] = field(default_factory=set)

    def add(
        self,
        kind: str,
        record_id: str,
        start: date | None,
        end: date | None,
        basis: str = "fact",
    ) -> None:
        """Add one piece of evidence (``basis``: fact, or assessment for graded intelligence)."""
        self.kinds[kind] += 1
        self.records.add(record_id)
        self.bases.add(basis)
        for day in (start, end):
            if day is None:
                continue
            self.first = day if self.first is None or day < self.first else self.first
            self.last = day if self.last is None or day > self.last else self.last

    @property
    def weight(self) -> int:
        """Pieces of evidence."""
        return sum(self.kinds.values())


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass
class Network:
    """Entities and ties of a window, with the persons classified."""

    assembly: Assembly
    window: Window
    config: NetworkConfig
    events: list[EventView]
    links: list[LinkView]
    classes: Classification
    ties: dict[tuple[str, str], Tie]
    towns: dict[str, str]

    @cached_property
    def kind_of(self) -> dict[str, str]:
        """``entity id -> kind`` (person, vehicle, phone, place) of every entity tied."""
        kinds: dict[str, str] = {}
        for event in self.events:
            for p in event.participants:
                if p.kind != "event":
                    kinds[p.entity_id] = p.kind
            if event.place_id:
                kinds[event.place_id] = "place"
        for link in self.links:
            kinds[link.from_id] = link.from_kind
            kinds[link.to_id] = link.to_kind
        for a, b in self.ties:
            for entity in (a, b):
                kinds.setdefault(entity, "person")
        return kinds

    @cached_property
    def adjacency(self) -> dict[str, set[str]]:
        """``entity id -> ids tied to it``."""
        out: dict[str, set[str]] = {}
        for a, b in self.ties:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        return out

    @cached_property
    def _people(self) -> dict[int, frozenset[str]]:
        return {}

    def people_in(self, event: EventView) -> frozenset[str]:
        """The persons taking part in an event (computed once per event)."""
        found = self._people.get(id(event))
        if found is None:
            found = self._people[id(event)] = frozenset(event.people())
        return found

    @cached_property
    def concern(self) -> list[EventView]:
        """Events of concern, in order: marked as a CSE concern, with a suspected offender
        taking part, or a child at risk reported missing."""
        offenders, children = self.classes.offenders, self.classes.children
        out = []
        for event in self.events:
            wanted = children if event.event_type == "missing_episode" else {}
            if event.cse_concern or any(
                p.kind == "person" and (p.entity_id in offenders or p.entity_id in wanted)
                for p in event.participants
            ):
                out.append(event)
        return out

    @cached_property
    def _concern_ids(self) -> frozenset[int]:
        return frozenset(id(e) for e in self.concern)

    def of_concern(self, event: EventView) -> bool:
        """Whether an event of the window is an event of concern (see :attr:`concern`)."""
        return id(event) in self._concern_ids

    def neighbours(self, entity_id: str, kind: str | None = None) -> set[str]:
        """Entities tied to ``entity_id`` (optionally only of one kind)."""
        found = self.adjacency.get(entity_id, set())
        return {n for n in found if kind is None or self.kind_of.get(n) == kind}

    def tie(self, a: str, b: str) -> Tie | None:
        """The tie between two entities, if any."""
        return self.ties.get(_pair(a, b))

    def category(self, entity_id: str) -> str:
        """``offender``, ``child_at_risk``, ``person``, or the kind (vehicle, phone, place)."""
        kind = self.kind_of.get(entity_id, "person")
        if kind != "person":
            return kind
        category = self.classes.category(entity_id)
        return "person" if category == "other" else category

    def town_of_person(self, person_id: str) -> str | None:
        """The town of a person's home postcode, else of the place they were last recorded
        as living at (``resides_at``), if known."""
        person = self.assembly.persons.get(person_id)
        town = town_of(person.postcode, self.towns) if person else None
        if town is not None:
            return town
        homes = [
            link
            for link in self.assembly.links_of(person_id)
            if link.link_type == "resides_at" and link.from_id == person_id
        ]
        for link in sorted(homes, key=lambda k: k.valid_from or date.min, reverse=True):
            place = self.assembly.places.get(link.to_id)
            if place is not None and place.town:
                return place.town
        return None

    def cse_entities(self) -> set[str]:
        """The CSE network: suspected offenders and children at risk, every entity tied to an
        offender, and the vehicles, phones and places tied to a child at risk."""
        offenders, children = set(self.classes.offenders), set(self.classes.children)
        keep = offenders | children
        for person in offenders:
            keep |= self.neighbours(person)
        for child in children:
            keep |= {n for n in self.neighbours(child) if self.kind_of.get(n) != "person"}
        return keep

    def igraph(self, entities: Iterable[str] | None = None) -> ig.Graph:
        """An undirected igraph of the (chosen) entities with vertex attributes ``name``,
        ``kind``, ``category`` and edge attributes ``weight`` and ``kinds``."""
        chosen = set(self.kind_of) if entities is None else set(entities)
        names = sorted(chosen)
        index = {name: i for i, name in enumerate(names)}
        edges, weights, kinds = [], [], []
        for (a, b), tie in sorted(self.ties.items()):
            if a in index and b in index:
                edges.append((index[a], index[b]))
                weights.append(float(tie.weight))
                kinds.append(";".join(sorted(tie.kinds)))
        graph = ig.Graph(n=len(names), edges=edges)
        graph.vs["name"] = names
        graph.vs["kind"] = [self.kind_of.get(n, "person") for n in names]
        graph.vs["category"] = [self.category(n) for n in names]
        graph.es["weight"] = weights
        graph.es["kinds"] = kinds
        return graph


def _event_ties(ties: dict[tuple[str, str], Tie], event: EventView, max_people: int) -> None:
    record = event.source.record_id
    people = sorted({p.entity_id for p in event.participants if p.kind == "person"})
    things = sorted({p.entity_id for p in event.participants if p.kind in ("vehicle", "phone")})
    span = (event.start, event.end)
    if len(people) <= max_people:
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                ties.setdefault(_pair(a, b), Tie()).add("co_event", record, *span)
    for entity in people + things:
        for thing in things:
            if thing != entity:
                ties.setdefault(_pair(entity, thing), Tie()).add("in_event", record, *span)
        if event.place_id:
            ties.setdefault(_pair(entity, event.place_id), Tie()).add("at_event", record, *span)


def build_network(
    assembly: Assembly,
    window: Window | None = None,
    config: NetworkConfig | None = None,
) -> Network:
    """The network of the window's events and links (the whole assembly without a window)."""
    window = window or Window()
    config = config or default_config()
    towns = district_towns(assembly)
    events = [e for e in assembly.events if window.event_in_scope(assembly, e, towns)]
    links = [
        link
        for link in assembly.links
        if window.link_in_scope(link)
        and link.from_kind != "event"
        and link.to_kind != "event"
        and (window.area is None or _link_in_area(assembly, window, link, towns))
    ]
    ties: dict[tuple[str, str], Tie] = {}
    for event in events:
        _event_ties(ties, event, config.ties.max_event_size)
    for link in links:
        if link.from_id != link.to_id:
            ties.setdefault(_pair(link.from_id, link.to_id), Tie()).add(
                link.link_type, link.source.record_id, link.valid_from, link.valid_to, link.basis
            )
    classes = classify(assembly, events, links, config.categories)
    return Network(assembly, window, config, events, links, classes, ties, towns)


def _link_in_area(
    assembly: Assembly, window: Window, link: LinkView, towns: dict[str, str]
) -> bool:
    """A link is in the area when one of its ends is a place there or a person living there."""
    for entity, kind in ((link.from_id, link.from_kind), (link.to_id, link.to_kind)):
        if kind == "place" and window.place_in_area(assembly.places.get(entity)):
            return True
        person = assembly.persons.get(entity) if kind == "person" else None
        if person is not None and window.person_in_area(person.postcode, towns):
            return True
    return False
