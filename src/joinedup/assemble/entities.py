"""Resolved entities: persons (attributes by majority), places and objects.

Ids: vehicles ``vehicle:<VRM>``, phones ``phone:<E.164>``; places
``place:<postcode>|<address key>``, ``place:<postcode>`` (postcode only),
``place:|<address or name key>`` (no postcode), ``place:<prefix>:<key>`` (known by an
identifier, such as a school by URN); adults a young person named without more
``mention:<their person id>:<name key>``. The address key is the address in lower case with
punctuation removed (``Flat 4, 17 Dale Way`` -> ``flat 4 17 dale way``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from joinedup.assemble.values import postcode as clean_postcode
from joinedup.assemble.values import text_key
from joinedup.assemble.view import ObjectView, PersonView, PlaceView, RecordRef

NO_DATE = 0


class Votes:
    """Values seen for named fields; the winner is the most frequent, ties to the latest."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, dict[Any, list[int]]] = {}

    def add(self, name: str, value: Any, when: int) -> None:
        """One record's value for ``name``, recorded on day ordinal ``when``."""
        if value is None or value == "":
            return
        seen = self._seen.get(name)
        if seen is None:
            seen = self._seen[name] = {}
        entry = seen.get(value)
        if entry is None:
            seen[value] = [1, when]
            return
        entry[0] += 1
        if when > entry[1]:
            entry[1] = when

    def winner(self, name: str) -> Any:
        """The most frequent value (ties: the most recently recorded, then the smallest)."""
        seen = self._seen.get(name)
        if not seen:
            return None
        if len(seen) == 1:
            return next(iter(seen))
        return min(seen, key=lambda v: (-seen[v][0], -seen[v][1], str(v)))

    def names(self) -> list[str]:
        """The fields with any value."""
        return list(self._seen)

    def stored(self) -> dict[str, list[Any]]:
        """``field -> [[value, count, latest day], ...]`` (JSON-ready when values are)."""
        return {n: [[v, e[0], e[1]] for v, e in seen.items()] for n, seen in self._seen.items()}

    def restore(self, stored: Mapping[str, list[Any]]) -> None:
        """Take in votes as :meth:`stored` gave them."""
        for name, values in stored.items():
            self._seen[name] = {v: [count, day] for v, count, day in values}


def ordinal(value: Any) -> int:
    """A day number for recency (0 when the value is not a date)."""
    return value.toordinal() if isinstance(value, date) else NO_DATE


@dataclass
class _Place:
    postcode: str | None
    votes: Votes = field(default_factory=Votes)
    records: list[RecordRef] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


@dataclass
class _Object:
    kind: Literal["vehicle", "phone"]
    key: str
    votes: Votes = field(default_factory=Votes)
    records: list[RecordRef] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def _cite(records: list[RecordRef], seen: set[str], ref: RecordRef) -> None:
    if ref.record_id not in seen:
        seen.add(ref.record_id)
        records.append(ref)


