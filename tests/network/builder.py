"""Hand-built assemblies for the network tests: a few lines per person, event and link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count
from typing import Any

from joinedup.assemble.view import (
    Assembly,
    EventView,
    LinkView,
    ObjectView,
    Participant,
    PersonView,
    PlaceView,
    RecordRef,
)

_ids = count(1)


def ref(agency: str = "police", kind: str | None = None, rtype: str = "events") -> RecordRef:
    """A fresh source record reference."""
    n = next(_ids)
    return RecordRef(f"R{n:06d}", f"A-{agency}", kind or agency, rtype, f"K{n:06d}")


@dataclass
class Builder:
    """Adds entities to an :class:`Assembly`; ``done()`` indexes and returns it."""

    assembly: Assembly = field(default_factory=Assembly)

    def child(self, pid: str, born: date = date(1995, 6, 1), **kw: Any) -> str:
        return self.person(pid, born, **kw)

    def adult(self, pid: str, born: date = date(1970, 1, 1), **kw: Any) -> str:
        return self.person(pid, born, **kw)

    def person(self, pid: str, born: date | None, agency: str = "police", **kw: Any) -> str:
        """A person with one record; ``kw`` sets PersonView fields (sex, postcode...)."""
        record = ref(agency, rtype="persons")
        view = PersonView(pid, records=[record], date_of_birth=born, **kw)
        self.assembly.persons[pid] = view
        self.assembly.person_of_record[record.record_id] = pid
        return pid

    def place(
        self,
        pid: str,
        place_type: str = "takeaway",
        town: str = "Dunmere",
        postcode: str = "DM1 1AA",
        name: str | None = None,
    ) -> str:
        self.assembly.places[pid] = PlaceView(
            pid,
            postcode,
            f"1 {pid} Street",
            name or pid,
            town,
            place_type,
            [ref(rtype="locations")],
        )
        return pid

    def vehicle(self, vrm: str, **details: str) -> str:
        oid = f"vehicle:{vrm}"
        self.assembly.objects[oid] = ObjectView(oid, "vehicle", vrm, [ref()], dict(details))
        return oid

    def event(
        self,
        event_type: str,
        day: date,
        people: dict[str, str],
        place: str | None = None,
        things: tuple[str, ...] = (),
        cse: bool = False,
        hour: int | None = None,
        agency: str = "police",
        **attributes: object,
    ) -> EventView:
        parts = [Participant(p, "person", role) for p, role in people.items()]
        parts += [Participant(t, "vehicle", "vehicle") for t in things]
        at = datetime(day.year, day.month, day.day, hour) if hour is not None else None
        event = EventView(
            f"E{next(_ids):06d}",
            event_type,
            ref(agency),
            day,
            at=at,
            place_id=place,
            participants=parts,
            cse_concern=cse,
            attributes=dict(attributes),
        )
        self.assembly.events.append(event)
        return event

    def link(
        self,
        link_type: str,
        a: str,
        b: str,
        kinds: tuple[Any, Any] = ("person", "person"),
        start: date | None = None,
        end: date | None = None,
    ) -> LinkView:
        link = LinkView(
            f"L{next(_ids):06d}",
            link_type,
            a,
            kinds[0],
            b,
            kinds[1],
            ref(rtype="links"),
            start,
            end,
        )
        self.assembly.links.append(link)
        return link

    def done(self) -> Assembly:
        return self.assembly.index()


def two_groups(b: Builder | None = None, children_per_group: int = 6) -> Builder:
    """Two offender groups of four in Dunmere and Wexley with their own children, hotspots and
    vehicles; one member of group A (``a1``) also abuses a child of group B (a broker)."""
    b = b or Builder()
    day = date(2008, 3, 1)
    for g, town, pc in (("a", "Dunmere", "DM1 1AA"), ("b", "Wexley", "WX1 1AA")):
        members = [b.adult(f"{g}{i}", postcode=pc) for i in range(1, 5)]
        spot = b.place(f"place:{g}-flat", "flat", town, pc)
        car = b.vehicle(f"{g.upper()}11ABC", licence_type="private_hire")
        b.place(f"place:{g}-home", "home", town, pc)
        for c in range(children_per_group):
            child = b.child(f"{g}c{c}", postcode=pc)
            first, second = members[c % 4], members[(c + 1) % 4]
            b.event(
                "police_incident",
                day,
                {child: "victim", first: "suspect", second: "suspect"},
                place=spot,
                hour=22,
            )
            b.event(
                "vehicle_stop", day, {child: "passenger", first: "driver"}, spot, (car,), hour=1
            )
            b.event("missing_episode", day, {child: "missing_person"}, spot)
            b.link("controlling_adult", first, child, start=day)
    b.event("disclosure", day, {"bc0": "victim", "a1": "suspect", "b1": "suspect"}, "place:b-flat")
    return b
