"""Evidence queries about adults, vehicles and places around children at risk, and about the
completeness of what is recorded of victims and suspects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, time

from pydantic import BaseModel, ConfigDict

from joinedup.assemble.view import EventView, ObjectView, PersonView, RecordRef
from joinedup.model.roles import participant_roles
from joinedup.safeguarding.evidence import agency_phrase
from joinedup.safeguarding.rules.context import Finding, RuleContext, day_of
from joinedup.safeguarding.rules.definitions import query


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntelligenceParams(_Params):
    intelligence_types: tuple[str, ...] = ("intelligence_report", "vehicle_stop", "sighting")
    licensing_agency: str = "licensing"
    driver_roles: tuple[str, ...] = ("driver",)
    child_link_types: tuple[str, ...] = ("controlling_adult",)
    mention_link_types: tuple[str, ...] = ("seen_with",)


def _intelligence(ctx: RuleContext, types: tuple[str, ...]) -> list[EventView]:
    """Events that are CSE intelligence: marked CSE, or of an intelligence type about a child
    at risk."""
    return [
        e
        for e in ctx.assembly.events
        if e.cse_concern or (e.event_type in types and any(p in ctx.at_risk for p in e.people()))
    ]


def _children_in(ctx: RuleContext, event: EventView) -> list[str]:
    """Children in the event, other than in an offending role (a young suspect is a suspect
    there, not a child seen with the others)."""
    roles = participant_roles()
    offending = {p.entity_id for p in event.participants if roles.indicates_offending(p.role)}
    return [
        pid
        for pid in event.people()
        if pid not in offending and ctx.was_child(pid, day_of(event), event)
    ]


def _licensed_vehicle(obj: ObjectView, agency: str) -> bool:
    return obj.kind == "vehicle" and (
        any(r.agency_kind == agency for r in obj.records) or bool(obj.details.get("licence_type"))
    )


def _licensed_driver(person: PersonView, agency: str, roles: tuple[str, ...]) -> bool:
    return (
        any(r.agency_kind == agency for r in person.records)
        or bool(person.roles & set(roles))
        or bool(person.identifiers.get("badge"))
    )


@query("licensed-in-intelligence", IntelligenceParams)
def licensed_in_intelligence(ctx: RuleContext, p: IntelligenceParams) -> Iterator[Finding]:
    """Licensed taxi or private hire drivers and vehicles appearing in CSE intelligence."""
    hits: dict[tuple[str, str], list[EventView]] = defaultdict(list)
    for event in _intelligence(ctx, p.intelligence_types):
        in_event = set(_children_in(ctx, event))
        for part in event.participants:
            if part.kind == "vehicle":
                obj = ctx.assembly.objects.get(part.entity_id)
                if obj is not None and _licensed_vehicle(obj, p.licensing_agency):
                    hits[("vehicle", obj.id)].append(event)
            elif part.kind == "person" and part.entity_id not in in_event:
                person = ctx.person(part.entity_id)
                if person is not None and _licensed_driver(
                    person, p.licensing_agency, p.driver_roles
                ):
                    hits[("person", person.id)].append(event)
    for link in ctx.assembly.links:
        if link.link_type in p.child_link_types:
            person = ctx.person(link.from_id)
            if person is not None and _licensed_driver(person, p.licensing_agency, p.driver_roles):
                hits[("person", person.id)].append(
                    _as_event(link.source, link.valid_from, link.to_id)
                )
        elif link.link_type in p.mention_link_types and link.from_id in ctx.at_risk:
            # a vehicle or adult a child at risk told a worker about
            obj = ctx.assembly.objects.get(link.to_id)
            person = ctx.person(link.to_id)
            mentioned = _as_event(link.source, link.valid_from, link.from_id)
            if obj is not None and _licensed_vehicle(obj, p.licensing_agency):
                hits[("vehicle", obj.id)].append(mentioned)
            elif person is not None and _licensed_driver(
                person, p.licensing_agency, p.driver_roles
            ):
                hits[("person", person.id)].append(mentioned)
    for (kind, subject), events in sorted(hits.items()):
        register = _register_records(ctx, kind, subject, p.licensing_agency)
        children = sorted({c for e in events for c in _children_in(ctx, e)})
        label = _label(ctx, kind, subject)
        yield Finding(
            kind,
            subject,
            (subject,),
            f"Licensed {label} appears in {len(events)} CSE intelligence records "
            f"({agency_phrase(sorted({e.source.agency_kind for e in events}))}) about "
            f"{len(children)} children: notify licensing",
            register + [e.source for e in events][:30],
            tuple(children),
            True,
            {"children": len(children)},
        )


def _as_event(source: RecordRef, when: date | None, child: str) -> EventView:
    """A link shown as an event (for uniform evidence handling)."""
    from joinedup.assemble.view import Participant

    return EventView(
        source.record_id, "link", source, when, participants=[Participant(child, "person", "child")]
    )


def _register_records(ctx: RuleContext, kind: str, subject: str, agency: str) -> list[RecordRef]:
    records = (
        ctx.assembly.objects[subject].records
        if kind == "vehicle"
        else ctx.assembly.persons[subject].records
    )
    return [r for r in records if r.agency_kind == agency][:5]


def _label(ctx: RuleContext, kind: str, subject: str) -> str:
    if kind == "vehicle":
        obj = ctx.assembly.objects[subject]
        kind_label = obj.details.get("licence_type", "").replace("_", " ")
        return f"{kind_label} vehicle {obj.key}".replace("  ", " ").strip()
    return "driver"


class SupervisionParams(_Params):
    probation_agency: str = "probation"
    supervised_roles: tuple[str, ...] = ("supervised",)
    supervision_record_types: tuple[str, ...] = ("supervision",)
    adult_roles: tuple[str, ...] = ("suspect", "driver", "subject", "associate")


@query("supervised-linked-to-child", SupervisionParams)
def supervised_linked_to_child(ctx: RuleContext, p: SupervisionParams) -> Iterator[Finding]:
    """A person under probation supervision linked to a child at risk: notify probation."""
    supervised = {
        pid
        for pid, person in ctx.assembly.persons.items()
        if person.roles & set(p.supervised_roles)
        or any(
            r.agency_kind == p.probation_agency and r.record_type in p.supervision_record_types
            for r in person.records
        )
    }
    pairs: dict[tuple[str, str], list[RecordRef]] = defaultdict(list)
    for pid in supervised:
        for link in ctx.assembly.links_of(pid):
            other = link.to_id if link.from_id == pid else link.from_id
            if other in ctx.at_risk and other != pid:
                pairs[(pid, other)].append(link.source)
        for event in ctx.assembly.events_of(pid):
            roles = {x.role for x in event.participants if x.entity_id == pid}
            if not roles & set(p.adult_roles):
                continue
            for child in _children_in(ctx, event):
                if child in ctx.at_risk and child != pid:
                    pairs[(pid, child)].append(event.source)
    by_person: dict[str, dict[str, list[RecordRef]]] = defaultdict(dict)
    for (pid, child), refs in pairs.items():
        by_person[pid][child] = refs
    for pid, children in sorted(by_person.items()):
        person = ctx.assembly.persons[pid]
        supervision = [r for r in person.records if r.agency_kind == p.probation_agency][:3]
        refs = [r for child in sorted(children) for r in children[child]]
        yield Finding(
            "person",
            pid,
            (pid,),
            f"Person under probation supervision linked to {len(children)} children at risk "
            f"of CSE in {len(refs)} records "
            f"({agency_phrase(sorted({r.agency_kind for r in refs}))}): notify probation",
            supervision + list({r.record_id: r for r in refs}.values())[:30],
            tuple(sorted(children)),
            True,
            {"children": len(children)},
        )


class PatternParams(_Params):
    min_children: int = 2
    school_place_types: tuple[str, ...] = ("school",)
    school_attribute: str = "school_urn"
    min_school_days: int = 2
    lunch_from: time = time(11, 30)
    lunch_to: time = time(14, 0)


@query("repeated-vehicle-or-adult", PatternParams)
def repeated_vehicle_or_adult(ctx: RuleContext, p: PatternParams) -> Iterator[Finding]:
    """The same vehicle or adult with two or more children at risk, or repeatedly at a school
    around lunchtime."""
    with_children: dict[tuple[str, str], dict[str, list[RecordRef]]] = defaultdict(dict)
    at_school: dict[tuple[str, str, str], dict[date, RecordRef]] = defaultdict(dict)
    for event in ctx.assembly.events:
        day = day_of(event)
        children = _children_in(ctx, event)
        at_risk = [c for c in children if c in ctx.at_risk]
        school = _school(ctx, event, p)
        for part in event.participants:
            if part.kind not in ("vehicle", "person") or part.entity_id in children:
                continue
            for child in at_risk:
                with_children[(part.kind, part.entity_id)].setdefault(child, []).append(
                    event.source
                )
            if school is not None and day is not None and _lunchtime(event, p):
                at_school[(part.kind, part.entity_id, school)].setdefault(day, event.source)
    for (kind, subject), children_refs in sorted(with_children.items()):
        if len(children_refs) < p.min_children:
            continue
        refs = [r for rs in children_refs.values() for r in rs]
        yield Finding(
            "vehicle" if kind == "vehicle" else "person",
            subject,
            (subject, "children"),
            f"{_name(ctx, kind, subject)} recorded with {len(children_refs)} different "
            f"children at risk of CSE ({len(refs)} records, "
            f"{agency_phrase(sorted({r.agency_kind for r in refs}))})",
            list({r.record_id: r for r in refs}.values())[:30],
            tuple(sorted(children_refs)),
            True,
            {"children": len(children_refs)},
        )
    for (kind, subject, school), days in sorted(at_school.items()):
        if len(days) < p.min_school_days:
            continue
        yield Finding(
            "vehicle" if kind == "vehicle" else "person",
            subject,
            (subject, "school", school),
            f"{_name(ctx, kind, subject)} seen at school {school} on {len(days)} days around "
            f"lunchtime ({min(days).isoformat()} to {max(days).isoformat()})",
            list(days.values())[:30],
            (),
            True,
            {"school": school, "days": len(days)},
        )


def _school(ctx: RuleContext, event: EventView, p: PatternParams) -> str | None:
    place = ctx.assembly.places.get(event.place_id or "")
    if place is not None and place.place_type in p.school_place_types:
        return place.name or place.id
    urn = event.attributes.get(p.school_attribute)
    return str(urn) if urn else None


def _lunchtime(event: EventView, p: PatternParams) -> bool:
    if event.at is None:
        return True
    return p.lunch_from <= event.at.time() <= p.lunch_to


def _name(ctx: RuleContext, kind: str, subject: str) -> str:
    if kind == "vehicle":
        obj = ctx.assembly.objects.get(subject)
        return f"Vehicle {obj.key}" if obj is not None else "A vehicle"
    person = ctx.assembly.persons.get(subject)
    if person is not None and person.date_of_birth is not None and person.is_child_on(ctx.as_of):
        return "A young person (under 18)"
    return "An adult"


class CompletenessParams(_Params):
    fields: tuple[str, ...] = ("ethnicity", "nationality")
    suspect_roles: tuple[str, ...] = tuple(sorted(participant_roles().offending))
    suspect_link_types: tuple[str, ...] = ("controlling_adult",)


@query("recording-completeness", CompletenessParams)
def recording_completeness(ctx: RuleContext, p: CompletenessParams) -> Iterator[Finding]:
    """Victims (children at risk) and suspects whose ethnicity or nationality is not recorded."""
    suspects: dict[str, list[RecordRef]] = defaultdict(list)
    for event in ctx.assembly.events:
        if not event.cse_concern and not any(c in ctx.at_risk for c in event.people()):
            continue
        for part in event.participants:
            if part.kind == "person" and part.role in p.suspect_roles:
                suspects[part.entity_id].append(event.source)
    for link in ctx.assembly.links:
        if link.link_type in p.suspect_link_types and link.from_kind == "person":
            suspects[link.from_id].append(link.source)
    subjects = [(pid, "victim", "child") for pid in sorted(ctx.at_risk)] + [
        (pid, "suspect", "person")
        for pid in sorted(suspects)
        if pid not in ctx.at_risk and pid in ctx.assembly.persons
    ]
    for pid, category, subject_type in subjects:
        person = ctx.assembly.persons[pid]
        missing = [f for f in p.fields if not getattr(person, f, None)]
        if not missing:
            continue
        yield Finding(
            subject_type,
            pid,
            (pid, *missing),
            f"{category.capitalize()}: {' and '.join(missing)} not recorded by any agency "
            f"({len(person.records)} records held)",
            person.records[:10] + suspects.get(pid, [])[:5],
            (pid,) if category == "victim" else (),
            ctx.is_current_child(pid) if category == "victim" else True,
            {"category": category, "missing": missing},
        )
