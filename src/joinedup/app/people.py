"""Person-centred use cases: find a person, and see everything the reader may see of them.

:func:`search` finds resolved persons by name (tolerant of spelling and transliteration: the
linkage variant tables, so Mohammed finds Muhammad), date of birth, an agency's own reference,
a vehicle registration or a phone number. :func:`person` gives one person's resolved identity,
the agencies holding records, open flags with their explanations, risk assessments and the
joined-up chronology. Both read through the door, so only what the caller may see; what is
displayed is logged as shown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from joinedup.app.chronology import ChronologyEntry, chronology
from joinedup.app.context import Caller, runtime, session
from joinedup.app.neighbourhood import Neighbourhood, neighbourhood
from joinedup.app.people_index import (
    IDENTIFIER_FIELDS,
    IDENTIFIER_LABELS,
    SearchIndex,
    index_for,
    name_keys,
    ref_key,
)
from joinedup.app.record_facts import Read
from joinedup.app.runtime import Runtime
from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag, RiskAssessment
from joinedup.store.actor_session import ActorSession, NotFound

__all__ = [
    "Assessment",
    "ChronologyEntry",
    "Connection",
    "Fact",
    "FlagSummary",
    "Found",
    "NotFound",
    "Person",
    "classify",
    "person",
    "search",
]

_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_VRM = re.compile(r"^[A-Z]{2}\d{2}[A-Z]{3}$|^[A-Z]\d{1,3}[A-Z]{3}$|^[A-Z]{3}\d{1,3}[A-Z]?$")


@dataclass(frozen=True)
class Found:
    """A person a search found: their names and dates of birth as the matching records give
    them, and the agencies holding records of them."""

    id: str
    names: list[dict[str, str]]
    dates_of_birth: list[str]
    agencies: list[str]
    matched_on: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the API contract's names)."""
        return asdict(self)


@dataclass(frozen=True)
class Fact:
    """One fact of a person's identity with where it came from."""

    value: str
    agency: str
    record_id: str
    agency_key: str


@dataclass(frozen=True)
class FlagSummary:
    """An open flag on the person, with its explanation."""

    id: str
    rule_id: str
    severity: str
    explanation: str
    owner: str
    raised_on: str


@dataclass(frozen=True)
class Assessment:
    """A risk assessment of the person."""

    id: str
    assessed_on: str
    category: str
    score: float | None
    next_review_due: str | None


@dataclass(frozen=True)
class Connection:
    """Another person one step away: sharing a vehicle or a phone number with this one."""

    via: str  # "vehicle" or "phone"
    value: str
    person_id: str
    name: str
    agency: str
    record_id: str


@dataclass
class Person:
    """What the caller may see of one resolved person."""

    id: str
    name: str
    names: list[Fact] = field(default_factory=list)
    dates_of_birth: list[Fact] = field(default_factory=list)
    addresses: list[Fact] = field(default_factory=list)
    identifiers: list[Fact] = field(default_factory=list)
    agencies: dict[str, list[str]] = field(default_factory=dict)
    flags: list[FlagSummary] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    chronology: list[ChronologyEntry] = field(default_factory=list)
    network: list[Connection] = field(default_factory=list)
    neighbourhood: Neighbourhood = field(default_factory=Neighbourhood)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the API contract's names)."""
        return asdict(self)


# -- search ----------------------------------------------------------------------------------


def classify(q: str) -> tuple[str, str]:
    """What a search text is: ("date_of_birth", ISO date), ("phone", E.164), ("vrm", VRM),
    ("reference", text) for a text with a digit, else ("name", text)."""
    text = q.strip()
    if _ISO.match(text):
        return "date_of_birth", text
    if m := _DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
        try:
            return "date_of_birth", date(year, month, day).isoformat()
        except ValueError:
            pass
    compact = re.sub(r"[\s-]", "", text).upper()
    if _VRM.match(compact):
        return "vrm", compact
    if re.fullmatch(r"\+?[\d\s()-]{9,}", text):
        try:
            number = phonenumbers.parse(text, "GB")
            if phonenumbers.is_possible_number(number):
                fmt = phonenumbers.PhoneNumberFormat.E164
                return "phone", phonenumbers.format_number(number, fmt)
        except phonenumbers.NumberParseException:
            pass
    if any(c.isdigit() for c in text):
        return "reference", text
    return "name", text


def _candidates(rt: Runtime, kind: str, value: str) -> list[str]:
    """Record ids the index holds under the search (before scope: the door decides)."""
    index = index_for(rt)
    if kind == "name":
        keys = [f"n:{k}" for k in name_keys(value)]
        return index.all_of(keys) if keys else []
    found = [] if kind == "reference" else index.all_of([f"{kind}:{value}"])
    # a number or registration may also be an agency's own reference (an NHS number looks
    # like a phone number)
    return found + [r for r in index.all_of([f"ref:{ref_key(value)}"]) if r not in found]


