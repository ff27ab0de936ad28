"""Compiling file mappings into functions of a row: person facts, places, objects, events,
the facts a record adds to another record's events, and links.

Every compiled function is stored in ``CompiledFile.compiled`` under a fixed name, so the
phases of the build look them up once per file, not per row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from joinedup.assemble.catalog import event_kinds
from joinedup.assemble.mapping import (
    AugmentSpec,
    EventSpec,
    LinkSpec,
    ObjectSpec,
    ParticipantSpec,
    PersonSpec,
    PlaceSpec,
    Value,
)
from joinedup.assemble.rows import CompiledFile, Row
from joinedup.assemble.state import State, event_suffix
from joinedup.assemble.targets import compile_target
from joinedup.assemble.values import Fn, as_date, compile_value, phone, vrm
from joinedup.assemble.view import EventView, LinkView, Participant
from joinedup.model.vocab import vocabulary

PERSON_FIELDS = ("forename", "surname", "date_of_birth", "sex", "ethnicity", "postcode")
Named = list[tuple[str, Fn]]


def _named(values: dict[str, Value], file: CompiledFile, state: State) -> Named:
    out: Named = []
    for name, spec in values.items():
        fn = compile_value(spec, file, state.resolver)
        assert fn is not None
        out.append((name, fn))
    return out


def _person(spec: PersonSpec, file: CompiledFile, state: State) -> None:
    c, resolver = file.compiled, state.resolver
    c["person_ref"] = resolver.compile_ref(file, spec.ref) if spec.ref else None
    c["person_group"] = compile_value(spec.group, file, resolver)
    attributes: dict[str, Value] = {str(k): v for k, v in spec.attributes.items()}
    if spec.self_:
        for column, source in file.sources.items():
            if source.canonical in PERSON_FIELDS:
                attributes.setdefault(str(source.canonical), Value(column=column))
    c["person_attributes"] = _named(attributes, file, state)
    c["person_identifiers"] = _named(spec.identifiers, file, state)
    c["person_details"] = _named(spec.details, file, state)
    c["person_flags"] = _named({str(k): v for k, v in spec.flags.items()}, file, state)
    c["roles"] = tuple(spec.roles)


def _place(spec: PlaceSpec, file: CompiledFile, state: State) -> Callable[..., Any]:
    resolver = state.resolver
    postcode = compile_value(spec.postcode, file, resolver)
    parts = [f for p in spec.address if (f := compile_value(p, file, resolver)) is not None]
    name = compile_value(spec.name, file, resolver)
    town = compile_value(spec.town, file, resolver)
    place_type = compile_value(spec.place_type, file, resolver)
    key = compile_value(spec.key, file, resolver)
    prefix, match = spec.key_prefix, spec.match_address

    def make(row: Row, settle: str | None = None) -> tuple[str | None, str | None]:
        code = postcode(row) if postcode else None
        address = " ".join(str(v) for f in parts if (v := f(row))) or None
        keyed = key(row) if key else None
        if match and settle is None and code and not address and not keyed:
            return None, str(code)
        place_id = state.places.add(
            row.ref,
            state.when(row),
            postcode=str(code) if code else None,
            address=address,
            name=str(v) if name and (v := name(row)) else None,
            town=str(v) if town and (v := town(row)) else None,
            place_type=str(v) if place_type and (v := place_type(row)) else None,
            key=f"{prefix}:{keyed}" if keyed else None,
            into=settle or None,
        )
        return place_id, None

    return make


def _object(spec: ObjectSpec, file: CompiledFile, state: State) -> Callable[[Row], Any]:
    resolver = state.resolver
    kind_of = compile_value(spec.kind, file, resolver)
    vehicle = compile_value(spec.vehicle, file, resolver)
    number = compile_value(spec.phone, file, resolver)
    details = _named(spec.details, file, state)

    def make(row: Row) -> tuple[str, str] | None:
        kind = kind_of(row) if kind_of else None
        if kind == "vehicle":
            raw = vehicle(row) if vehicle else None
            key = vrm(str(raw)) if raw else None
        elif kind == "phone":
            raw = number(row) if number else None
            key = phone(str(raw)) if raw else None
        else:
            state.count(f"unknown_object_kind:{file.format}/{file.table}:{kind}")
            return None
        if not key:
            state.count(f"object_without_key:{file.format}/{file.table}")
            key = f"record:{row.ref.record_id}"
        values = {n: v for n, fn in details if (v := fn(row)) is not None}
        return state.objects.add(kind, key, row.ref, state.when(row), values), kind

    return make


def _participants(specs: list[ParticipantSpec], file: CompiledFile, state: State) -> Any:
    compiled = [
        (compile_target(p.who, file, state), compile_value(p.role, file, state.resolver))
        for p in specs
    ]

    def participants(row: Row) -> list[Participant]:
        out: list[Participant] = []
        for who, role_of in compiled:
            role = str(role_of(row) or "participant") if role_of else "participant"
            out.extend(Participant(i, k, role) for i, k in who(row))  # type: ignore[arg-type]
        return out

    return participants


def _any(markers: list[Value], file: CompiledFile, state: State) -> Callable[[Row], bool]:
    fns = [f for m in markers if (f := compile_value(m, file, state.resolver)) is not None]
    if not fns:
        return lambda row: False
    if len(fns) == 1:
        one = fns[0]
        return lambda row: bool(one(row))
    return lambda row: any(f(row) for f in fns)


def _event(spec: EventSpec, file: CompiledFile, state: State) -> Callable[[Row], None]:
    r = state.resolver
    type_of, when = compile_value(spec.type, file, r), compile_value(spec.when, file, r)
    start_of, end_of = compile_value(spec.start, file, r), compile_value(spec.end, file, r)
    at_of, text_of = compile_value(spec.at, file, r), compile_value(spec.text, file, r)
    author_of = compile_value(spec.author, file, r)
    place_of = compile_target(spec.place, file, state) if spec.place else None
    participants = _participants(spec.participants, file, state)
    cse = _any(spec.cse, file, state)
    attributes = _named(spec.attributes, file, state)
    known, suffix = event_kinds(), f"/{spec.suffix}" if spec.suffix else ""

    def make(row: Row) -> None:
        if when is not None and not when(row):
            return
        kind = str(type_of(row) or "") if type_of else ""
        if not kind:
            state.count(f"event_without_type:{file.format}/{file.table}")
            return
        if kind not in known:
            state.count(f"unknown_event_type:{kind}")
        at = at_of(row) if at_of else None
        start = start_of(row) if start_of else None
        if isinstance(start, datetime):
            at = at or start
        start = as_date(start) or as_date(at)
        places = place_of(row) if place_of else []
        event = EventView(
            id=row.ref.record_id + suffix,
            event_type=kind,
            source=row.ref,
            start=start,
            end=as_date(end_of(row)) if end_of else None,
            at=at if isinstance(at, datetime) else None,
            place_id=places[0][0] if places else None,
            participants=_unique(participants(row)),
            cse_concern=cse(row),
            text=str(t) if text_of and (t := text_of(row)) else None,
            author=str(a) if author_of and (a := author_of(row)) else None,
            attributes={n: v for n, fn in attributes if (v := fn(row)) is not None},
        )
        state.add_event(event)

    return make


def _unique(participants: list[Participant]) -> list[Participant]:
    return participants if len(participants) < 2 else list(dict.fromkeys(participants))


def _augment(spec: AugmentSpec, file: CompiledFile, state: State) -> Callable[[Row], None]:
    r = state.resolver
    ref, when = r.compile_ref(file, spec.event), compile_value(spec.when, file, r)
    participants = _participants(spec.participants, file, state)
    cse = _any(spec.cse, file, state)
    attributes = _named(spec.attributes, file, state)

    def apply(row: Row) -> None:
        if when is not None and not when(row):
            return
        targets = r.ref_rows(row, ref)
        events = [e for e in state.events_of(targets) if event_suffix(e) == spec.suffix]
        if not events:
            state.count(f"unresolved:{file.format}/{spec.event.file}")
            return
        added = participants(row)
        marked = cse(row)
        values = {n: v for n, fn in attributes if (v := fn(row)) is not None}
        for event in events:
            event.participants = _unique(event.participants + added)
            event.cse_concern = event.cse_concern or marked
            for name, value in values.items():
                old = event.attributes.get(name)
                if isinstance(old, list) and isinstance(value, list):
                    value = list(dict.fromkeys(old + value))
                event.attributes[name] = value
            event.supporting.append(row.ref)

    return apply


def _link(spec: LinkSpec, file: CompiledFile, state: State) -> Callable[[Row], list[LinkView]]:
    r = state.resolver
    type_of, when = compile_value(spec.type, file, r), compile_value(spec.when, file, r)
    from_of, to_of = compile_target(spec.from_, file, state), compile_target(spec.to, file, state)
    valid_from, valid_to = (
        compile_value(spec.valid_from, file, r),
        compile_value(spec.valid_to, file, r),
    )
    basis_of, grading_of = compile_value(spec.basis, file, r), compile_value(spec.grading, file, r)
    role_of = compile_value(spec.role, file, r)
    known, suffix = vocabulary("link_types").codes, f"/{spec.suffix}" if spec.suffix else ""

    def make(row: Row) -> list[LinkView]:
        if when is not None and not when(row):
            return []
        kind = str(type_of(row) or "") if type_of else ""
        pairs = [(a, b) for a in from_of(row) for b in to_of(row) if a[0] != b[0]]
        if not kind or not pairs:
            return []
        if kind not in known:
            state.count(f"unknown_link_type:{kind}")
        base = row.ref.record_id + suffix
        start = as_date(valid_from(row)) if valid_from else None
        end = as_date(valid_to(row)) if valid_to else None
        basis = str(basis_of(row) or "fact") if basis_of else "fact"
        grading = str(g) if grading_of and (g := grading_of(row)) else None
        role = str(x) if role_of and (x := role_of(row)) else None
        return [
            LinkView(
                id=base if len(pairs) == 1 else f"{base}/{i}",
                link_type=kind,
                from_id=a[0],
                from_kind=a[1],  # type: ignore[arg-type]
                to_id=b[0],
                to_kind=b[1],  # type: ignore[arg-type]
                source=row.ref,
                valid_from=start,
                valid_to=end,
                basis=basis,
                grading=grading,
                role=role,
            )
            for i, (a, b) in enumerate(pairs, start=1)
        ]

    return make


def compile_file(file: CompiledFile, state: State) -> None:
    """Compile every part of ``file``'s mapping into ``file.compiled``."""
    spec, c = file.spec, file.compiled
    c["date"] = compile_value(spec.date, file, state.resolver)
    if spec.person is not None:
        _person(spec.person, file, state)
    c["places"] = {name: _place(p, file, state) for name, p in spec.places.items()}
    if spec.object is not None:
        c["object"] = _object(spec.object, file, state)
    c["events"] = [_event(e, file, state) for e in spec.events]
    c["augments"] = [_augment(a, file, state) for a in spec.augment]
    c["links"] = [_link(link, file, state) for link in spec.links]
