"""Targets: the entities a record names (its person, a referenced nominal, a vehicle by VRM,
a place, an event...), compiled into functions of a row giving ``(entity id, kind)`` pairs.

Naming an entity cites the record on it: a vehicle mentioned by a school concern lists the
concern among its records, a police location lists the incidents that happened there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joinedup.assemble.mapping import PlaceRef, Ref, Target
from joinedup.assemble.resolve import CRef, majority
from joinedup.assemble.rows import CompiledFile, Row
from joinedup.assemble.state import Entity, State
from joinedup.assemble.values import compile_value, phone, vrm

TargetFn = Callable[[Row], list[Entity]]


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _referenced_person(state: State, row: Row, ref: CRef) -> list[Entity]:
    resolver = state.resolver
    targets = resolver.ref_rows(row, ref)
    pid = majority(resolver.person_of(t) for t in targets)
    if pid is None and not targets:
        value = row.values[ref.pos]
        if value is None:
            return []
        state.count(f"unresolved:{ref.format}/{ref.file}")
        pid = f"ref:{row.ref.agency_id}:{ref.file}:{value}"
        state.person(pid)
    return [(pid, "person")] if pid is not None else []


def _referenced(state: State, row: Row, ref: CRef, kind: str, place: str | None) -> list[Entity]:
    """Objects, places or events of the rows ``ref`` points to, citing ``row`` on each."""
    targets = state.resolver.ref_rows(row, ref)
    if not targets and row.values[ref.pos] is not None:
        state.count(f"unresolved:{ref.format}/{ref.file}")
    out: list[Entity] = []
    for target in targets:
        if kind == "object":
            found = state.object_of(target)
            if found is not None:
                state.objects.cite(found[0], row.ref)
                out.append(found)
        elif kind == "place":
            place_id = state.place_of(target, place)
            if place_id is not None:
                state.places.cite(place_id, row.ref)
                out.append((place_id, "place"))
        else:
            out.extend((e.id, "event") for e in state.events_of([target]))
    return out


def _keyed_objects(state: State, kind: str, fn: Callable[[Row], Any]) -> TargetFn:
    clean = vrm if kind == "vehicle" else phone

    def objects(row: Row) -> list[Entity]:
        out: list[Entity] = []
        for item in _items(fn(row)):
            key = clean(item)
            if key:
                out.append((state.objects.add(kind, key, row.ref, state.when(row)), kind))  # type: ignore[arg-type]
        return out

    return objects


def _entity(target: Target, file: CompiledFile, state: State) -> TargetFn:
    entity = target.entity
    assert entity is not None
    kind_pos = file.position(entity.kind)
    refs = {
        kind: state.resolver.compile_ref(file, Ref(column=entity.column, file=table))
        for kind, table in entity.files.items()
    }

    def entities(row: Row) -> list[Entity]:
        kind = str(row.values[kind_pos] or "").strip().lower()
        ref = refs.get(kind)  # type: ignore[call-overload]
        if ref is None:
            state.count(f"unknown_entity_kind:{file.format}/{file.table}:{kind}")
            return []
        if kind == "person":
            return _referenced_person(state, row, ref)
        return _referenced(state, row, ref, "place" if kind == "location" else kind, None)

    return entities


def compile_target(target: Target, file: CompiledFile, state: State) -> TargetFn:
    """A function of a row of ``file`` giving the entities ``target`` names."""
    resolver = state.resolver
    if target.self_:
        return lambda row: [(pid, "person")] if (pid := resolver.person_of(row)) else []
    if target.person is not None:
        ref = resolver.compile_ref(file, target.person)
        return lambda row: _referenced_person(state, row, ref)
    for kind in ("vehicle", "phone"):
        spec = getattr(target, kind)
        if spec is not None:
            fn = compile_value(spec, file, resolver)
            assert fn is not None
            return _keyed_objects(state, kind, fn)
    if target.object is not None:
        ref = resolver.compile_ref(file, target.object)
        return lambda row: _referenced(state, row, ref, "object", None)
    if isinstance(target.place, str):
        name = target.place
        return lambda row: [(p, "place")] if (p := state.place_of(row, name)) else []
    if isinstance(target.place, PlaceRef):
        ref = resolver.compile_ref(file, target.place)
        place = target.place.place
        return lambda row: _referenced(state, row, ref, "place", place)
    if target.event is not None:
        ref = resolver.compile_ref(file, target.event)
        return lambda row: _referenced(state, row, ref, "event", None)
    if target.entity is not None:
        return _entity(target, file, state)
    text = compile_value(target.place_mention or target.named_person, file, resolver)
    assert text is not None
    if target.place_mention is not None:
        state.mentions.setdefault(id(file), []).append(text)
        return lambda row: [
            (p, "place") for t in _items(text(row)) if (p := state.mention_place(row, t))
        ]
    return lambda row: [
        (p, "person") for t in _items(text(row)) if (p := state.named_person(row, t))
    ]
