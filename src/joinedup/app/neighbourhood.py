"""A person's neighbourhood within two steps: the people, vehicles, phones and places around
them, for the network picture and its table on the person page.

Step 1: the vehicles, phones and places the person's records name (police links included:
a vehicle they drive or own, a phone they use), the people their police record links them
to directly (a controlling adult, an associate), and the people sharing a vehicle or phone
with them. Step 2: the same from each step-1 person. Places are shown but not followed (a
postcode is shared by a whole street); the picture stops at :data:`MAX_NODES` nodes or
:data:`MAX_READS` records read, and step 2 is not taken when step 1 already fills half the
picture; the page then says it was cut short.
Built from the search index and read through the door as the caller, like the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from joinedup.app.people_index import SearchIndex, ref_key
from joinedup.app.record_facts import Read, display_name, linked_persons, read_records
from joinedup.model.linkage import PersonLink
from joinedup.store.actor_session import ActorSession

__all__ = ["MAX_NODES", "Neighbourhood", "Node", "Tie", "neighbourhood"]

MAX_NODES = 150
PER_THING = 50  # records read for one vehicle, phone or police nominal's links
MAX_READS = 1500  # records read for one picture (beyond: the picture is cut)
STEPS = 2
_THINGS = {"vrm": "vehicle", "phone": "phone"}
#: police links from a person to an object that tie them to it
_OBJECT_LINKS = {"driver_of", "owner_of", "uses_phone"}
#: police links between two persons
_PERSON_LINKS = {"associate", "controlling_adult", "seen_with"}


@dataclass(frozen=True)
class Node:
    """A person or thing in the picture: ``label`` is a name or a registration, number or
    postcode, never an id; ``step``: 0 for the person, then 1 or 2."""

    id: str
    label: str
    kind: str  # "subject", "person", "vehicle", "phone" or "place"
    step: int
    href: str


@dataclass(frozen=True)
class Tie:
    """An edge: ``how`` in words (e.g. "driver of", "named in a record")."""

    source: str
    target: str
    how: str


@dataclass
class Neighbourhood:
    """The picture's nodes and ties, and whether it was cut at :data:`MAX_NODES`."""

    nodes: list[Node] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    cut: bool = False
    limit: int = MAX_NODES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