class Places:
    """Places as records name them, merged by id."""

    def __init__(self) -> None:
        self._places: dict[str, _Place] = {}
        self._by_name: dict[str, set[str]] = {}
        self._by_address: dict[str, set[str]] = {}
        self._by_postcode: dict[str, set[str]] = {}

    def add(
        self,
        ref: RecordRef,
        when: int,
        *,
        postcode: str | None = None,
        address: str | None = None,
        name: str | None = None,
        town: str | None = None,
        place_type: str | None = None,
        key: str | None = None,
        into: str | None = None,
    ) -> str | None:
        """Record that ``ref`` names a place; returns the place id (None: too little known).

        ``into``: the id of a known place this one is (a postcode matched to its address).
        """
        code = clean_postcode(postcode) if postcode else None
        address_key = text_key(address) if address else ""
        if into is not None and into in self._places:
            place_id = into
        elif key:
            place_id = f"place:{key}"
        elif code and address_key:
            place_id = f"place:{code}|{address_key}"
        elif code:
            place_id = f"place:{code}"
        elif address_key or name:
            place_id = f"place:|{address_key or text_key(name or '')}"
        else:
            return None
        place = self._places.get(place_id)
        if place is None:
            place = self._places[place_id] = _Place(code)
            if code and address_key:
                self._by_postcode.setdefault(code, set()).add(place_id)
            if address_key:
                self._by_address.setdefault(address_key, set()).add(place_id)
        votes = place.votes
        if name:
            self._by_name.setdefault(text_key(name), set()).add(place_id)
            votes.add("name", name, when)
        if address:
            votes.add("address", address, when)
        if town:
            votes.add("town", town, when)
        if place_type and place_type != "other":
            votes.add("place_type", place_type, when)
        _cite(place.records, place.seen, ref)
        return place_id

    def cite(self, place_id: str, ref: RecordRef) -> None:
        """Record that ``ref`` names an existing place."""
        place = self._places.get(place_id)
        if place is not None:
            _cite(place.records, place.seen, ref)

    def addressed_at(self, postcode: str) -> str | None:
        """The one place with an address at ``postcode``, if exactly one is known."""
        code = clean_postcode(postcode)
        found = self._by_postcode.get(code or "", set())
        return next(iter(found)) if len(found) == 1 else None

    def mention(self, text: str, ref: RecordRef, when: int) -> str | None:
        """The place a free-text mention names: a unique premises name, else a unique
        address, else a place of its own (``place:|<text key>``)."""
        key = text_key(text)
        if not key:
            return None
        for index in (self._by_name, self._by_address):
            found = index.get(key, set())
            if len(found) == 1:
                place_id = next(iter(found))
                self.cite(place_id, ref)
                return place_id
        return self.add(ref, when, name=text.strip())

    def restore(
        self,
        entries: Iterable[tuple[str, str | None, dict[str, list[Any]], list[RecordRef]]],
        lookups: Mapping[str, Mapping[str, set[str]]],
    ) -> None:
        """Take in places as the place directory keeps them (``(id, postcode, votes: field ->
        [[value, count, day]], records)``) and the directory's lookups for some keys
        (``name``/``address``/``postcode`` -> key -> place ids): the state a places pass over
        every record leaves for these places and keys."""
        for place_id, postcode, votes, records in entries:
            place = self._places[place_id] = _Place(postcode, records=list(records))
            place.seen.update(r.record_id for r in records)
            place.votes.restore(votes)
        for kind, index in (
            ("name", self._by_name),
            ("address", self._by_address),
            ("postcode", self._by_postcode),
        ):
            for key, ids in lookups.get(kind, {}).items():
                index.setdefault(key, set()).update(ids)

    def stored(self) -> Iterator[tuple[str, str | None, dict[str, list[Any]], list[RecordRef]]]:
        """Every place as the place directory keeps it (see :meth:`restore`)."""
        for place_id, place in self._places.items():
            yield place_id, place.postcode, place.votes.stored(), place.records

    def lookups(self) -> dict[str, dict[str, set[str]]]:
        """The lookups: ``name``/``address``/``postcode`` -> key -> place ids."""
        return {"name": self._by_name, "address": self._by_address, "postcode": self._by_postcode}

    def views(self) -> dict[str, PlaceView]:
        """The places, with their fields decided by majority."""
        out: dict[str, PlaceView] = {}
        for place_id, place in self._places.items():
            v = place.votes
            out[place_id] = PlaceView(
                id=place_id,
                postcode=place.postcode,
                address=v.winner("address"),
                name=v.winner("name"),
                town=v.winner("town"),
                place_type=v.winner("place_type") or "other",
                records=place.records,
            )
        return out


class Objects:
    """Vehicles and phones as records name them, merged by canonical key."""

    def __init__(self) -> None:
        self._objects: dict[str, _Object] = {}

    def add(
        self,
        kind: Literal["vehicle", "phone"],
        key: str,
        ref: RecordRef,
        when: int = NO_DATE,
        details: dict[str, Any] | None = None,
    ) -> str:
        """Record that ``ref`` names a vehicle or phone; returns its id."""
        object_id = f"{kind}:{key}"
        found = self._objects.get(object_id)
        if found is None:
            found = self._objects[object_id] = _Object(kind, key)
        for name, value in (details or {}).items():
            found.votes.add(name, value, when)
        _cite(found.records, found.seen, ref)
        return object_id

    def cite(self, object_id: str, ref: RecordRef) -> None:
        """Record that ``ref`` names an existing object."""
        found = self._objects.get(object_id)
        if found is not None:
            _cite(found.records, found.seen, ref)

    def views(self) -> dict[str, ObjectView]:
        """The objects, with each detail decided by majority."""
        return {
            object_id: ObjectView(
                id=object_id,
                kind=obj.kind,
                key=obj.key,
                records=obj.records,
                details={n: str(obj.votes.winner(n)) for n in obj.votes.names()},
            )
            for object_id, obj in self._objects.items()
        }


@dataclass
class PersonBuild:
    """What the records of one person say, before the vote."""

    view: PersonView
    votes: Votes = field(default_factory=Votes)
    details: Votes = field(default_factory=Votes)

    def finish(self) -> PersonView:
        """The person view with attributes and details decided by majority."""
        view, votes = self.view, self.votes
        view.forename = votes.winner("forename")
        view.surname = votes.winner("surname")
        view.date_of_birth = votes.winner("date_of_birth")
        view.sex = votes.winner("sex")
        view.ethnicity = votes.winner("ethnicity")
        view.nationality = votes.winner("nationality")
        view.postcode = votes.winner("postcode")
        view.details = {n: self.details.winner(n) for n in self.details.names()}
        return view
