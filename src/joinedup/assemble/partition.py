"""Partitions of the assembled picture: sets of records whose entities are connected.

Two records are in one partition when they contribute to the same entity (a person, a vehicle
or phone, a place) or to one event or link: an event joins its source, the records that add
facts to it, its participants and its place; a link joins its source and both ends; an entity
joins every record it cites; a reference joins its record and the records it names. Places
with a postcode or an identifier (a school, a house) do not join the records naming them:
every partition's assembly builds them from every record (:func:`joinedup.assemble.build.
assemble` with ``record_ids``), else one school would join a borough. A partition is a
connected component of that graph, so
assembling only a partition's records gives the same persons, objects, places, events and
links as assembling everything (each entity's votes, each event's facts, each record's person
are found within it), and the rules, which read a subject's events, links and the entities in
them, find in it what they find in the whole picture.

Used by :mod:`joinedup.safeguarding.incremental`: the full rebuild assesses partition by
partition, and a drop re-assesses only the partitions its records touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from joinedup.assemble.view import Assembly, RecordRef

__all__ = ["Partitions", "connects", "key_node", "partition"]


class _Union:
    """Union-find over string nodes (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def find(self, node: str) -> str:
        parent = self.parent
        if node not in parent:
            parent[node] = node
            self.size[node] = 1
            return node
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(self, nodes: Iterable[str]) -> None:
        it = iter(nodes)
        first = next(it, None)
        if first is None:
            return
        root = self.find(first)
        for other in it:
            b = self.find(other)
            if b == root:
                continue
            if self.size[root] < self.size[b]:
                root, b = b, root
            self.parent[b] = root
            self.size[root] += self.size[b]


@dataclass(frozen=True)
class Partitions:
    """``record id -> partition`` and ``entity id -> partition``; a partition is named by the
    smallest record id in it (stable while its records stay together)."""

    of_record: dict[str, str]
    of_entity: dict[str, str]

    def records_in(self, names: Iterable[str]) -> list[str]:
        """Every record of these partitions, in id order."""
        wanted = set(names)
        return sorted(r for r, p in self.of_record.items() if p in wanted)

    def groups(self) -> Iterator[list[str]]:
        """The record ids of each partition (partitions in name order, records in id order)."""
        members: dict[str, list[str]] = {}
        for record, name in self.of_record.items():
            members.setdefault(name, []).append(record)
        for name in sorted(members):
            yield sorted(members[name])

    def nodes(self) -> dict[str, str]:
        """``node -> partition`` as the index stores it (``r:<record>``, ``e:<entity>``)."""
        out = {"r:" + r: p for r, p in self.of_record.items()}
        out.update(("e:" + e, p) for e, p in self.of_entity.items())
        return out

    def batches(self, most: int) -> Iterator[list[str]]:
        """Record ids of whole partitions, about ``most`` records per batch (a partition
        larger than that is a batch of its own)."""
        batch: list[str] = []
        for group in self.groups():
            if batch and len(batch) + len(group) > most:
                yield batch
                batch = []
            batch.extend(group)
        if batch:
            yield batch

    def sizes(self) -> list[int]:
        """Records per partition, largest first."""
        counts: dict[str, int] = {}
        for name in self.of_record.values():
            counts[name] = counts.get(name, 0) + 1
        return sorted(counts.values(), reverse=True)


def _record(record_id: str) -> str:
    return "r:" + record_id


def key_node(agency_id: str, record_type: str, agency_key: str) -> str:
    """The node of a record's own key: the id a reference to it takes while it is not in
    scope (``ref:...``), so that a record arriving later joins the records that named it."""
    return f"e:ref:{agency_id}:{record_type}:{agency_key}"


def _refs(union: _Union, refs: Iterable[RecordRef], *others: str) -> None:
    nodes = list(others)
    for ref in refs:
        node = _record(ref.record_id)
        union.join((node, key_node(ref.agency_id, ref.record_type, ref.agency_key)))
        nodes.append(node)
    union.join(nodes)


def connects(place_id: str) -> bool:
    """Whether a place joins the records naming it: only a place known by no postcode or
    identifier (a mention's); the others are built from every record in every partition."""
    return place_id.startswith("place:|")


def partition(assembly: Assembly) -> Partitions:
    """The partitions of an assembled picture (see the module docstring)."""
    union = _Union()
    for pid, person in assembly.persons.items():
        _refs(union, person.records, "e:" + pid)
    for record_id, pid in assembly.person_of_record.items():
        union.join((_record(record_id), "e:" + pid))
    for oid, obj in assembly.objects.items():
        _refs(union, obj.records, "e:" + oid)
    for place_id, place in assembly.places.items():
        if connects(place_id):
            _refs(union, place.records, "e:" + place_id)
    for event in assembly.events:
        nodes = ["e:" + p.entity_id for p in event.participants]
        if event.place_id and connects(event.place_id):
            nodes.append("e:" + event.place_id)
        _refs(union, [event.source, *event.supporting], *nodes)
    for link in assembly.links:
        ends = [f"e:{end}" for end in (link.from_id, link.to_id) if not end.startswith("place:")]
        ends += [f"e:{end}" for end in (link.from_id, link.to_id) if connects(end)]
        _refs(union, [link.source], *ends)
    for joined in assembly.joins:
        union.join(_record(r) for r in joined)
    name: dict[str, str] = {}
    for node in sorted(n for n in union.parent if n.startswith("r:")):
        name.setdefault(union.find(node), node[2:])
    of_record: dict[str, str] = {}
    of_entity: dict[str, str] = {}
    for node in union.parent:
        label = name.get(union.find(node))
        if label is None:  # an entity citing no record (a reference out of scope)
            continue
        if node.startswith("r:"):
            of_record[node[2:]] = label
        else:
            of_entity[node[2:]] = label
    return Partitions(of_record, of_entity)
