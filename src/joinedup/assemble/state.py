"""The running state of one assembly: rows, entities found so far, events by record.

Compiled mappings (:mod:`joinedup.assemble.compile`) call into this state while the phases
of :func:`joinedup.assemble.build.assemble` run: places first (so mentions can be matched),
then persons, objects, events, the facts records add to other records' events, and links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from joinedup.assemble.entities import Objects, PersonBuild, Places, ordinal
from joinedup.assemble.resolve import Resolver
from joinedup.assemble.rows import CompiledFile, Row
from joinedup.assemble.values import text_key
from joinedup.assemble.view import EventView, PersonView

Entity = tuple[str, str]  # (entity id, entity kind)


class State:
    """Everything the compiled mappings read and write during one run."""

    def __init__(
        self, files: dict[tuple[str, str], CompiledFile], person_ids: Mapping[str, str]
    ) -> None:
        self.files = files
        self.resolver = Resolver(files, person_ids)
        self.places = Places()
        self.objects = Objects()
        self.persons: dict[str, PersonBuild] = {}
        self.events: list[EventView] = []
        self.events_by_record: dict[str, list[EventView]] = {}
        self.stats: Counter[str] = Counter()
        self._place_of: dict[tuple[str, str], str | None] = {}
        self._object_of: dict[str, Entity | None] = {}
        self._pending: list[tuple[Row, str, str]] = []
        #: the free-text place mentions compiled for each file (by ``id``): functions of a row
        self.mentions: dict[int, list[Callable[[Row], Any]]] = {}

    # -- dates -----------------------------------------------------------------------------

    @staticmethod
    def when(row: Row) -> int:
        """The day number of the row's own date (0 when it has none)."""
        if row.day < 0:
            date_of = row.file.compiled.get("date")
            row.day = ordinal(date_of(row)) if date_of is not None else 0
        return row.day

    # -- places ----------------------------------------------------------------------------

    def build_places(self, row: Row) -> None:
        """Register the places ``row`` names (phase 1: before anything refers to them)."""
        for name, make in row.file.compiled.get("places", {}).items():
            place_id, pending_postcode = make(row)
            if pending_postcode is not None:
                self._pending.append((row, name, pending_postcode))
            else:
                self._place_of[(row.ref.record_id, name)] = place_id

    def settle_places(self) -> None:
        """Postcode-only places of ``match_address`` specs: the one addressed place there."""
        for row, name, code in self._pending:
            into = self.places.addressed_at(code)
            place_id, _ = row.file.compiled["places"][name](row, settle=into or "")
            self._place_of[(row.ref.record_id, name)] = place_id
        self._pending.clear()

    def known_place(self, record_id: str, name: str, place_id: str | None) -> None:
        """The place a record names, as the place directory found it (instead of a pass)."""
        self._place_of[(record_id, name)] = place_id

    def place_of(self, row: Row, name: str | None) -> str | None:
        """The place ``row`` names (``name``: which of its file's places; None: the only one)."""
        if name is None:
            names = list(row.file.compiled.get("places", {}))
            if len(names) != 1:
                return None
            name = names[0]
        return self._place_of.get((row.ref.record_id, name))

    def mention_place(self, row: Row, text: str) -> str | None:
        """The place a free-text mention in ``row`` names."""
        return self.places.mention(text, row.ref, self.when(row))

    # -- objects ---------------------------------------------------------------------------

    def object_of(self, row: Row) -> Entity | None:
        """The vehicle or phone ``row`` describes (its file's ``object`` mapping)."""
        record_id = row.ref.record_id
        if record_id not in self._object_of:
            make = row.file.compiled.get("object")
            self._object_of[record_id] = make(row) if make is not None else None
        return self._object_of[record_id]

    # -- persons ---------------------------------------------------------------------------

    def person(self, person_id: str) -> PersonBuild:
        """The person being built under ``person_id`` (created if new)."""
        found = self.persons.get(person_id)
        if found is None:
            found = self.persons[person_id] = PersonBuild(PersonView(id=person_id))
        return found

    def named_person(self, row: Row, name: str) -> str | None:
        """An adult named (only by a name) in ``row``: one per name and subject person."""
        key = text_key(name)
        subject = self.resolver.person_of(row) or row.ref.record_id
        if not key:
            return None
        person_id = f"mention:{subject}:{key}"
        build = self.person(person_id)
        build.view.roles.add("mentioned")
        build.votes.add("forename", name.strip(), self.when(row))
        if not build.view.records or build.view.records[-1] is not row.ref:
            build.view.records.append(row.ref)
        return person_id

    # -- events ----------------------------------------------------------------------------

    def add_event(self, event: EventView) -> None:
        """Keep an event, findable by the record it comes from."""
        self.events.append(event)
        self.events_by_record.setdefault(event.source.record_id, []).append(event)

    def events_of(self, rows: list[Row], suffix: str | None = None) -> list[EventView]:
        """The events of ``rows`` (only those with ``suffix`` when given)."""
        out: list[EventView] = []
        for row in rows:
            for event in self.events_by_record.get(row.ref.record_id, []):
                if suffix is None or event_suffix(event) == suffix:
                    out.append(event)
        return out

    def count(self, what: str, n: int = 1) -> None:
        """Count something worth reporting in ``Assembly.stats``."""
        self.stats[what] += n


def event_suffix(event: EventView) -> str:
    """The suffix of an event id (the part after the record id)."""
    return event.id[len(event.source.record_id) + 1 :]
