"""Taxi and private hire licensing register: drivers (badges) and licensed vehicles."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from joinedup.simulate.agencies.base import Ident, Writer
from joinedup.simulate.entities import Person


class LicensingWriter(Writer):
    """Writes drivers.csv and vehicles.csv from the world's drivers."""

    agency = "licensing"
    _badge = ""
    _licence = ""

    def _driver(self, ident: Ident, p: Person, day: date) -> None:
        rec, r = ident.rec, self.rng
        badge = (
            self._badge
            if not ident.duplicate_of
            else f"{self._badge[:2]}{self.sink.serial('badge') + 50000:05d}"
        )
        ident.key = badge
        expires = day + timedelta(days=365 * 3)
        status = (
            "active"
            if expires > self.world.window_end
            else r.choice(("expired", "expired", "active"))
        )
        address = ident.address
        self.sink.row(
            "licensing",
            "drivers.csv",
            [
                badge,
                self._licence,
                rec.surname,
                rec.forename,
                self.d(rec.dob),
                f"{address.house} {address.street}" if address else "",
                self.postcode(address),
                self.phone(p.phone),
                self.d(day),
                self.d(expires) if self.world.planned_by_then(expires) else "",
                status,
                self.d(day - timedelta(days=r.randint(10, 200))),
            ],
        )
        self.record("drivers.csv", badge, p, ident)
        if address is not None:
            self.sink.location("licensing", "drivers.csv", badge, "postcode", address.location_id)

    def register(self) -> None:
        """Write every licensed driver and vehicle."""
        world = self.world
        for person, badge, licence, thing, _offender in world.drivers:
            day = world.day_between(
                world.window_start - timedelta(days=2000), world.window_end - timedelta(days=400)
            )
            self._badge, self._licence = badge, licence
            ident = self.identity(person, day, functools.partial(str, badge), self._driver)
            renewal = day + timedelta(days=1100)
            if person.person_id in self._dup_pending and world.recorded_by_then(renewal):
                # renewal keyed in as a new driver
                ident = self.identity(
                    person, day + timedelta(days=1100), functools.partial(str, badge), self._driver
                )
            if thing is None:
                continue
            rec = ident.rec
            self.sink.row(
                "licensing",
                "vehicles.csv",
                [
                    thing.plate,
                    self.vrm(thing.value),
                    thing.make,
                    thing.model,
                    thing.colour,
                    licence,
                    f"{rec.forename} {rec.surname}",
                    badge,
                    self.d(day),
                    self.d(day + timedelta(days=365)),
                ],
            )
            self.sink.record(
                "licensing", "vehicles.csv", thing.plate, person.person_id, role="proprietor"
            )
            self.sink.thing("licensing", "vehicles.csv", thing.plate, "vrm", thing.object_id)
