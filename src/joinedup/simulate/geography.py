"""Fictional geography: towns, postcodes, streets and places (homes and premises)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from joinedup.common.documents import load_yaml, packaged, read_text
from joinedup.simulate.entities import Place
from joinedup.simulate.sink import Sink

_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


@cache
def places_data() -> dict[str, Any]:
    """The contents of ``data/places.yml``."""
    text, where = read_text(packaged("joinedup.simulate", "places.yml"))
    data: dict[str, Any] = load_yaml(text, where=where)
    return data


@dataclass(frozen=True)
class Town:
    """A town of the fictional area."""

    name: str
    area: str
    districts: int
    home: bool


class Geography:
    """Creates places, writing each to the truth as it is made."""

    def __init__(self, sink: Sink, rng: random.Random) -> None:
        data = places_data()
        self.sink = sink
        self.rng = rng
        self.towns = [
            Town(t["name"], t["postcode_area"], int(t["districts"]), bool(t.get("home", False)))
            for t in data["towns"]
        ]
        self.home_town = next(t for t in self.towns if t.home)
        self.streets = [f"{s} {k}" for s in data["street_stems"] for k in data["street_kinds"]]
        self.premises: dict[str, list[str]] = {k: list(v) for k, v in data["premises"].items()}

    def town(self, name: str) -> Town:
        """The town called ``name``."""
        return next(t for t in self.towns if t.name == name)

    def other_town(self, name: str) -> Town:
        """A town other than ``name``."""
        return self.rng.choice([t for t in self.towns if t.name != name])

    def postcode(self, town: Town) -> str:
        """A postcode in ``town`` (fictional area letters)."""
        r = self.rng
        district = r.randint(1, town.districts)
        return f"{town.area}{district} {r.randint(1, 9)}{r.choice(_INWARD)}{r.choice(_INWARD)}"

    def place(self, place_type: str, town: Town | None = None, name: str | None = None) -> Place:
        """A new place of ``place_type`` in ``town`` (the home town by default)."""
        town = town or self.home_town
        r = self.rng
        if name is None:
            options = self.premises.get(place_type)
            name = r.choice(options) if options and place_type not in ("flat",) else ""
            if place_type == "school":
                name = f"{r.choice(self.streets).split(' ')[0]} {name}"
            elif place_type == "residential_unit":
                name = f"{r.choice(self.streets).split(' ')[0]} House {name}"
        house = str(r.randint(1, 180))
        if place_type == "flat":
            house = f"Flat {r.randint(1, 12)}, {house}"
        location_id = self.sink.key("L", 7)
        place = Place(
            location_id,
            place_type,
            name,
            house,
            r.choice(self.streets),
            town.name,
            self.postcode(town),
        )
        return place

    def write(self, place: Place) -> None:
        """Write ``place`` to truth/locations.csv (and hotspots.csv when it is one)."""
        groups = ";".join(place.group_ids)
        self.sink.truth(
            "locations.csv",
            [
                place.location_id,
                place.place_type,
                place.name,
                place.house,
                place.street,
                place.town,
                place.postcode,
                int(place.is_hotspot),
                groups,
            ],
        )
        if place.is_hotspot:
            self.sink.truth(
                "hotspots.csv",
                [
                    place.location_id,
                    place.place_type,
                    place.name,
                    place.town,
                    place.postcode,
                    groups,
                ],
            )
