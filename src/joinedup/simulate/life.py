"""A child's life as it truly happened: family, homes, school, care and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from joinedup.simulate.entities import Event, Group, Person, Place


@dataclass
class Placement:
    """One looked-after placement."""

    start: date
    end: date | None
    place: Place
    code: str
    provider: str
    distance: float
    change_reason: str


@dataclass
class CarePeriod:
    """A period of being looked after, with its placements."""

    start: date
    end: date | None
    need: str
    placements: list[Placement] = field(default_factory=list)


@dataclass
class Victimhood:
    """The truth about one child's exploitation."""

    onset: date
    end: date
    group: Group
    controller: Person
    abusers: list[Person]
    known: bool
    trafficked: bool
    peer: bool
    prior_contact: bool


@dataclass
class Life:
    """Everything that happened to one child in the window."""

    child: Person
    parents: list[Person]
    school: Place
    school_from: date
    school_to: date
    start: date
    end: date
    events: list[Event] = field(default_factory=list)
    care: list[CarePeriod] = field(default_factory=list)
    cp_plans: list[tuple[date, date | None, str]] = field(default_factory=list)
    attendance: list[tuple[str, int, int, int]] = field(default_factory=list)
    victim: Victimhood | None = None
    cse_concern: bool = False

    @property
    def looked_after(self) -> bool:
        """Looked after at some time in the window."""
        return bool(self.care)

    def in_care_on(self, day: date) -> Placement | None:
        """The placement on ``day``, if the child was looked after then."""
        for period in self.care:
            for p in period.placements:
                if p.start <= day and (p.end is None or day < p.end):
                    return p
        return None

    def address_on(self, day: date) -> Place | None:
        """Where the child lived on ``day``: placement or family home."""
        placement = self.in_care_on(day)
        return placement.place if placement else self.child.home_on(day)
