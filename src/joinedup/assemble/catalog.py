"""Loading and checking the assembly mappings against the ingest formats and vocabularies.

A mapping is checked twice: by its schema (:mod:`joinedup.assemble.mapping`, pydantic) and
against the format it maps (every table, column, referenced file and key exists; every
constant code is in its vocabulary; every reference reaches a file that has what is asked
of it). Problems are reported together, each with its path in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from joinedup.assemble.mapping import (
    EventKinds,
    FileSpec,
    Mapping,
    PlaceRef,
    Ref,
    Target,
    Value,
)
from joinedup.common.documents import packaged, parse_document
from joinedup.common.errors import JoinedupError
from joinedup.ingest.formats import Format, formats
from joinedup.model.vocab import vocabulary

IDENTITY = ("forename", "surname", "date_of_birth")


class MappingError(JoinedupError, ValueError):
    """A mapping file is invalid; the message names the file and every problem found."""


def _data() -> Any:
    return packaged("joinedup.assemble")


@cache
def event_kinds() -> dict[str, bool]:
    """Every event type the assembly may produce -> whether it is an episode (has an end)."""
    text = _data().joinpath("event_kinds.yml").read_text(encoding="utf-8")
    extra = parse_document(
        EventKinds, text, where="event_kinds.yml", what="event kinds", error=MappingError
    )
    kinds = {code: False for code in vocabulary("event_types").codes}
    for kind in extra.event_kinds:
        if kind.code in kinds:
            raise MappingError(f"event_kinds.yml: {kind.code!r} is already an event type")
        kinds[kind.code] = kind.episode
    return kinds


class _Checker:
    """Walks one mapping, collecting problems."""

    def __init__(self, mapping: Mapping, fmt: Format) -> None:
        self.mapping = mapping
        self.fmt = fmt
        self.columns = {f.table: set(f.names) for f in fmt.files}
        self.problems: list[str] = []

    def say(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def table(self, path: str, table: str) -> bool:
        if table not in self.columns:
            known = ", ".join(sorted(self.columns))
            self.say(path, f"{self.fmt.format} has no file {table!r} (its files: {known})")
            return False
        return True

    def column(self, path: str, table: str, column: str) -> None:
        if table in self.columns and column not in self.columns[table]:
            self.say(path, f"{column!r} is not a column of {table}")

    def spec(self, table: str) -> FileSpec | None:
        return self.mapping.files.get(table)

    def ref(self, path: str, table: str, ref: Ref) -> bool:
        self.column(f"{path}.column", table, ref.column)
        if not self.table(f"{path}.file", ref.file):
            return False
        if ref.key is not None:
            self.column(f"{path}.key", ref.file, ref.key)
        return True

    def value(self, path: str, table: str, value: Value | None) -> None:
        if value is None:
            return
        if value.when is not None:
            self.value(f"{path}.when", table, value.when)
        if value.column is None:
            return
        if value.ref is not None:
            if self.ref(f"{path}.ref", table, value.ref):
                self.column(f"{path}.column", value.ref.file, value.column)
        else:
            self.column(f"{path}.column", table, value.column)

    def code(self, path: str, table: str, value: Value | None, vocab: set[str]) -> None:
        if value is None:
            return
        self.value(path, table, value)
        constants = [value.value] if value.column is None else []
        if value.map is not None:
            constants += list(value.map.values())
            if value.default is not None:
                constants.append(value.default)
        for code in constants:
            if code not in vocab:
                self.say(path, f"{code!r} is not a known code (known: {', '.join(sorted(vocab))})")

    def target(self, path: str, table: str, target: Target) -> None:
        if target.person is not None and self.ref(f"{path}.person", table, target.person):
            spec = self.spec(target.person.file)
            if spec is None or spec.person is None:
                self.say(f"{path}.person.file", f"{target.person.file} maps no person")
        for field in ("vehicle", "phone", "place_mention", "named_person"):
            self.value(f"{path}.{field}", table, getattr(target, field))
        if target.object is not None and self.ref(f"{path}.object", table, target.object):
            spec = self.spec(target.object.file)
            if spec is None or spec.object is None:
                self.say(f"{path}.object.file", f"{target.object.file} maps no object")
        if isinstance(target.place, str):
            spec = self.spec(table)
            if spec is None or target.place not in spec.places:
                self.say(f"{path}.place", f"{table} has no place named {target.place!r}")
        elif isinstance(target.place, PlaceRef) and self.ref(f"{path}.place", table, target.place):
            self.place_ref(f"{path}.place", target.place)
        if target.event is not None and self.ref(f"{path}.event", table, target.event):
            spec = self.spec(target.event.file)
            if spec is None or not spec.events:
                self.say(f"{path}.event.file", f"{target.event.file} maps no event")
        if target.entity is not None:
            self.column(f"{path}.entity.kind", table, target.entity.kind)
            self.column(f"{path}.entity.column", table, target.entity.column)
            for kind, file in target.entity.files.items():
                self.table(f"{path}.entity.files.{kind}", file)

    def place_ref(self, path: str, ref: PlaceRef) -> None:
        spec = self.spec(ref.file)
        places = spec.places if spec else {}
        if ref.place is None and len(places) != 1:
            self.say(path, f"{ref.file} maps {len(places)} places: name one with 'place'")
        elif ref.place is not None and ref.place not in places:
            self.say(f"{path}.place", f"{ref.file} has no place named {ref.place!r}")

    def file(self, table: str, spec: FileSpec) -> None:
        base = f"files.{table}"
        if not self.table(base, table):
            return
        self.value(f"{base}.date", table, spec.date)
        self.person(base, table, spec)
        places = vocabulary("place_types").codes
        for name, place in spec.places.items():
            at = f"{base}.places.{name}"
            for field in ("postcode", "name", "town", "key"):
                self.value(f"{at}.{field}", table, getattr(place, field))
            for i, part in enumerate(place.address):
                self.value(f"{at}.address[{i}]", table, part)
            self.code(f"{at}.place_type", table, place.place_type, set(places))
        if spec.object is not None:
            at = f"{base}.object"
            self.code(f"{at}.kind", table, spec.object.kind, {"vehicle", "phone"})
            self.value(f"{at}.vehicle", table, spec.object.vehicle)
            self.value(f"{at}.phone", table, spec.object.phone)
            for name, value in spec.object.details.items():
                self.value(f"{at}.details.{name}", table, value)
        self.events(base, table, spec)
        self.links(base, table, spec)

    def person(self, base: str, table: str, spec: FileSpec) -> None:
        person = spec.person
        if person is None:
            return
        at = f"{base}.person"
        if person.ref is not None and self.ref(f"{at}.ref", table, person.ref):
            target = self.spec(person.ref.file)
            if target is None or target.person is None:
                self.say(f"{at}.ref.file", f"{person.ref.file} maps no person")
        if person.self_:
            canonical = {c.canonical for f in self.fmt.files if f.table == table for c in f.columns}
            if not canonical & set(IDENTITY):
                self.say(f"{at}.self", f"{table} has no name or date-of-birth column")
        self.value(f"{at}.group", table, person.group)
        for group in ("identifiers", "attributes", "details", "flags"):
            for name, value in getattr(person, group).items():
                self.value(f"{at}.{group}.{name}", table, value)

    def events(self, base: str, table: str, spec: FileSpec) -> None:
        kinds = set(event_kinds())
        for i, event in enumerate(spec.events):
            at = f"{base}.events[{i}]"
            self.code(f"{at}.type", table, event.type, kinds)
            for field in ("when", "start", "end", "at", "text", "author"):
                self.value(f"{at}.{field}", table, getattr(event, field))
            if event.place is not None:
                self.target(f"{at}.place", table, event.place)
            self.parts(at, table, event.participants, event.cse, event.attributes)
        for i, augment in enumerate(spec.augment):
            at = f"{base}.augment[{i}]"
            if self.ref(f"{at}.event", table, augment.event):
                target = self.spec(augment.event.file)
                if target is None or augment.suffix not in {e.suffix for e in target.events}:
                    self.say(f"{at}.event", f"{augment.event.file} maps no such event")
            self.value(f"{at}.when", table, augment.when)
            self.parts(at, table, augment.participants, augment.cse, augment.attributes)

    def parts(
        self,
        at: str,
        table: str,
        participants: list[Any],
        cse: list[Value],
        attributes: dict[str, Value],
    ) -> None:
        for j, participant in enumerate(participants):
            self.target(f"{at}.participants[{j}].who", table, participant.who)
            self.value(f"{at}.participants[{j}].role", table, participant.role)
        for j, marker in enumerate(cse):
            self.value(f"{at}.cse[{j}]", table, marker)
        for name, value in attributes.items():
            self.value(f"{at}.attributes.{name}", table, value)

    def links(self, base: str, table: str, spec: FileSpec) -> None:
        types = set(vocabulary("link_types").codes)
        for i, link in enumerate(spec.links):
            at = f"{base}.links[{i}]"
            self.code(f"{at}.type", table, link.type, types)
            self.code(f"{at}.basis", table, link.basis, set(vocabulary("link_bases").codes))
            self.target(f"{at}.from", table, link.from_)
            self.target(f"{at}.to", table, link.to)
            for field in ("when", "valid_from", "valid_to", "grading", "role"):
                self.value(f"{at}.{field}", table, getattr(link, field))


def check(mapping: Mapping) -> list[str]:
    """Problems of a schema-valid mapping against its format and the vocabularies."""
    fmt = formats().get(mapping.format)
    if fmt is None:
        return [f"format: no ingest format {mapping.format!r} (known: {', '.join(formats())})"]
    checker = _Checker(mapping, fmt)
    for table, spec in mapping.files.items():
        checker.file(table, spec)
    return checker.problems


def parse(text: str, *, where: str) -> Mapping:
    """Parse, validate and check one mapping document; errors name ``where``."""
    mapping = parse_document(Mapping, text, where=where, what="mapping", error=MappingError)
    problems = check(mapping)
    if problems:
        raise MappingError(f"{where}: invalid mapping:\n" + "\n".join(f"  {p}" for p in problems))
    return mapping


def _files() -> Iterator[Any]:
    folder = _data().joinpath("mappings")
    yield from sorted(
        (p for p in folder.iterdir() if p.name.endswith(".yml")), key=lambda p: p.name
    )


@cache
def mappings() -> dict[str, Mapping]:
    """Every shipped mapping by format name, validated and checked."""
    loaded: dict[str, Mapping] = {}
    for path in _files():
        mapping = parse(path.read_text(encoding="utf-8"), where=f"mapping file {path.name}")
        if mapping.format in loaded:
            raise MappingError(f"mapping file {path.name}: format {mapping.format!r} mapped twice")
        loaded[mapping.format] = mapping
    return loaded