def search(who: Caller, q: str, *, rt: Runtime | None = None, limit: int = 50) -> list[Found]:
    """People the caller may see matching ``q`` (a name, a date of birth, an agency's own
    reference, a vehicle registration or a phone number), with the agencies holding their
    records, in name order (then as shown, dates of birth, id; the ``limit`` first kept);
    each person's matching records are logged as shown."""
    rt = rt or runtime()
    kind, value = classify(q)
    raw = q.strip() if kind in ("phone", "vrm") else value
    candidates = _candidates(rt, kind, value)
    if kind in ("phone", "vrm"):
        candidates += [r for r in _candidates(rt, "reference", raw) if r not in candidates]
    if not candidates:
        return []
    with session(who, rt) as opened:
        hits: dict[str, dict[str, Any]] = {}
        for start in range(0, len(candidates), 500):
            where = {"id": candidates[start : start + 500]}
            for chunk in opened.scan(SourceRecord, ["normalised"], where=where):
                hits.update((record_id, normalised or {}) for record_id, normalised in chunk)
        if not hits:
            return []
        links = _scan_links(opened, {"record_id": sorted(hits)})
        mine: dict[str, list[str]] = {}
        for record_id, person_id in sorted(links):
            mine.setdefault(person_id, []).append(record_id)
        named = {p: _names_and_births(hits[r] for r in rs) for p, rs in mine.items()}
        persons = sorted(named, key=lambda p: _sort_key(p, *named[p]))[:limit]
        members = _scan_links(opened, {"person_id": persons})
        agencies = _agency_names(opened)
        holders = _holders(opened, members, agencies)
        found = [Found(p, *named[p], holders[p], kind) for p in persons]
        opened.record_shown("source_record", [r for p in persons for r in mine[p]])
    return found


def _sort_key(
    person_id: str, names: list[dict[str, str]], born: list[str]
) -> tuple[str, str, str, str, list[str], str]:
    """Surname then forename, ignoring case; ties by the name as shown, the dates of birth,
    then the person's id (never the order the ids, random, happen to come in)."""
    first = names[0] if names else {}
    surname, forename = first.get("surname", ""), first.get("forename", "")
    return (surname.lower(), forename.lower(), surname, forename, born, person_id)


def _scan_links(opened: ActorSession, where: dict[str, Any]) -> list[tuple[str, str]]:
    """(record id, person id) pairs of the links matching ``where`` in scope."""
    pairs: list[tuple[str, str]] = []
    column, values = next(iter(where.items()))
    for start in range(0, len(values), 500):
        part = {column: values[start : start + 500]}
        for chunk in opened.scan(PersonLink, ["record_id", "person_id"], where=part):
            pairs += [(record_id, person_id) for _, record_id, person_id in chunk]
    return pairs


def _agency_names(opened: ActorSession) -> dict[str, str]:
    return {a.id: a.name for a in opened.list(Agency)}


def _holders(
    opened: ActorSession, links: list[tuple[str, str]], agencies: dict[str, str]
) -> dict[str, list[str]]:
    """Agency names holding a record (in scope) of each person."""
    by_record = dict(links)
    held: dict[str, set[str]] = defaultdict(set)
    ids = sorted(by_record)
    for start in range(0, len(ids), 500):
        where = {"id": ids[start : start + 500]}
        for chunk in opened.scan(SourceRecord, ["agency_id"], where=where):
            for record_id, agency_id in chunk:
                held[by_record[record_id]].add(agencies.get(agency_id, agency_id))
    return {p: sorted(names) for p, names in held.items()} | {
        p: [] for p in set(by_record.values()) - set(held)
    }


def _names_and_births(
    normalised: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, str]], list[str]]:
    names: list[dict[str, str]] = []
    born: list[str] = []
    for n in normalised:
        name = {"forename": str(n.get("forename") or ""), "surname": str(n.get("surname") or "")}
        if (name["forename"] or name["surname"]) and name not in names:
            names.append(name)
        dob = n.get("date_of_birth")
        if dob and dob not in born:
            born.append(str(dob))
    return names, born


# -- one person ------------------------------------------------------------------------------


