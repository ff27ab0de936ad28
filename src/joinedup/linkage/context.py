"""The context of person records: what they share beyond their own identifying fields.

Collective (relational) linkage (:mod:`joinedup.linkage.collective`) asks whether two
uncertain clusters of records share *context*: a phone, a vehicle, an address, or a
neighbour, another person they appear with (a co-participant in a police event, the
offender a probation associate is recorded against, a person a police link ties them to).
This module reads that context from the stored source records, in the same single pass
that builds the linkage input, following the ``relations`` rules of ``data/sources.yml``:

- ``phones`` / ``vehicles``: payload columns holding a phone number or a vehicle
  registration, per record type;
- ``addresses``: per record type, where the address line and postcode are (payload
  columns, a JSON address column, or a reference to another record holding them);
- ``links``: a record type whose rows tie one of the agency's records to another
  (``from``/``to`` keys and types): person to event (co-participants are neighbours),
  person to person (neighbours), person to object (the object's phone or vehicle);
- ``refers``: a column naming another person record of the agency (its key).

A token is ``kind:value``; neighbours are other person records' ids, resolved to their
clusters later. Everything stays within the holding agency; nothing reads a truth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from joinedup.linkage.enrich import IDENTITY_FIELDS, SourceRow, SourceRules

_SPACES = re.compile(r"[^0-9a-z]+")
Key = tuple[str, str, str]  # agency id, record type, agency key


@dataclass
class RecordContext:
    """``record_id -> tokens`` (phones, vehicles, addresses) and ``-> neighbour records``."""

    tokens: dict[str, set[str]] = field(default_factory=dict)
    neighbours: dict[str, set[str]] = field(default_factory=dict)

    def add_token(self, record_id: str, token: str) -> None:
        """Record a context value of ``record_id``."""
        self.tokens.setdefault(record_id, set()).add(token)

    def add_neighbours(self, a: str, b: str) -> None:
        """Record that two person records appear together."""
        if a != b:
            self.neighbours.setdefault(a, set()).add(b)
            self.neighbours.setdefault(b, set()).add(a)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def vehicle_token(value: Any) -> str | None:
    """``vrm:`` + the registration without spaces, upper case (``None`` when blank)."""
    text = re.sub(r"\s+", "", _text(value)).upper()
    return f"vrm:{text}" if len(text) >= 4 else None


def phone_token(value: Any) -> str | None:
    """``phone:`` + the number's digits, UK numbers as ``44…`` (``None`` when blank)."""
    digits = re.sub(r"\D", "", _text(value))
    if digits.startswith("0"):
        digits = "44" + digits[1:]
    return f"phone:{digits}" if len(digits) >= 9 else None


def address_token(line: Any, postcode: Any) -> str | None:
    """``addr:`` + postcode and address line, lower case, punctuation removed."""
    text = _SPACES.sub(" ", _text(line).lower()).strip()
    code = _SPACES.sub("", _text(postcode).lower())
    if not text or len(code) < 5:
        return None
    return f"addr:{code}|{text}"


