"""What every agency writer shares: its identities for true persons, with duplicates."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from joinedup.simulate.entities import Event, Person, Place
from joinedup.simulate.noise import (
    Recorded,
    format_phone,
    format_postcode,
    format_vrm,
    record_person,
)
from joinedup.simulate.notes import render
from joinedup.simulate.world import World

SDE = {
    "WBRI": "W1",
    "WIRI": "W2",
    "WIRT": "W3",
    "WROM": "W3",
    "WOTH": "W9",
    "MWBC": "M1",
    "MWBA": "M2",
    "MWAS": "M3",
    "MOTH": "M9",
    "AIND": "A1",
    "APKN": "A2",
    "ABAN": "A3",
    "AOTH": "A9",
    "BCRB": "B1",
    "BAFR": "B2",
    "BOTH": "B9",
    "CHNE": "O1",
    "OOTH": "O9",
    "REFU": "NS",
    "NOBT": "NS",
}
NHS_ETHNIC = {
    "WBRI": "A",
    "WIRI": "B",
    "WIRT": "C",
    "WROM": "C",
    "WOTH": "C",
    "MWBC": "D",
    "MWBA": "E",
    "MWAS": "F",
    "MOTH": "G",
    "AIND": "H",
    "APKN": "J",
    "ABAN": "K",
    "AOTH": "L",
    "BCRB": "M",
    "BAFR": "N",
    "BOTH": "P",
    "CHNE": "R",
    "OOTH": "S",
    "REFU": "Z",
    "NOBT": "99",
}


@dataclass
class Ident:
    """One agency's key for a person and the details it recorded."""

    key: str
    rec: Recorded
    duplicate_of: str
    address: Place | None


class Writer:
    """Base of the agency writers: identities, duplicates and formatting helpers."""

    agency = ""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.sink = world.sink
        self.rng = rng
        self.cfg = world.scenario.agencies[self.agency]
        self.rates = self.cfg.noise
        self._ids: dict[str, list[Ident]] = {}
        self._dup_pending: set[str] = set()

    def identity(
        self,
        person: Person,
        day: date,
        new_key: Callable[[], str],
        write: Callable[[Ident, Person, date], None],
    ) -> Ident:
        """The key this agency uses for ``person`` on ``day``, creating rows as needed."""
        known = self._ids.get(person.person_id)
        pid = person.person_id
        if known is None:
            ident = self._make(person, day, new_key(), "")
            self._ids[pid] = [ident]
            if self.rng.random() < self.rates["duplicate"]:
                self._dup_pending.add(pid)
            write(ident, person, day)
            return ident
        if pid in self._dup_pending:
            self._dup_pending.discard(pid)
            ident = self._make(person, day, new_key(), known[0].key)
            known.append(ident)
            write(ident, person, day)
            return ident
        return known[-1] if len(known) > 1 and self.rng.random() < 0.5 else known[0]

    def _make(self, person: Person, day: date, key: str, duplicate_of: str) -> Ident:
        rec = record_person(
            person.forename,
            person.surname,
            person.dob,
            person.ethnicity,
            person.origin,
            person.female,
            self.rates,
            self.rng,
            self.world.book,
        )
        address = person.home_on(day)
        if self.rng.random() < self.rates["stale_address"]:
            previous = person.previous_home(day)
            if previous is not None:
                address = previous
                rec.noise.append("stale_address")
        return Ident(key, rec, duplicate_of, address)

    def forget(self, person_ids: list[str]) -> None:
        """Drop the identities of persons who will not be referenced again."""
        for pid in person_ids:
            self._ids.pop(pid, None)
            self._dup_pending.discard(pid)

    def record(
        self,
        file: str,
        key: str,
        person: Person,
        ident: Ident | None = None,
        *,
        role: str = "subject",
        cse: bool = False,
    ) -> None:
        """Declare a person-bearing row in the truth."""
        self.sink.record(
            self.agency,
            file,
            key,
            person.person_id,
            role=role,
            duplicate_of=ident.duplicate_of if ident else "",
            cse=cse,
            noise=";".join(ident.rec.noise) if ident else "",
        )

    def d(self, day: date | None) -> str:
        """A date in this agency's format."""
        return self.sink.d(self.agency, day)

    def vrm(self, value: str) -> str:
        """A VRM as this agency's staff type it."""
        return format_vrm(value, self.rng)

    def phone(self, value: str) -> str:
        """A phone number as written."""
        return format_phone(value, self.rng)

    def postcode(self, place: Place | None) -> str:
        """A postcode as written."""
        return format_postcode(place.postcode, self.rng) if place else ""

    def note(
        self,
        file: str,
        key: str,
        column: str,
        context: str,
        ev: Event | None,
        child: Person | None,
        day: date,
    ) -> str:
        """Render a note for ``ev`` and record its template and phrases in the truth."""
        adult = ev.adults[0] if ev and ev.adults else None
        place = ev.place if ev else None
        text, tpl = render(
            context,
            self.cfg.victim_blaming_share,
            self.rng,
            age=child.age_on(day) if child else 0,
            child=child.forename if child else "",
            adult=(adult.nickname or adult.forename) if adult else "a man",
            vrm=self.vrm(ev.thing.value) if ev and ev.thing else "unknown vehicle",
            place=place.label() if place else "an address",
            town=place.town if place else "town",
        )
        self.sink.note(self.agency, file, key, column, tpl.template_id, ";".join(tpl.phrases))
        return text
