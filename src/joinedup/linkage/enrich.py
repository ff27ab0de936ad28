"""What agencies record beside a person's canonical fields, turned into linkage input.

A police nominal often carries no date of birth but points at an address; a social care
person row has its address and UPN in other tables; a voluntary project numbers its
clients and notes their age; a school concern names the school and the date. The rules
(``data/sources.yml``, see docs/linkage.md) say, per record type, where such evidence is:

- ``local_ids``: the agency's own number for the person (prefixed with the agency and the
  record type, so numbers of different issuers never meet) → ``local_id``;
- ``schools``: school URN and the period the school knew the person → ``school``,
  ``school_from``, ``school_to``;
- ``ages``: an age recorded on a date → ``birth_year_estimate`` (date year − age − 1:
  within a year of the truth either way the birthday fell);
- ``addresses``: a reference to another record of the agency holding the postcode;
- ``satellites``: rows of another record type naming the person by the agency's key;
- ``rolls``: a record without a UPN takes the UPN of the one pupil of that name on the
  same school's roll on the record's date.

Everything stays within the holding agency; nothing here reads a simulator's truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from joinedup.common.documents import DocumentError, load_yaml, packaged, read_text
from joinedup.linkage.names import canonical_name, name_key

#: linkage input column -> canonical field of the normalised record
CONTRACT = {
    "forename": "forename",
    "surname": "surname",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "postcode": "postcode",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "police_id": "pnc_id",
    "phone": "phone",
}
IDENTITY_FIELDS = ("forename", "surname", "date_of_birth")
EXTRA_COLUMNS = ("local_id", "school", "school_from", "school_to", "birth_year_estimate")


@dataclass(frozen=True)
class SourceRules:
    """The rules of ``data/sources.yml`` (see the module docstring)."""

    local_ids: dict[str, str] = field(default_factory=dict)
    schools: dict[str, dict[str, str]] = field(default_factory=dict)
    ages: dict[str, dict[str, str]] = field(default_factory=dict)
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)
    satellites: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rolls: dict[str, str] = field(default_factory=dict)
    #: context for collective linkage (:mod:`joinedup.linkage.context`)
    relations: dict[str, Any] = field(default_factory=dict)

    def payload_columns(self, record_type: str) -> set[str]:
        """Payload columns a person record of ``record_type`` is read for."""
        columns = {self.local_ids[record_type]} if record_type in self.local_ids else set()
        if record_type in self.schools:
            columns.add(self.schools[record_type]["school"])
        if record_type in self.addresses:
            columns.add(self.addresses[record_type]["column"])
        return columns

    def lookup_types(self) -> set[str]:
        """Record types read for what they say about other records."""
        types = {a["record_type"] for a in self.addresses.values()}
        types |= {s["record_type"] for rules in self.satellites.values() for s in rules}
        return types


@lru_cache(maxsize=1)
def load_source_rules() -> SourceRules:
    """The shipped rules (``data/sources.yml``)."""
    text, where = read_text(packaged("joinedup.linkage", "sources.yml"))
    data = load_yaml(text, where=where) or {}
    unknown = set(data) - set(SourceRules.__dataclass_fields__)
    if unknown:
        raise DocumentError(f"sources.yml: unknown sections {sorted(unknown)}")
    return SourceRules(**data)


@dataclass(frozen=True)
class SourceRow:
    """One stored source record, as far as linkage reads it."""

    record_id: str
    agency_id: str
    record_type: str
    agency_key: str
    payload: Mapping[str, Any]
    normalised: Mapping[str, Any]


def _text(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


class _Lookups:
    """Values other records hold about a person, keyed within the holding agency."""

    def __init__(self, rules: SourceRules) -> None:
        self.rules = rules
        self.address_postcode: dict[tuple[str, str, str], str] = {}
        self.satellite: dict[tuple[str, str, str], dict[str, str]] = {}

    def read(self, row: SourceRow) -> None:
        for target in self.rules.addresses.values():
            if target["record_type"] == row.record_type:
                postcode = _text(row.normalised.get("postcode"))
                if postcode:
                    key = (row.agency_id, row.record_type, row.agency_key)
                    self.address_postcode[key] = postcode
        for owner, satellites in self.rules.satellites.items():
            for rule in satellites:
                if rule["record_type"] != row.record_type:
                    continue
                where = rule.get("where") or {}
                if any(_text(row.payload.get(c)) != str(v) for c, v in where.items()):
                    continue
                person = _text(row.payload.get(rule["person"]))
                if person is None:
                    continue
                found = self.satellite.setdefault((row.agency_id, owner, person), {})
                for column, source in rule["take"].items():
                    value = _text(row.normalised.get(source)) or _text(row.payload.get(source))
                    if value is not None:
                        found.setdefault(column, value)

    def fill(self, out: dict[str, Any], row: SourceRow) -> None:
        address = self.rules.addresses.get(row.record_type)
        if address is not None and not out.get("postcode"):
            ref = _text(row.payload.get(address["column"]))
            if ref is not None:
                key = (row.agency_id, address["record_type"], ref)
                out["postcode"] = self.address_postcode.get(key)
        taken = self.satellite.get((row.agency_id, row.record_type, row.agency_key), {})
        for column, value in taken.items():
            if not out.get(column):
                out[column] = value


def _birth_year(age: Any, on: Any) -> str | None:
    try:
        years = int(str(age).strip())
        year = int(str(on)[:4])
    except (TypeError, ValueError):
        return None
    return str(year - years - 1) if 0 <= years <= 120 else None


def _extras(out: dict[str, Any], row: SourceRow, rules: SourceRules) -> None:
    for column in EXTRA_COLUMNS:
        out[column] = None
    local = rules.local_ids.get(row.record_type)
    value = _text(row.payload.get(local)) if local else None
    if value is not None:
        out["local_id"] = f"{row.agency_id}/{row.record_type}/{value}"
    school = rules.schools.get(row.record_type)
    if school is not None:
        out["school"] = _text(row.payload.get(school["school"]))
        out["school_from"] = _text(row.normalised.get(school["from"]))
        out["school_to"] = _text(row.normalised.get(school["to"]))
    age = rules.ages.get(row.record_type)
    if age is not None and not out.get("date_of_birth"):
        out["birth_year_estimate"] = _birth_year(
            row.normalised.get(age["age"]), row.normalised.get(age["date"])
        )


def _name(forename: Any, surname: Any) -> tuple[str, str] | None:
    first, last = name_key(forename), name_key(surname)
    if not first or not last:
        return None
    return canonical_name(first, "forename") or first, last


def fill_from_rolls(
    rows: list[dict[str, Any]], types: Mapping[str, str], rules: SourceRules
) -> int:
    """Give rows of a ``rolls`` record type the UPN of the one matching pupil (in place).

    ``types`` maps record id to record type. A match is the same agency, school and name
    (forename through the variant table, surname exactly) with the record's date inside
    the enrolment. Returns how many rows got a UPN.
    """
    if not rules.rolls:
        return 0
    roll: dict[tuple[Any, ...], list[tuple[str, str, str]]] = {}
    roll_types = set(rules.rolls.values())
    for row in rows:
        if types.get(row["record_id"]) in roll_types and row.get("upn") and row.get("school"):
            name = _name(row.get("forename"), row.get("surname"))
            if name is not None:
                key = (row["agency_id"], types[row["record_id"]], row["school"], *name)
                entry = (row.get("school_from") or "0000", row.get("school_to") or "9999")
                roll.setdefault(key, []).append((*entry, str(row["upn"])))
    filled = 0
    for row in rows:
        source = rules.rolls.get(types.get(row["record_id"], ""))
        if source is None or row.get("upn") or not row.get("school"):
            continue
        name, when = _name(row.get("forename"), row.get("surname")), row.get("school_from")
        if name is None or not when:
            continue
        key = (row["agency_id"], source, row["school"], *name)
        upns = {upn for start, end, upn in roll.get(key, []) if start <= when <= end}
        if len(upns) == 1:
            row["upn"] = upns.pop()
            filled += 1
    return filled


def linkage_rows(
    rows: Iterable[SourceRow], kinds: Mapping[str, str], rules: SourceRules | None = None
) -> list[dict[str, Any]]:
    """Person records in the linkage input contract, with what the sources add.

    A row is a person record when its normalised fields hold a name or a date of birth.
    ``kinds`` maps agency id to agency kind (the ``agency`` column). Each output row also
    carries ``agency_id``.
    """
    rules = rules or load_source_rules()
    lookups = _Lookups(rules)
    lookup_types = rules.lookup_types()
    people: list[SourceRow] = []
    for row in rows:
        if row.record_type in lookup_types:
            lookups.read(row)
        if any(row.normalised.get(f) for f in IDENTITY_FIELDS):
            kept = rules.payload_columns(row.record_type)  # keep only what is read
            payload = {c: v for c, v in row.payload.items() if c in kept}
            people.append(
                SourceRow(
                    row.record_id,
                    row.agency_id,
                    row.record_type,
                    row.agency_key,
                    payload,
                    row.normalised,
                )
            )
    out: list[dict[str, Any]] = []
    types: dict[str, str] = {}
    for row in people:
        record: dict[str, Any] = {
            "record_id": row.record_id,
            "agency": kinds.get(row.agency_id, ""),
            "agency_id": row.agency_id,
        }
        for column, source in CONTRACT.items():
            record[column] = row.normalised.get(source)
        lookups.fill(record, row)
        _extras(record, row, rules)
        types[row.record_id] = row.record_type
        out.append(record)
    fill_from_rolls(out, types, rules)
    return out
