"""How far the rules read from their subject, and what a drop can change within a partition.

The rules (docs/assembly.md, *How far the rules read*) read, for a subject X (a child, an
adult, a vehicle):

1. X's own records: the records of X's person or object view, and the events and links X is
   in;
2. the entities in those events and links (Y: the children with X, the adults with a child)
   as a view (age, roles, recorded facts) and, for a child Y, whether Y is at risk, which is
   Y's pre-fill: Y's own events and links;
3. the entities in Y's events and links (Z), as a view only (``with_adult``, ``other_adult``,
   ``other_roles`` of Y's evidence): Z's own records, not Z's events.

Group membership over the whole network is read by no rule: "with two or more children at
risk", "licensed ... in CSE intelligence", "supervised linked to a child at risk" count
children in X's own events and links. So a record can change the findings only of subjects
within two steps (entity - record - entity) of the entities it names, the second through a
child (:meth:`Reach.near`), and those subjects' findings are found in full by assembling
:meth:`Reach.closure`.

Built on the sketch (no free text) of the partitions a drop touched: a step here is the
sharing of a record group (an event and the records adding to it, a link, a join of
records, an entity's own records), as :func:`joinedup.assemble.partition.partition` joins
them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from joinedup.assemble.partition import connects
from joinedup.assemble.view import Assembly
from joinedup.safeguarding.evidence import PersonEvidence, link_child

__all__ = ["STEPS", "Reach", "reach", "screened"]

#: steps (entity - record - entity) from what a drop names to a subject whose findings it
#: can change: a changed view or event of Z changes Y's pre-fill (one step), and a changed
#: pre-fill of a child Y changes the findings of the subjects in Y's events and links (two
#: steps); :meth:`Reach.near` takes exactly these
STEPS = 2


@dataclass
class Reach:
    """Records and entities of a sketched picture, as the rules read them."""

    #: entity -> its own records (view records, and records whose person it is)
    own: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: entity -> the record groups (events, links) it is in
    groups_of: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: record group -> (records, entities)
    groups: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    #: record -> the groups holding it (events, links, joins, entities' own records)
    with_record: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: record -> entities whose own record it is
    owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: persons the pre-fill screens (a child in some event or link of theirs): the only
    #: entities whose events decide anything about another subject
    children: set[str] = field(default_factory=set)

    def _group(self, records: Iterable[str], entities: Iterable[str]) -> None:
        n = len(self.groups)
        group = (frozenset(records), frozenset(entities))
        self.groups.append(group)
        for entity in group[1]:
            self.groups_of[entity].append(n)
        for record in group[0]:
            self.with_record[record].append(n)

    def records_of(self, entity: str) -> set[str]:
        """Every record an entity is in: its own, and its events' and links'."""
        out = set(self.own.get(entity, ()))
        for n in self.groups_of.get(entity, ()):
            out |= self.groups[n][0]
        return out

    def entities_of(self, records: Iterable[str]) -> set[str]:
        """The entities these records name (as owners, participants, link ends)."""
        out: set[str] = set()
        for record in records:
            out |= self.owners.get(record, set())
            for n in self.with_record.get(record, ()):
                out |= self.groups[n][1]
        return out

    def near(self, records: Collection[str]) -> set[str]:
        """The subjects whose findings these records can change: the entities they name (T),
        the entities sharing a record with one of T, and the entities sharing a record with
        a child among those (a child's changed pre-fill changes whether it is at risk)."""
        named = self.entities_of(self._whole(set(records)))
        first = set(named)
        for entity in named:
            first |= self.entities_of(self._whole(self.records_of(entity)))
        out = set(first)
        for entity in first & self.children:
            out |= self.entities_of(self._whole(self.records_of(entity)))
        return out

    def closure(self, subjects: Collection[str]) -> set[str]:
        """The records to assemble for every finding about ``subjects`` to be the whole
        picture's: all their records; all the records of the children in them (whether a
        child is at risk is its pre-fill) and the own records of the other entities in them
        (their views); the own records of the entities in those children's records; then
        every record group touching one of them, whole."""
        first: set[str] = set()
        for entity in subjects:
            first |= self.records_of(entity)
        out = set(first)
        children: set[str] = set()
        for entity in self.entities_of(first):
            if entity in self.children:
                children |= self.records_of(entity)
            out |= self.own.get(entity, set())
        out |= children
        for entity in self.entities_of(children):
            out |= self.own.get(entity, set())
        return self._whole(out)

    def _whole(self, records: set[str]) -> set[str]:
        """Add the rest of every event, link or join a record is in (an event's facts come
        from all its records), until nothing is added."""
        todo = list(records)
        while todo:
            record = todo.pop()
            for n in self.with_record.get(record, ()):
                for other in self.groups[n][0]:
                    if other not in records:
                        records.add(other)
                        todo.append(other)
        return records


def reach(sketch: Assembly) -> Reach:
    """The record groups and entities of a sketched picture."""
    out = Reach()
    for pid, person in sketch.persons.items():
        out.own[pid].update(r.record_id for r in person.records)
    for record_id, pid in sketch.person_of_record.items():
        out.own[pid].add(record_id)
    for oid, obj in sketch.objects.items():
        out.own[oid].update(r.record_id for r in obj.records)
    for place_id, place in sketch.places.items():
        if connects(place_id):
            out.own[place_id].update(r.record_id for r in place.records)
    for entity, records in out.own.items():
        for record in records:
            out.owners[record].add(entity)
    for event in sketch.events:
        entities = [p.entity_id for p in event.participants]
        if event.place_id and connects(event.place_id):
            entities.append(event.place_id)
        out._group((r.record_id for r in (event.source, *event.supporting)), entities)
    for link in sketch.links:
        ends = [e for e in (link.from_id, link.to_id) if not e.startswith("place:") or connects(e)]
        out._group((link.source.record_id,), ends)
    for joined in sketch.joins:
        out._group(joined, ())
    out.children = screened(sketch)
    return out


def screened(sketch: Assembly) -> set[str]:
    """The persons :func:`~joinedup.safeguarding.prefill.prefill_all` screens (events or
    links of theirs from while a child), at any date: a superset of those it screens as of
    any day."""
    out = set()
    for person in sketch.persons.values():
        if not sketch.events_of(person.id) and not sketch.links_of(person.id):
            continue
        evidence = PersonEvidence(sketch, person, None)
        if evidence.child_events() or any(link_child(person, x) for x in evidence.links):
            out.add(person.id)
    return out