def _address_json(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return "", ""
    if not isinstance(value, Mapping):
        return "", ""
    parts = [_text(value.get(k)) for k in ("FLAT", "BUILDING", "HOUSE", "STREET")]
    return " ".join(p for p in parts if p), _text(value.get("POSTCODE"))


class ContextCollector:
    """Reads every source row once (:meth:`watch`) and builds the :class:`RecordContext`."""

    def __init__(self, rules: SourceRules) -> None:
        self.relations: Mapping[str, Any] = rules.relations or {}
        self.person_of: dict[Key, str] = {}
        self.tokens: dict[Key, set[str]] = {}
        self.places: dict[Key, str] = {}
        self.place_refs: dict[Key, list[Key]] = {}
        self.groups: dict[Key, list[Key]] = {}
        self.pairs: list[tuple[Key, Key]] = []
        self.objects: dict[Key, list[Key]] = {}

    def watch(self, rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
        """Pass ``rows`` through, reading each."""
        for row in rows:
            self.read(row)
            yield row

    def read(self, row: SourceRow) -> None:
        """Take what one source row says about context."""
        key = (row.agency_id, row.record_type, row.agency_key)
        if any(row.normalised.get(f) for f in IDENTITY_FIELDS):
            self.person_of[key] = row.record_id
        rel = self.relations
        found: set[str] = set()
        for column in (rel.get("phones") or {}).get(row.record_type, []):
            token = phone_token(row.payload.get(column) or row.normalised.get(column))
            if token:
                found.add(token)
        for column in (rel.get("vehicles") or {}).get(row.record_type, []):
            token = vehicle_token(row.payload.get(column))
            if token:
                found.add(token)
        self._address(row, key, found)
        if found:
            self.tokens.setdefault(key, set()).update(found)
        for rule in (rel.get("refers") or {}).get(row.record_type, []):
            ref = _text(row.payload.get(rule["column"]))
            if ref:
                self.pairs.append((key, (row.agency_id, rule["record_type"], ref)))
        link = (rel.get("links") or {}).get(row.record_type)
        if link is not None:
            self._link(row, link)

    def _address(self, row: SourceRow, key: Key, found: set[str]) -> None:
        rule = (self.relations.get("addresses") or {}).get(row.record_type)
        if rule is None:
            return
        if "ref" in rule:
            ref = _text(row.payload.get(rule["ref"]))
            if ref:
                self.place_refs.setdefault((row.agency_id, rule["record_type"], ref), []).append(
                    key
                )
            return
        if "json" in rule:
            line, code = _address_json(row.payload.get(rule["json"]))
            code = code or _text(row.payload.get(rule.get("postcode", "")))
            owner = _text(row.payload.get(rule["person"]))
            token = address_token(line, code)
            if token and owner:
                target = (row.agency_id, rule["person_type"], owner)
                self.tokens.setdefault(target, set()).add(token)
            return
        line = " ".join(_text(row.payload.get(c)) for c in rule["line"])
        token = address_token(line, row.payload.get(rule["postcode"]))
        if token and rule.get("place"):
            self.places[key] = token
        elif token:
            found.add(token)

    def _link(self, row: SourceRow, rule: Mapping[str, Any]) -> None:
        types: Mapping[str, str] = rule["types"]
        source = types.get(_text(row.payload.get(rule["from_type"])))
        target = types.get(_text(row.payload.get(rule["to_type"])))
        ref_a, ref_b = _text(row.payload.get(rule["from"])), _text(row.payload.get(rule["to"]))
        if not source or not target or not ref_a or not ref_b:
            return
        a, b = (row.agency_id, source, ref_a), (row.agency_id, target, ref_b)
        kinds = rule.get("kinds") or {}
        kind_a, kind_b = kinds.get(source, "person"), kinds.get(target, "person")
        if kind_a == "person" and kind_b == "person":
            self.pairs.append((a, b))
        elif kind_a == "person" and kind_b == "event":
            self.groups.setdefault(b, []).append(a)
        elif kind_a == "person" and kind_b == "object":
            self.objects.setdefault(b, []).append(a)

    def finish(self, person_ids: set[str], max_group: int = 12) -> RecordContext:
        """The context of the records in ``person_ids``.

        Events with more than ``max_group`` people (a large incident) make no neighbours.
        """
        out = RecordContext()
        for place, owners in self.place_refs.items():
            token = self.places.get(place)
            if token:
                for owner in owners:
                    self.tokens.setdefault(owner, set()).add(token)
        for obj, owners in self.objects.items():
            for token in self.tokens.get(obj, ()):
                for owner in owners:
                    self.tokens.setdefault(owner, set()).add(token)
        for key, tokens in self.tokens.items():
            record = self.person_of.get(key)
            if record in person_ids:
                out.tokens.setdefault(record, set()).update(tokens)
        for members in self.groups.values():
            found = {self.person_of.get(m) for m in members}
            records = sorted(r for r in found if r is not None and r in person_ids)
            if 1 < len(records) <= max_group:
                for i, a in enumerate(records):
                    for b in records[i + 1 :]:
                        out.add_neighbours(a, b)
        for a_key, b_key in self.pairs:
            left, right = self.person_of.get(a_key), self.person_of.get(b_key)
            if left is not None and right is not None and {left, right} <= person_ids:
                out.add_neighbours(left, right)
        return out
