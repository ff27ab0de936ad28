"""The true entities of the borough: persons, places, objects and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Place:
    """A true location (address or premises)."""

    location_id: str
    place_type: str
    name: str
    house: str
    street: str
    town: str
    postcode: str
    group_ids: list[str] = field(default_factory=list)

    @property
    def is_hotspot(self) -> bool:
        """A place used by an offender group."""
        return bool(self.group_ids)

    def label(self) -> str:
        """How a practitioner would write the place in a note."""
        return self.name or f"{self.house} {self.street}".strip()


@dataclass
class Person:
    """A true person: a child, parent, offender or licensed driver."""

    person_id: str
    role: str
    forename: str
    surname: str
    female: bool
    dob: date
    ethnicity: str
    origin: str
    nhs_number: str
    homes: list[tuple[date, Place]] = field(default_factory=list)
    phone: str = ""
    nickname: str = ""
    family_id: str = ""
    upn: str = ""
    learning_disability: bool = False

    def home_on(self, day: date) -> Place | None:
        """The home address on ``day`` (the first one if ``day`` precedes all moves)."""
        current = self.homes[0][1] if self.homes else None
        for start, place in self.homes:
            if start <= day:
                current = place
            else:
                break
        return current

    def previous_home(self, day: date) -> Place | None:
        """The home before the one on ``day`` (None if there was none)."""
        before = [p for s, p in self.homes if s <= day]
        return before[-2] if len(before) >= 2 else None

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))


@dataclass
class Thing:
    """A true object: a vehicle (VRM) or phone (E.164)."""

    object_id: str
    kind: str
    value: str
    owner: Person | None
    make: str = ""
    model: str = ""
    colour: str = ""
    licence: str = ""  # hackney, private_hire or empty
    plate: str = ""


@dataclass
class Event:
    """Something that truly happened; ``seen`` maps agency -> date recorded."""

    event_id: str
    kind: str
    start: date
    end: date | None
    place: Place | None
    child: Person | None
    adults: list[Person] = field(default_factory=list)
    thing: Thing | None = None
    cse: bool = False
    detail: dict[str, str] = field(default_factory=dict)
    seen: dict[str, date] = field(default_factory=dict)


@dataclass
class Group:
    """An offender group with its members, places and objects."""

    group_id: str
    town: str
    active_from: date
    active_to: date
    core: list[Person] = field(default_factory=list)
    associates: list[Person] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    vehicles: list[Thing] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)

    @property
    def members(self) -> list[Person]:
        """Core members then associates."""
        return self.core + self.associates