class _Builder:
    def __init__(
        self,
        opened: ActorSession,
        index: SearchIndex,
        limit: int,
        cache: dict[str, Read | None] | None = None,
    ) -> None:
        self.opened, self.index, self.limit = opened, index, limit
        self.cache = {} if cache is None else cache
        self.budget = MAX_READS
        self.nodes: dict[str, Node] = {}
        self.ties: set[Tie] = set()
        self.cut = False
        self.shown: set[str] = set()

    def read(self, ids: Iterable[str]) -> dict[str, Read]:
        """Records in reach among ``ids``, read once per page, within :data:`MAX_READS`
        (beyond it the picture is cut rather than the page slow)."""
        wanted = list(dict.fromkeys(ids))
        fresh = [i for i in wanted if i not in self.cache]
        if len(fresh) > self.budget:
            self.cut = True
            wanted = [i for i in wanted if i in self.cache] + fresh[: self.budget]
        self.budget -= min(len(fresh), self.budget)
        return read_records(self.opened, wanted, self.cache)

    def node(self, node_id: str, label: str, kind: str, step: int, href: str) -> bool:
        """Add a node (False when the picture is full and it was left out)."""
        if node_id in self.nodes:
            return True
        if len(self.nodes) >= self.limit:
            self.cut = True
            return False
        self.nodes[node_id] = Node(node_id, label, kind, step, href)
        return True

    def tie(self, a: str, b: str, how: str) -> None:
        if a in self.nodes and b in self.nodes and a != b:
            self.ties.add(Tie(a, b, how))

    def person(self, person_id: str, label: str, step: int) -> bool:
        return self.node(
            person_id, label or "Name not recorded", "person", step, f"/people/{person_id}"
        )

    def thing(self, kind: str, key: str, step: int) -> str | None:
        node_id = f"{kind}:{key}"
        path = {"vehicle": "vehicles", "phone": "phones", "place": "places"}[kind]
        return node_id if self.node(node_id, key, kind, step, f"/{path}/{quote(key)}") else None

    def records_of(self, persons: list[str]) -> dict[str, list[Read]]:
        """Each person's records in reach."""
        links: dict[str, str] = {}
        for start in range(0, len(persons), 500):
            where = {"person_id": persons[start : start + 500]}
            for chunk in self.opened.scan(PersonLink, ["record_id", "person_id"], where=where):
                links.update((record_id, person_id) for _, record_id, person_id in chunk)
        out: dict[str, list[Read]] = {p: [] for p in persons}
        ids = sorted(links)
        if len(ids) > self.budget:
            self.cut, ids = True, ids[: self.budget]
        self.budget -= len(ids)
        # their normalised fields name their things; the payloads are not needed
        for record in read_records(self.opened, ids, payload=False).values():
            out[links[record.id]].append(record)
        return out

    def step(self, frontier: dict[str, list[Read]], step: int) -> list[str]:
        """Tie the frontier's people to their things and to the people sharing them; the
        people newly reached."""
        owners: dict[str, dict[str, str]] = {}  # thing node -> {frontier person: how}
        places: set[tuple[str, str]] = set()  # (person, postcode): shown, not followed
        police: list[tuple[str, Read]] = []
        for person_id, records in frontier.items():
            for r in records:
                for field_name, kind in _THINGS.items():
                    if r.normalised.get(field_name):
                        thing = f"{kind}:{r.normalised[field_name]}"
                        owners.setdefault(thing, {}).setdefault(person_id, "named in a record")
                if r.normalised.get("postcode"):
                    places.add((person_id, str(r.normalised["postcode"])))
                if r.record_type == "persons":
                    police.append((person_id, r))
        direct = self._police_links(police, owners)
        kept = [t for t in sorted(owners) if self.thing(*_kind_key(t), step) is not None]
        sharing = self._sharing(kept)
        reached: list[str] = []
        for thing in kept:
            for p, how in owners[thing].items():
                self.tie(p, thing, how)
            for other, label in sharing.get(thing, []):
                if other not in self.nodes and self.person(other, label, step):
                    reached.append(other)
                self.tie(other, thing, "named in a record")
        for (a, b), (label, how) in direct.items():
            if b not in self.nodes and self.person(b, label, step):
                reached.append(b)
            self.tie(a, b, how)
        for person_id, postcode in sorted(places):
            if place := self.thing("place", postcode, step):
                self.tie(person_id, place, "address")
        return reached

    def _police_links(
        self, police: list[tuple[str, Read]], owners: dict[str, dict[str, str]]
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """A police nominal's links to objects (added to ``owners``) and to other persons."""
        direct: dict[tuple[str, str], tuple[str, str]] = {}
        mentions: dict[str, tuple[str, Read]] = {}
        for person_id, r in police:
            for rid in self.index.all_of([f"see:{ref_key(r.agency_key)}"])[: PER_THING * 4]:
                mentions[rid] = (person_id, r)
        links = [
            m
            for m in self.read(mentions).values()
            if m.record_type == "links"
            and m.payload.get("from_type") == "person"
            and m.payload.get("to_type") in ("object", "person")
            and m.payload.get("link_type") in _OBJECT_LINKS | _PERSON_LINKS
        ]
        targets = {
            rid: str(m.payload.get("to_ref"))
            for m in links
            for rid in self.index.all_of([f"ref:{ref_key(m.payload.get('to_ref'))}"])
        }
        found = self.read(targets)
        persons = linked_persons(self.opened, found)
        for link in links:
            person_id, nominal = mentions[link.id]
            if link.payload.get("from_ref") != nominal.agency_key:
                continue
            for target in found.values():
                if target.agency_key != link.payload.get("to_ref"):
                    continue
                if target.agency_id != link.agency_id:
                    continue
                how = str(link.payload.get("link_type")).replace("_", " ")
                self.shown |= {link.id, target.id}
                for field_name, kind in _THINGS.items():
                    if target.normalised.get(field_name):
                        thing = f"{kind}:{target.normalised[field_name]}"
                        owners.setdefault(thing, {})[person_id] = how
                if target.id in persons:
                    direct[(person_id, persons[target.id])] = (display_name(target.normalised), how)
        return direct

    def _seen_in(self, objects: dict[str, Read], mentions: Iterable[Read]) -> list[Read]:
        """The participation links of the people in the events a police object took part
        in (a vehicle stop: its driver and passengers), as if to the object itself."""
        events: dict[str, str] = {}  # event ref -> object ref
        for m in mentions:
            sent = m.payload
            if (m.record_type, sent.get("from_type"), sent.get("to_type")) == (
                "links",
                "object",
                "event",
            ) and sent.get("from_ref") in objects:
                events[str(sent["to_ref"])] = str(sent["from_ref"])
        keys = [f"see:{ref_key(e)}" for e in list(events)[:PER_THING]]
        seen = self.read(i for k in keys for i in self.index.all_of([k]))
        out = []
        for m in seen.values():
            sent = m.payload
            event = str(sent.get("to_ref"))
            if m.record_type == "links" and sent.get("from_type") == "person" and event in events:
                as_if = {**sent, "to_ref": events[event], "link_type": "seen_in"}
                out.append(Read(m.id, m.agency_id, m.record_type, m.agency_key, as_if, {}))
        return out

    def _sharing(self, things: list[str]) -> dict[str, list[tuple[str, str]]]:
        """``thing node -> [(person id, name)]``: the people whose records name each thing
        (at most :data:`PER_THING` records each), read at once."""
        fields = {kind: f for f, kind in _THINGS.items()}
        wanted: dict[str, str] = {}
        for thing in things:
            kind, key = thing.split(":", 1)
            for rid in self.index.all_of([f"{fields[kind]}:{key}"])[:PER_THING]:
                wanted.setdefault(rid, thing)
        records = self.read(wanted)
        # a police object: the nominals its links name as its drivers, owners or users
        objects = {r.agency_key: r for r in records.values() if r.record_type == "objects"}
        mentions = self.read(
            (i for key in objects for i in self.index.all_of([f"see:{ref_key(key)}"])),
        ).values()
        links = [
            m
            for m in mentions
            if m.record_type == "links"
            and m.payload.get("from_type") == "person"
            and m.payload.get("link_type") in _OBJECT_LINKS
            and m.payload.get("to_ref") in objects
        ]
        links += self._seen_in(objects, mentions)
        nominals = self.read(
            (
                i
                for m in links
                for i in self.index.all_of([f"ref:{ref_key(m.payload['from_ref'])}"])
            ),
        )
        for m in links:
            for n in nominals.values():
                if n.agency_key == m.payload["from_ref"] and n.agency_id == m.agency_id:
                    records[n.id] = n
                    wanted[n.id] = wanted[objects[str(m.payload["to_ref"])].id]
        persons = linked_persons(self.opened, records)
        self.shown |= set(persons)
        out: dict[str, list[tuple[str, str]]] = {}
        for rid, r in records.items():
            if rid in persons:
                out.setdefault(wanted[rid], []).append((persons[rid], display_name(r.normalised)))
        return out


def _kind_key(node_id: str) -> tuple[str, str]:
    kind, _, key = node_id.partition(":")
    return kind, key


def neighbourhood(
    opened: ActorSession,
    index: SearchIndex,
    person_id: str,
    name: str,
    records: list[Read],
    *,
    limit: int | None = None,
    cache: dict[str, Read | None] | None = None,
) -> Neighbourhood:
    """The people, vehicles, phones and places within two steps of ``person_id`` (whose
    ``records`` the caller may see), at most ``limit`` (default :data:`MAX_NODES`) nodes;
    logged as shown. ``cache``: records the page has already read (the chronology's)."""
    limit = limit or MAX_NODES
    build = _Builder(opened, index, limit, cache)
    build.node(person_id, name, "subject", 0, f"/people/{person_id}")
    frontier = {person_id: records}
    for step in range(1, STEPS + 1):
        reached = build.step(frontier, step)
        if reached and step < STEPS and len(build.nodes) >= limit // 2:
            build.cut = True  # already a crowded picture: the next step would overflow it
        if not reached or build.cut or step == STEPS:
            break
        frontier = build.records_of(reached)
        for rs in frontier.values():
            build.shown |= {r.id for r in rs}
    opened.record_shown("source_record", build.shown)
    return Neighbourhood(
        sorted(build.nodes.values(), key=lambda n: (n.step, n.kind != "person", n.label)),
        sorted(build.ties, key=lambda t: (t.source, t.target, t.how)),
        build.cut,
        limit,
    )
