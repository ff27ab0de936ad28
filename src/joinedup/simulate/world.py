"""The fixed world of a run: places, offender groups with their vehicles, phones and hotspots,
and the licensed drivers who are not offenders. Small (it scales with the scenario's counts,
not with the child population) and held in memory for the whole run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from joinedup.simulate import ids
from joinedup.simulate.entities import Group, Person, Place, Thing
from joinedup.simulate.geography import Geography, Town, places_data
from joinedup.simulate.names import NameBook
from joinedup.simulate.scenario import Scenario
from joinedup.simulate.sink import Sink


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw a key of ``weights`` with probability proportional to its value."""
    return rng.choices(list(weights), list(weights.values()))[0]


def sex_code(p: Person) -> str:
    """SSD sex code (2 female, 1 male)."""
    return "2" if p.female else "1"


def write_person(sink: Sink, p: Person, **extra: object) -> None:
    """Write ``p`` to truth/persons.csv; ``extra`` fills the optional columns."""
    get = extra.get
    sink.truth(
        "persons.csv",
        [
            p.person_id,
            int(p.role == "child"),
            get("is_victim", ""),
            get("onset", ""),
            get("looked_after", ""),
            get("known", ""),
            get("group", ""),
            p.role,
            get("offender_role", ""),
            p.forename,
            p.surname,
            sex_code(p),
            p.dob.isoformat(),
            p.ethnicity,
            p.origin,
            p.nhs_number,
            p.upn,
            int(p.learning_disability),
            get("prior", ""),
            get("peer", ""),
            get("trafficked", ""),
            p.family_id,
            p.nickname,
            p.phone,
        ],
    )


@dataclass
class World:
    """Everything shared across children: places, groups, vehicles, drivers."""

    scenario: Scenario
    sink: Sink
    rng: random.Random
    book: NameBook
    geo: Geography
    schools: list[Place] = field(default_factory=list)
    ordinary: dict[str, list[Place]] = field(default_factory=dict)
    residential: list[Place] = field(default_factory=list)
    foster: list[Place] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    drivers: list[tuple[Person, str, str, Thing | None, bool]] = field(default_factory=list)
    member_group: dict[str, str] = field(default_factory=dict)
    member_role: dict[str, str] = field(default_factory=dict)
    badges: dict[str, str] = field(default_factory=dict)
    end_date: date | None = None  # the history's last day (None: the scenario's own window)

    def recorded_by_then(self, day: date) -> bool:
        """Whether ``day`` is on or before the history's end (always, without an end date)."""
        return self.end_date is None or day <= self.end_date

    def planned_by_then(self, day: date) -> bool:
        """Whether a planned date (a licence's expiry, an order's end) is written: at most a
        year after the history's end, as an agency's export on that day would hold (and as
        ingest accepts); later ones are left blank, still running."""
        return self.end_date is None or day <= self.end_date + timedelta(days=365)

    @property
    def window_start(self) -> date:
        """First day of the window."""
        return date(self.scenario.start_year, 1, 1)

    @property
    def window_end(self) -> date:
        """Last day of the window."""
        return date(self.scenario.end_year, 12, 31)

    def day_between(self, lo: date, hi: date) -> date:
        """A uniformly drawn day in [lo, hi]."""
        span = max(0, (hi - lo).days)
        return lo + timedelta(days=self.rng.randint(0, span))

    def adult(self, role: str, origin: str, female: bool, dob: date, town: Town) -> Person:
        """A new adult with a home in ``town``, a phone and a nickname."""
        r = self.rng
        serial = self.sink.serial("person")
        forename = self.book.forename(origin, female, r)
        p = Person(
            person_id=f"P{serial:07d}",
            role=role,
            forename=forename,
            surname=self.book.surname(origin, r),
            female=female,
            dob=dob,
            ethnicity=self.book.origin_ethnicity[origin],
            origin=origin,
            nhs_number=ids.nhs_number(serial),
            phone=ids.mobile(self.sink.serial("phone")),
        )
        p.nickname = self.nickname(p)
        home = self.geo.place("flat" if r.random() < 0.3 else "home", town, "")
        self.geo.write(home)
        p.homes.append((self.window_start - timedelta(days=r.randint(0, 3000)), home))
        return p

    def nickname(self, p: Person) -> str:
        """A short name a child might know an adult by ("Mo", "Baz")."""
        variants = self.book.variants(p.forename, surname=False)
        short = [v for v in variants if len(v) <= 4]
        return short[0] if short else p.forename[:3]

    def vehicle(self, owner: Person, licence: str, group_id: str) -> Thing:
        """A vehicle owned by ``owner`` (licensed as ``licence`` if not empty)."""
        r = self.rng
        spec = r.choice(places_data()["vehicles"])
        year = r.randint(self.scenario.start_year, self.scenario.end_year)
        vrm = ids.vrm(r, places_data()["vrm_areas"], year)
        plate = (
            f"{'HCV' if licence == 'hackney' else 'PHV'}{self.sink.serial('plate'):04d}"
            if licence
            else ""
        )
        thing = Thing(
            self.sink.key("V", 6),
            "vehicle",
            vrm,
            owner,
            spec["make"],
            r.choice(spec["models"]),
            r.choice(places_data()["colours"]),
            licence,
            plate,
        )
        badge = ""
        if licence:
            badge = self.badges.get(owner.person_id, "")
            if not badge:
                badge = ids.badge(self.sink.serial("badge"), licence)
                self.badges[owner.person_id] = badge
                self.sink.truth(
                    "badges.csv", [badge, owner.person_id, licence, int(group_id != "")]
                )
            self.drivers.append((owner, badge, licence, thing, group_id != ""))
        self.sink.truth(
            "objects.csv",
            [
                thing.object_id,
                "vehicle",
                vrm,
                owner.person_id,
                thing.make,
                thing.model,
                thing.colour,
                licence,
                plate,
                badge,
                group_id,
            ],
        )
        return thing

    def phone_object(self, owner: Person, group_id: str) -> None:
        """Write the owner's phone to truth/objects.csv."""
        self.sink.truth(
            "objects.csv",
            [
                "T" + owner.phone[5:],
                "phone",
                owner.phone,
                owner.person_id,
                "",
                "",
                "",
                "",
                "",
                "",
                group_id,
            ],
        )
