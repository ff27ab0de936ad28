"""Schools' export: pupils (UPN), attendance, exclusions and concerns (incl. vehicle sightings)."""

from __future__ import annotations

import random
from datetime import date

from joinedup.simulate.agencies.base import Ident, Writer
from joinedup.simulate.entities import Person
from joinedup.simulate.life import Life
from joinedup.simulate.world import World

EXCLUSION_REASONS = ("PA", "VP", "VA", "DM", "DA", "BU", "TH", "DB", "OT")


class EducationWriter(Writer):
    """Writes pupils, attendance, exclusions and concerns."""

    agency = "education"

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self._life: Life | None = None

    def _pupil_row(self, ident: Ident, p: Person, day: date) -> None:
        assert self._life is not None
        rec, life = ident.rec, self._life
        variants = self.world.book.variants(p.forename, surname=False)
        preferred = (
            variants[0]
            if variants and len(variants[0]) < len(p.forename) and self.rng.random() < 0.3
            else ""
        )
        address = ident.address
        self.sink.row(
            "education",
            "pupils.csv",
            [
                ident.key,
                p.upn,
                rec.surname,
                rec.forename,
                preferred,
                self.d(rec.dob),
                "F" if p.female else "M",
                rec.ethnicity,
                "E"
                if p.learning_disability and self.rng.random() < 0.5
                else ("K" if p.learning_disability else "N"),
                f"1{int(life.school.location_id[1:]) % 100000:05d}",
                life.school.name,
                self.d(max(day, life.school_from)),
                self.d(life.school_to) if life.school_to < self.world.window_end else "",
                f"{address.house} {address.street}" if address else "",
                self.postcode(address),
            ],
        )
        self.record("pupils.csv", ident.key, p, ident)
        self.sink.location(
            "education", "pupils.csv", ident.key, "school_urn", life.school.location_id
        )
        if address is not None:
            self.sink.location(
                "education", "pupils.csv", ident.key, "postcode", address.location_id
            )

    def child(self, life: Life) -> None:
        """Write one child's school records."""
        p = life.child
        self._life = life
        lo, hi = max(life.start, life.school_from), min(life.end, life.school_to)
        if hi <= lo:
            return
        urn = f"1{int(life.school.location_id[1:]) % 100000:05d}"
        self.identity(p, lo, lambda: self.sink.key("ENR", 8), self._pupil_row)
        for year, possible, auth, unauth in life.attendance:
            key = self.sink.key("ATT", 8)
            self.sink.row(
                "education", "attendance.csv", [key, p.upn, urn, year, possible, auth, unauth]
            )
            self.record("attendance.csv", key, p, cse=False)
        for ev in life.events:
            if "education" not in ev.seen:
                continue
            day = ev.seen["education"]
            self.identity(p, day, lambda: self.sink.key("ENR", 8), self._pupil_row)
            if ev.kind == "school_exclusion":
                key = self.sink.key("EXC", 7)
                perm = self.rng.random() < 0.03
                self.sink.row(
                    "education",
                    "exclusions.csv",
                    [
                        key,
                        p.upn,
                        urn,
                        self.d(ev.start),
                        "PERM" if perm else "FIXD",
                        self.rng.randint(1, 10),
                        self.rng.choice(EXCLUSION_REASONS),
                    ],
                )
                self.record("exclusions.csv", key, p, cse=ev.cse)
                continue
            key = self.sink.key("CNC", 7)
            sighting = ev.kind == "sighting"
            category = "sighting" if sighting else ("cse" if ev.cse else "welfare")
            context = "school_concern" if ev.cse else "school_ordinary"
            note = self.note("concerns.csv", key, "note", context, ev, p, day)
            rec = self.identity(p, day, lambda: self.sink.key("ENR", 8), self._pupil_row).rec
            vrm = self.vrm(ev.thing.value) if ev.thing and ev.cse else ""
            self.sink.row(
                "education",
                "concerns.csv",
                [
                    key,
                    p.upn if self.rng.random() < 0.8 else "",
                    rec.forename,
                    rec.surname,
                    urn,
                    self.d(day),
                    category,
                    vrm,
                    note,
                ],
            )
            self.record("concerns.csv", key, p, cse=ev.cse)
            self.sink.event("education", "concerns.csv", key, ev.event_id)
            if vrm and ev.thing is not None:
                self.sink.thing("education", "concerns.csv", key, "vrm", ev.thing.object_id)
