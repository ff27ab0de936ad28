"""Hotspots: places ranked by the distinct children at risk seen there, with times of day.

An event counts at a place when it happened there (the event's place) and it is an event of
concern (:attr:`Network.concern`): marked as a CSE concern, or a suspected offender took part
in it, or a child at risk was reported missing or found there. Places of the types in
``hotspots.exclude_place_types`` (homes, schools, children's homes, foster homes) are ranked
separately as *care and home places*: children at risk are there because they live or learn
there, which is a different question (collection from school, going missing from a
placement).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from joinedup.network.communities import Communities
from joinedup.network.graph import Network

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Hotspot:
    """One place with what happened there."""

    place_id: str
    name: str | None
    address: str | None
    postcode: str | None
    town: str | None
    place_type: str
    children: set[str] = field(default_factory=set)
    offenders: set[str] = field(default_factory=set)
    events: int = 0
    groups: Counter[str] = field(default_factory=Counter)
    bands: Counter[str] = field(default_factory=Counter)
    weekdays: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    records: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """Name and postcode, or address and postcode."""
        parts = [self.name or self.address or "", self.postcode or ""]
        return ", ".join(p for p in parts if p) or self.place_id


def rank_places(
    net: Network, groups: Communities | None = None, care_places: bool = False
) -> list[Hotspot]:
    """Places ranked by distinct children at risk, then events, then offenders.

    ``care_places`` False ranks the places of concern (hotspots); True ranks homes, schools
    and care places instead.
    """
    excluded = net.config.hotspots.exclude_place_types
    children, offenders = set(net.classes.children), set(net.classes.offenders)
    spots: dict[str, Hotspot] = {}
    for event in net.concern:
        if event.place_id is None:
            continue
        place = net.assembly.places.get(event.place_id)
        if place is None or (place.place_type in excluded) != care_places:
            continue
        spot = spots.get(place.id)
        if spot is None:
            spot = spots[place.id] = Hotspot(
                place.id, place.name, place.address, place.postcode, place.town, place.place_type
            )
        people = net.people_in(event)
        spot.children |= people & children
        present = people & offenders
        spot.offenders |= present
        spot.events += 1
        spot.records.add(event.source.record_id)
        if groups is not None:
            for offender in present:
                label = groups.membership.get(offender)
                if label:
                    spot.groups[label] += 1
        if event.at is not None:
            spot.bands[net.config.hotspots.band(event.at.hour)] += 1
        day = event.at.date() if event.at is not None else event.start
        if day is not None:
            spot.weekdays[WEEKDAYS[day.weekday()]] += 1
            spot.first = day if spot.first is None or day < spot.first else spot.first
            spot.last = day if spot.last is None or day > spot.last else spot.last
    ranked = [s for s in spots.values() if s.children]
    return sorted(
        ranked, key=lambda s: (-len(s.children), -s.events, -len(s.offenders), s.place_id)
    )


def time_profile(net: Network, spots: list[Hotspot]) -> dict[str, Counter[str]]:
    """Events at the given places by time-of-day band and by weekday."""
    bands: Counter[str] = Counter()
    days: Counter[str] = Counter()
    for spot in spots:
        bands.update(spot.bands)
        days.update(spot.weekdays)
    ordered_bands = Counter({label: bands.get(label, 0) for _, label in net.config.hotspots.bands})
    ordered_days = Counter({d: days.get(d, 0) for d in WEEKDAYS})
    return {"bands": ordered_bands, "weekdays": ordered_days}