def person(who: Caller, person_id: str, *, rt: Runtime | None = None) -> Person:
    """What the caller may see of one person; :class:`NotFound` when the person is unknown
    or none of their records is in the caller's reach (the two look the same)."""
    rt = rt or runtime()
    index = index_for(rt)  # before the session: building it opens a session of its own
    with session(who, rt) as opened:
        links = opened.list(PersonLink, where={"person_id": person_id})
        if not links:
            raise NotFound(f"no person with id {person_id}")
        records = opened.list(SourceRecord, where={"id": [link.record_id for link in links]})
        if not records:
            raise NotFound(f"no person with id {person_id}")
        agencies = _agency_names(opened)
        seen = Person(person_id, "")
        _identity(seen, records, agencies)
        reads = [
            Read(r.id, r.agency_id, r.record_type, r.agency_key, r.payload, r.normalised)
            for r in records
        ]
        cache: dict[str, Read | None] = {r.id: r for r in reads}  # one read per record
        seen.chronology = chronology(opened, index, reads, agencies, cache)
        seen.network = _network(opened, index, person_id, records, agencies)
        seen.neighbourhood = neighbourhood(opened, index, person_id, seen.name, reads, cache=cache)
        flags = opened.list(Flag, where={"subject_id": person_id, "status": "open"})
        seen.flags = [_flag(f, agencies) for f in flags]
        seen.assessments = [
            Assessment(
                a.id,
                a.assessed_on.isoformat(),
                a.category,
                a.score,
                a.next_review_due.isoformat() if a.next_review_due else None,
            )
            for a in opened.list(RiskAssessment, where={"child_person_id": person_id})
        ]
        seen.assessments.sort(key=lambda a: a.assessed_on, reverse=True)
        seen.flags.sort(key=lambda f: (_SEVERITY.get(f.severity, 3), f.raised_on, f.id))
    return seen


_SEVERITY = {"high": 0, "medium": 1, "low": 2}


def _identity(seen: Person, records: list[SourceRecord], agencies: dict[str, str]) -> None:
    for record in sorted(records, key=lambda r: r.created_at or 0, reverse=True):
        n = record.normalised or {}
        agency = agencies.get(record.agency_id, record.agency_id)

        def fact(value: str, r: SourceRecord = record, a: str = agency) -> Fact:
            return Fact(value, a, r.id, r.agency_key)

        name = " ".join(str(n[k]) for k in ("forename", "surname") if n.get(k))
        name = name or str(n.get("full_name") or "")
        if name:
            seen.names.append(fact(name))
        if n.get("date_of_birth"):
            seen.dates_of_birth.append(fact(str(n["date_of_birth"])))
        address = ", ".join(str(n[k]) for k in ("address", "postcode") if n.get(k))
        if address:
            seen.addresses.append(fact(address))
        for key in IDENTIFIER_FIELDS:
            if n.get(key):
                seen.identifiers.append(fact(f"{IDENTIFIER_LABELS[key]}: {n[key]}"))
        seen.agencies.setdefault(agency, []).append(record.agency_key)
    seen.name = _most_common(f.value for f in seen.names) or "Name not recorded"
    born = _most_common(f.value for f in seen.dates_of_birth)
    if born:
        seen.name = f"{seen.name} (born {born})"


_VIA = {"vrm": "vehicle", "phone": "phone"}
MAX_CONNECTIONS = 100


def _network(
    opened: ActorSession,
    index: SearchIndex,
    person_id: str,
    records: list[SourceRecord],
    agencies: dict[str, str],
) -> list[Connection]:
    """Other persons whose records (in the caller's reach) name a vehicle or phone number
    that this person's records name: one step of the network, from the search index."""
    own = {r.id for r in records}
    wanted = {
        (kind, str(r.normalised[kind])) for r in records for kind in _VIA if r.normalised.get(kind)
    }
    via: dict[str, tuple[str, str]] = {}
    for kind, value in sorted(wanted):
        for record_id in index.all_of([f"{kind}:{value}"]):
            if record_id not in own and len(via) < MAX_CONNECTIONS:
                via.setdefault(record_id, (_VIA[kind], value))
    if not via:
        return []
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for chunk in opened.scan(SourceRecord, ["agency_id", "normalised"], where={"id": list(via)}):
        found.update((rid, (agency_id, n or {})) for rid, agency_id, n in chunk)
    links = [(r, p) for r, p in _scan_links(opened, {"record_id": sorted(found)}) if p != person_id]
    connections = []
    for record_id, other in links:
        agency_id, n = found[record_id]
        name = " ".join(str(n[k]) for k in ("forename", "surname") if n.get(k))
        kind, value = via[record_id]
        connections.append(
            Connection(
                kind,
                value,
                other,
                name or "Name not recorded",
                agencies.get(agency_id, agency_id),
                record_id,
            )
        )
    opened.record_shown("source_record", (c.record_id for c in connections))
    return sorted(connections, key=lambda c: (c.via, c.value, c.name))


def _most_common(values: Iterable[str]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    return max(counts, key=lambda v: counts[v]) if counts else None


def _flag(f: Flag, agencies: dict[str, str]) -> FlagSummary:
    owner = f.owner_agency_id or f.agency_id
    return FlagSummary(
        f.id,
        f.rule_id,
        str(f.evidence.get("severity", "")),
        str(f.evidence.get("summary") or f.rule_id),
        agencies.get(owner, owner),
        f.created_at.date().isoformat() if f.created_at else "",
    )
