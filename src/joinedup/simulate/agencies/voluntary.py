"""Voluntary outreach project: one row per contact with a young person."""

from __future__ import annotations

from datetime import date

from joinedup.simulate.agencies.base import Ident, Writer
from joinedup.simulate.entities import Person
from joinedup.simulate.life import Life


class VoluntaryWriter(Writer):
    """Writes contacts.csv."""

    agency = "voluntary"

    def _client(self, ident: Ident, p: Person, day: date) -> None:
        """Clients are not exported separately; each contact row carries the details."""

    def child(self, life: Life) -> None:
        """Write one child's contacts with the project."""
        p, r = life.child, self.rng
        for ev in life.events:
            if "voluntary" not in ev.seen:
                continue
            day = ev.seen["voluntary"]
            ident = self.identity(
                p, day, lambda: f"RB{self.sink.serial('client'):05d}", self._client
            )
            rec = ident.rec
            key = self.sink.key("VC", 8)
            note = self.note(
                "contacts.csv",
                key,
                "worker_notes",
                "voluntary_cse" if ev.cse else "voluntary_ordinary",
                ev,
                p,
                day,
            )
            adults = ";".join(a.nickname or a.forename for a in ev.adults) if ev.cse else ""
            vehicles = ""
            if ev.cse and ev.thing is not None:
                vehicles = (
                    self.vrm(ev.thing.value)
                    if r.random() < 0.5
                    else f"{ev.thing.colour} {ev.thing.make}".lower()
                )
                if vehicles and vehicles[0].isalpha() and any(c.isdigit() for c in vehicles):
                    self.sink.thing(
                        "voluntary", "contacts.csv", key, "vehicles_mentioned", ev.thing.object_id
                    )
            places = ev.place.label() if ev.cse and ev.place else ""
            if places and ev.place is not None:
                self.sink.location(
                    "voluntary", "contacts.csv", key, "places_mentioned", ev.place.location_id
                )
            known_as = rec.alias.split(" ")[0] if rec.alias else ""
            self.sink.row(
                "voluntary",
                "contacts.csv",
                [
                    key,
                    ident.key,
                    rec.forename,
                    rec.surname if r.random() < 0.6 else "",
                    known_as,
                    self.d(rec.dob),
                    p.age_on(day),
                    self.postcode(ident.address),
                    self.d(day),
                    r.choice(("outreach", "drop-in", "referral", "phone")),
                    r.choice(("school", "police", "social care", "self", "health")),
                    "Y" if ev.cse else "N",
                    adults,
                    vehicles,
                    places,
                    note,
                ],
            )
            self.record("contacts.csv", key, p, ident, cse=ev.cse)
            self.sink.event("voluntary", "contacts.csv", key, ev.event_id)
