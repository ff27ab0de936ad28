"""Probation export: people under supervision and their known associates."""

from __future__ import annotations

import random
from datetime import date, timedelta

from joinedup.simulate import ids
from joinedup.simulate.agencies.base import SDE, Ident, Writer
from joinedup.simulate.entities import Event, Group, Person
from joinedup.simulate.life import Life
from joinedup.simulate.noise import format_postcode

OFFENCES = (
    "Assault occasioning ABH",
    "Supplying class A drugs",
    "Theft",
    "Affray",
    "Harassment",
    "Possession of an offensive weapon",
    "Driving while disqualified",
)


class ProbationWriter(Writer):
    """Writes supervision.csv and associates.csv."""

    agency = "probation"
    _offence = "Theft"

    def _row(self, ident: Ident, p: Person, day: date) -> None:
        rec, r = ident.rec, self.rng
        address = ident.address
        context = "probation"
        key = ident.key
        note = self.note("supervision.csv", key, "note", context, None, None, day)
        self.sink.row(
            "probation",
            "supervision.csv",
            [
                key,
                ids.pnc_id(day.year, self.sink.serial("pnc")),
                rec.surname,
                rec.forename,
                self.d(rec.dob),
                "F" if p.female else "M",
                SDE.get(rec.ethnicity, ""),
                f"{address.house} {address.street}" if address else "",
                self.postcode(address),
                self._offence,
                r.choice(("Community Order", "Suspended Sentence Order", "Licence")),
                self.d(day),
                self._planned(day + timedelta(days=365 * r.randint(1, 3))),
                note,
            ],
        )
        self.record("supervision.csv", key, p, ident)
        if address is not None:
            self.sink.location("probation", "supervision.csv", key, "postcode", address.location_id)

    def _planned(self, end: date) -> str:
        """An order's end date, blank when later than the export could hold."""
        return self.d(end) if self.world.planned_by_then(end) else ""

    def crn(self, p: Person, day: date, offence: str) -> str:
        """The case reference of ``p`` (creating the supervision row)."""
        self._offence = offence
        return self.identity(p, day, lambda: ids.crn(self.sink.serial("crn")), self._row).key

    def associate(self, crn: str, other: Person, day: date, relationship: str, *, cse: bool) -> str:
        """An associates.csv row naming ``other``."""
        r = self.rng
        key = self.sink.key("AS", 7)
        first = other.nickname if r.random() < 0.3 and other.nickname else other.forename
        vrm = ""
        line, postcode = self._contact_address(key, other, day)
        self.sink.row(
            "probation",
            "associates.csv",
            [
                key,
                crn,
                first,
                other.surname if r.random() < 0.6 else "",
                self.d(other.dob) if r.random() < 0.2 else "",
                relationship,
                self.phone(other.phone) if other.phone and r.random() < 0.4 else "",
                vrm,
                self.d(day),
                line,
                postcode,
            ],
        )
        self.record("associates.csv", key, other, role="associate", cse=cse)
        return key

    def _contact_address(self, key: str, other: Person, day: date) -> tuple[str, str]:
        """The associate's address as the offender manager recorded it, or blanks.

        Drawn from a generator of its own (seeded by the row), so adding the column left
        every other value of the borough as it was.
        """
        rng = random.Random(f"associate-address:{key}:{other.person_id}")  # noqa: S311 (simulation)
        share = self.cfg.observe.get("associate_address", 0.0)
        home = other.home_on(day)
        if home is None or rng.random() >= share:
            return "", ""
        return f"{home.house} {home.street}", format_postcode(home.postcode, rng)

    def groups(self, groups: list[Group]) -> None:
        """Supervision of offenders at the scenario's share, with associates from their group."""
        share = self.world.scenario.rate("offenders", "probation_share")
        assoc = self.cfg.observe.get("associate_recorded", 0.5)
        for group in groups:
            for member in group.members:
                if self.rng.random() >= share:
                    continue
                day = self.world.day_between(group.active_from, group.active_to)
                crn = self.crn(member, day, self.rng.choice(OFFENCES))
                for other in group.members:
                    if other is not member and self.rng.random() < assoc / 2:
                        self.associate(
                            crn,
                            other,
                            day,
                            self.rng.choice(("friend", "co-defendant", "employer")),
                            cse=False,
                        )

    def child(self, life: Life) -> None:
        """Parents' supervision, and children named as associates of supervised offenders."""
        for ev in life.events:
            if "probation" not in ev.seen or not ev.adults:
                continue
            day = ev.seen["probation"]
            if ev.kind == "conviction":
                self.crn(ev.adults[0], day, ev.detail.get("offence", "Theft"))
            elif ev.child is not None:
                self._victim_associate(ev, ev.child, day)
        self.forget([p.person_id for p in life.parents])

    def _victim_associate(self, ev: Event, child: Person, day: date) -> None:
        crn = self.crn(ev.adults[0], day, self.rng.choice(OFFENCES))
        key = self.associate(crn, child, day, "friend", cse=True)
        self.sink.event("probation", "associates.csv", key, ev.event_id)
