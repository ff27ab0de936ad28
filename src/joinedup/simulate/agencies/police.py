"""Police export as POLE CSV: persons, objects, locations, events and links."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from joinedup.simulate import ids
from joinedup.simulate.agencies.base import SDE, Ident, Writer
from joinedup.simulate.entities import Event, Person, Place, Thing
from joinedup.simulate.life import Life
from joinedup.simulate.world import World

CONTEXT = {
    "missing_episode": "missing_cse",
    "arrest": "arrest_dd",
    "vehicle_stop": "vehicle_stop",
    "intelligence_report": "intelligence",
}
OUTCOME = {
    "missing_episode": "Located",
    "arrest": "Arrested - drunk and disorderly",
    "vehicle_stop": "Words of advice",
    "intelligence_report": "Intelligence logged",
    "police_incident": "Complete",
    "disclosure": "Crime recorded",
}


class PoliceWriter(Writer):
    """Writes the police POLE files."""

    agency = "police"

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self._places: dict[str, str] = {}
        self._things: dict[str, str] = {}
        self._local_places: list[str] = []

    def _person_row(self, ident: Ident, p: Person, day: date) -> None:
        rec = ident.rec
        pnc = (
            ids.pnc_id(day.year, self.sink.serial("pnc"))
            if p.role == "offender" and self.rng.random() < 0.6
            else ""
        )
        address = self.place(ident.address) if ident.address else ""
        self.sink.row(
            "police",
            "persons.csv",
            [
                ident.key,
                rec.surname,
                rec.forename,
                self.d(rec.dob),
                "F" if p.female else "M",
                SDE.get(rec.ethnicity, ""),
                rec.alias,
                pnc,
                address,
                self.phone(p.phone)
                if p.role != "child" and p.phone and self.rng.random() < 0.5
                else "",
                self.d(day),
            ],
        )
        self.record("persons.csv", ident.key, p, ident)
        if ident.address is not None:
            self.sink.location(
                "police", "persons.csv", ident.key, "address_ref", ident.address.location_id
            )

    def person(self, p: Person, day: date) -> str:
        """The nominal reference of ``p``."""
        return self.identity(p, day, lambda: self.sink.key("N", 7), self._person_row).key

    def place(self, place: Place) -> str:
        """The location reference of ``place``."""
        ref = self._places.get(place.location_id)
        if ref is None:
            ref = self.sink.key("LOC", 7)
            self._places[place.location_id] = ref
            if place.place_type in ("home", "flat", "foster_home") and not place.is_hotspot:
                self._local_places.append(place.location_id)
            self.sink.row(
                "police",
                "locations.csv",
                [
                    ref,
                    place.place_type,
                    place.name,
                    place.house,
                    place.street,
                    place.town,
                    self.postcode(place),
                ],
            )
            self.sink.location("police", "locations.csv", ref, "location_ref", place.location_id)
        return ref

    def thing(self, thing: Thing, day: date) -> str:
        """The object reference of a vehicle, with its owner link on creation."""
        ref = self._things.get(thing.object_id)
        if ref is None:
            ref = self.sink.key("OBJ", 6)
            self._things[thing.object_id] = ref
            self.sink.row(
                "police",
                "objects.csv",
                [ref, "vehicle", self.vrm(thing.value), thing.make, thing.model, thing.colour, ""],
            )
            self.sink.thing("police", "objects.csv", ref, "vrm", thing.object_id)
            if thing.owner is not None:
                self.link(thing.owner, "object", ref, "owner_of", "", day)
        return ref

    def link(
        self,
        p: Person,
        to_type: str,
        to_ref: str,
        link_type: str,
        role: str,
        day: date,
        *,
        cse: bool = False,
        grading: str = "",
        to_person: Person | None = None,
    ) -> None:
        """A link row from person ``p`` (to ``to_person`` when the target is a person)."""
        key = self.sink.key("LK", 8)
        self.sink.row(
            "police",
            "links.csv",
            [
                key,
                "person",
                self.person(p, day),
                to_type,
                to_ref,
                link_type,
                role,
                self.d(day),
                "",
                "assessment" if grading else "fact",
                grading,
            ],
        )
        self.record("links.csv", key, p, role=role or link_type, cse=cse)
        if to_person is not None:
            self.record("links.csv", key, to_person, role=f"{link_type}_target", cse=cse)

    def child(self, life: Life) -> None:
        """Write what the police saw of one child's life."""
        for ev in life.events:
            if "police" in ev.seen:
                self.event(ev, life)
        for pid in self._local_places:
            self._places.pop(pid, None)
        self._local_places.clear()

    def event(self, ev: Event, life: Life) -> None:
        """Write one event and its links."""
        r = self.rng
        child = ev.child
        seen = ev.seen["police"]
        key = self.sink.key("INC", 8)
        where = ev.place or (life.address_on(ev.start) if child else None)
        loc = self.place(where) if where else ""
        context = CONTEXT.get(ev.kind, "police_ordinary")
        if ev.kind == "missing_episode" and not ev.cse:
            context = "missing_ordinary"
        if ev.kind == "police_incident" and ev.detail.get("found"):
            context = "found_with_adults"
        summary = "Child disclosed sexual abuse by adult males; ABE interview arranged."
        if ev.kind != "disclosure":
            summary = self.note("events.csv", key, "summary", context, ev, child, ev.start)
        at = datetime.combine(ev.start, time(r.randint(0, 23), r.choice((0, 15, 30, 45))))
        rep = datetime.combine(seen, time(r.randint(0, 23), r.randint(0, 59)))
        self.sink.row(
            "police",
            "events.csv",
            [
                key,
                ev.kind,
                self.sink.dt("police", at),
                self.sink.dt("police", max(at, rep)),
                loc,
                OUTCOME.get(ev.kind, "Complete"),
                summary,
            ],
        )
        self.sink.event("police", "events.csv", key, ev.event_id)
        if where is not None:
            self.sink.location("police", "events.csv", key, "location_ref", where.location_id)
        if child is not None:
            role = {
                "missing_episode": "missing_person",
                "arrest": "arrested",
                "vehicle_stop": "passenger",
                "intelligence_report": "subject",
            }.get(ev.kind, ev.detail.get("role", "victim" if ev.cse else "subject"))
            self.link(child, "event", key, "participant", role, ev.start, cse=ev.cse)
        adult_role = (
            "driver"
            if ev.kind == "vehicle_stop"
            else ("subject" if ev.detail.get("domestic") else "suspect")
        )
        for adult in ev.adults if ev.kind != "missing_episode" else []:
            grading = "2-B-P" if ev.kind == "intelligence_report" else ""
            self.link(
                adult,
                "event",
                key,
                "participant",
                adult_role,
                ev.start,
                cse=ev.cse,
                grading=grading,
            )
        if ev.thing is not None and ev.kind in (
            "vehicle_stop",
            "intelligence_report",
            "police_incident",
            "arrest",
        ):
            obj = self.thing(ev.thing, ev.start)
            ln = self.sink.key("LK", 8)
            self.sink.row(
                "police",
                "links.csv",
                [
                    ln,
                    "object",
                    obj,
                    "event",
                    key,
                    "participant",
                    "vehicle",
                    self.d(ev.start),
                    "",
                    "fact",
                    "",
                ],
            )
            self.sink.thing("police", "links.csv", ln, "from_ref", ev.thing.object_id)
            if ev.adults and ev.kind in ("vehicle_stop", "intelligence_report"):
                self.link(
                    ev.adults[0],
                    "object",
                    obj,
                    "driver_of",
                    "",
                    ev.start,
                    cse=ev.cse,
                    grading="2-B-P" if ev.kind == "intelligence_report" else "",
                )
        if ev.kind == "intelligence_report" and child is not None and ev.adults:
            self.link(
                ev.adults[0],
                "person",
                self.person(child, ev.start),
                "controlling_adult",
                "",
                ev.start,
                cse=True,
                grading=r.choice(("2-B-P", "3-C-P", "1-B-C")),
                to_person=child,
            )
