"""What a network covers: a time window and, optionally, an area (a town or a postcode prefix)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from joinedup.assemble.catalog import event_kinds
from joinedup.assemble.view import Assembly, EventView, LinkView, PlaceView
from joinedup.common.errors import InputError


def _compact(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def postcode_district(postcode: str | None) -> str | None:
    """The outward code of a UK postcode (``DM1 2AB`` -> ``DM1``), or None."""
    if not postcode:
        return None
    compact = _compact(postcode)
    return compact[:-3] if len(compact) > 4 else compact


def postcode_in_area(postcode: str | None, area: str) -> bool:
    """Whether a postcode lies in an area given as a postcode area (``DM``), district
    (``DM1``), sector (``DM1 9``, with its space) or full postcode."""
    district = postcode_district(postcode)
    if district is None or postcode is None:
        return False
    compact = _compact(postcode)
    letters = district[: len(district) - len(district.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
    parts = area.upper().split()
    if len(parts) == 1:
        return parts[0] in (letters, district, compact)
    outward, inward = parts[0], "".join(parts[1:])
    return outward == district and compact[len(district) :].startswith(inward)


def district_towns(assembly: Assembly) -> dict[str, str]:
    """``postcode district -> town``: the most frequent town of the places in each district."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for place in assembly.places.values():
        district = postcode_district(place.postcode)
        if district and place.town:
            counts[district][place.town] += 1
    return {d: c.most_common(1)[0][0] for d, c in counts.items()}


def town_of(postcode: str | None, towns: dict[str, str]) -> str | None:
    """The town of a postcode's district, if any place there names one."""
    district = postcode_district(postcode)
    return towns.get(district) if district else None


@dataclass(frozen=True)
class Window:
    """A time window (inclusive dates, either end open) and an optional area."""

    since: date | None = None
    until: date | None = None
    area: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InputError(f"the window starts ({self.since}) after it ends ({self.until})")

    def overlaps(self, start: date | None, end: date | None = None) -> bool:
        """Whether a span overlaps the window (``end`` None: the single day ``start``).

        An undated span lies inside an unbounded window only.
        """
        first, last = start or end, end or start
        if first is None or last is None:
            return self.since is None and self.until is None
        if self.since is not None and last < self.since:
            return False
        return not (self.until is not None and first > self.until)

    def place_in_area(self, place: PlaceView | None) -> bool:
        """Whether a place lies in the area (always True without an area)."""
        if self.area is None:
            return True
        if place is None:
            return False
        if place.town and place.town.casefold() == self.area.casefold():
            return True
        return postcode_in_area(place.postcode, self.area)

    def person_in_area(self, postcode: str | None, towns: dict[str, str]) -> bool:
        """Whether a person with this home postcode lives in the area."""
        if self.area is None:
            return True
        town = town_of(postcode, towns)
        return postcode_in_area(postcode, self.area) or (
            town is not None and town.casefold() == self.area.casefold()
        )

    def event_in_scope(self, assembly: Assembly, event: EventView, towns: dict[str, str]) -> bool:
        """An event overlapping the window, at a place in the area (or, with no place, about
        a person living in the area)."""
        end = event.end
        if end is None and event.start is not None and event_kinds().get(event.event_type):
            end = self.until or date.max  # an open episode runs on
        if not self.overlaps(event.start, end):
            return False
        if self.area is None:
            return True
        if event.place_id is not None:
            return self.place_in_area(assembly.places.get(event.place_id))
        return any(
            self.person_in_area(person.postcode, towns)
            for pid in event.people()
            if (person := assembly.persons.get(pid)) is not None
        )

    def link_in_scope(self, link: LinkView) -> bool:
        """A link whose span overlaps the window (an open end runs on; undated links are in)."""
        if self.since is not None and link.valid_to is not None and link.valid_to < self.since:
            return False
        return not (
            self.until is not None and link.valid_from is not None and link.valid_from > self.until
        )
