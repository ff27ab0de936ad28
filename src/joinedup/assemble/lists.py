"""Agency lists of victims and possible victims, as capture histories for estimation.

Which records put a child on an agency's list is declared as data
(``data/list_definitions.yml``): each definition names its agency, a level (1: the agency's
most specific, a confirmed concern; 2: broader) and a stated basis. A child is on an agency's
list when a definition of that agency matches an event the agency recorded in which the child
took part, under 18 on the event's date, not as a suspect or offender. The default selection
``specific`` uses level 1 only; ``broad`` adds level 2. The lists are the linked persons, so a
child known to police and to social care counts once, on both lists. The result feeds
:mod:`joinedup.estimate` (pure numerics) as a pattern -> count table.

Referral-driven lists are positively dependent (one agency's concern leads to another's
record), which biases independence models down: see docs/estimation.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from joinedup.assemble.view import Assembly, EventView, PersonView
from joinedup.common.documents import packaged, parse_document
from joinedup.common.errors import InputError, JoinedupError
from joinedup.model.roles import participant_roles
from joinedup.model.vocab import vocabulary

# roles in which a child is never on a list of victims (offending and ``other``): one
# definition with the risk tool and the network (``model/data/vocab/participant_roles.yml``)
NOT_VICTIM_ROLES = participant_roles().not_victim
STRATA = ("age_band", "sex", "ethnicity", "period")
SELECTIONS = {"specific": 1, "broad": 2}
SEX_LABELS = {"1": "male", "2": "female", "M": "male", "F": "female"}
DEFINITIONS_FILE = "list_definitions.yml"


class ListDefinitionError(JoinedupError, ValueError):
    """The list definitions file is invalid; the message names the file and the problem."""


class ListDefinition(BaseModel):
    """Which records put a child on one agency's list, with the basis for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    agency: str
    level: Literal[1, 2]
    basis: str = Field(min_length=10)
    cse_concern: bool = True
    event_types: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    others: tuple[str, ...] | None = None
    attributes: dict[str, tuple[str, ...]] | None = None
    assumed_precision: float = Field(default=0.9, gt=0.0, le=1.0)

    @field_validator("agency")
    @classmethod
    def _known_agency(cls, value: str) -> str:
        codes = vocabulary("agency_kinds").codes
        if value not in codes:
            raise ValueError(f"unknown agency kind {value!r}; use one of {', '.join(codes)}")
        return value

    def matches(self, event: EventView, role: str) -> bool:
        """Whether the event, with the child in ``role``, puts the child on the list."""
        if event.source.agency_kind != self.agency:
            return False
        if self.cse_concern and not event.cse_concern:
            return False
        if self.event_types is not None and event.event_type not in self.event_types:
            return False
        if self.roles is not None and role not in self.roles:
            return False
        if self.others is not None and not any(
            p.kind == "person" and p.role in self.others for p in event.participants
        ):
            return False
        if self.attributes is None:
            return True
        return any(_has(event.attributes.get(k), v) for k, v in self.attributes.items())


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    definitions: tuple[ListDefinition, ...] = Field(min_length=1)


def _has(value: Any, wanted: tuple[str, ...]) -> bool:
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(str(v) in wanted for v in value)
    return value is not None and str(value) in wanted


def parse_definitions(text: str, where: str = DEFINITIONS_FILE) -> tuple[ListDefinition, ...]:
    """Parse and check a list definitions document; errors name ``where`` and the problem."""
    parsed = parse_document(
        _File, text, where=where, what="list definitions", error=ListDefinitionError
    )
    seen: set[str] = set()
    for definition in parsed.definitions:
        if definition.id in seen:
            raise ListDefinitionError(f"{where}: definition {definition.id!r} given twice")
        if not definition.id.startswith(definition.agency + "."):
            raise ListDefinitionError(
                f"{where}: definition {definition.id!r} must start with its agency "
                f"{definition.agency!r}"
            )
        seen.add(definition.id)
    return parsed.definitions


@cache
def list_definitions() -> tuple[ListDefinition, ...]:
    """The shipped list definitions (``data/list_definitions.yml``)."""
    text = packaged("joinedup.assemble", DEFINITIONS_FILE)
    return parse_definitions(text.read_text(encoding="utf-8"))


def precision_floor(
    selection: str, definitions: Sequence[ListDefinition] | None = None
) -> dict[str, float]:
    """Per agency, the lowest precision assumed plausible for its selected definitions."""
    out: dict[str, float] = {}
    for d in selected(selection, definitions):
        out[d.agency] = min(out.get(d.agency, 1.0), d.assumed_precision)
    return out


def selected(
    selection: str, definitions: Sequence[ListDefinition] | None = None
) -> tuple[ListDefinition, ...]:
    """The definitions a selection (``specific`` or ``broad``) uses."""
    if selection not in SELECTIONS:
        raise InputError(f"list definitions must be one of {', '.join(SELECTIONS)}")
    level = SELECTIONS[selection]
    return tuple(d for d in (definitions or list_definitions()) if d.level <= level)


@dataclass(frozen=True)
class ListMember:
    """One victim or possible victim, the agencies whose lists hold them, and strata.

    ``definitions`` are the ids of every definition (of any level) that matched the child;
    ``lists`` the agencies whose selected definitions did.
    """

    person_id: str
    lists: frozenset[str]
    first_concern: date | None
    age_band: str
    sex: str
    ethnicity: str
    period: str
    definitions: frozenset[str] = frozenset()


def _age_band(person: PersonView, when: date | None) -> str:
    age = person.age_on(when) if when else None
    if age is None:
        return "unknown"
    if age < 13:
        return "under 13"
    return "13-15" if age < 16 else "16-17"


def _children_in(
    event: EventView, persons: dict[str, PersonView]
) -> Iterable[tuple[PersonView, str]]:
    for participant in event.participants:
        if participant.kind != "person" or participant.role in NOT_VICTIM_ROLES:
            continue
        person = persons.get(participant.entity_id)
        if person is not None and event.start is not None and person.is_child_on(event.start):
            yield person, participant.role


def list_members(
    assembly: Assembly,
    selection: str = "specific",
    definitions: Sequence[ListDefinition] | None = None,
) -> list[ListMember]:
    """Every child a selected definition puts on an agency's list, with the lists they are on.

    Every definition is evaluated (``ListMember.definitions``), so :func:`reselect` can
    derive another selection without reading the assembly again.
    """
    every = tuple(definitions or list_definitions())
    use = {d.id for d in selected(selection, every)}
    by_agency: dict[str, list[ListDefinition]] = defaultdict(list)
    for definition in every:
        by_agency[definition.agency].append(definition)
    matched: dict[str, set[str]] = defaultdict(set)
    first: dict[str, date] = {}
    for event in assembly.events:
        candidates = by_agency.get(event.source.agency_kind)
        if not candidates:
            continue
        for person, role in _children_in(event, assembly.persons):
            hits = {d.id for d in candidates if d.matches(event, role)}
            if not hits:
                continue
            matched[person.id] |= hits
            if (
                hits & use
                and event.start is not None
                and (person.id not in first or event.start < first[person.id])
            ):
                first[person.id] = event.start
    agency_of = {d.id: d.agency for d in every}
    members = []
    for person_id in sorted(matched):
        person = assembly.persons[person_id]
        when = first.get(person_id)
        members.append(
            ListMember(
                person_id=person_id,
                lists=frozenset(agency_of[d] for d in matched[person_id] & use),
                first_concern=when,
                age_band=_age_band(person, when),
                sex=SEX_LABELS.get(person.sex or "", "unknown"),
                ethnicity=(person.ethnicity or "unknown")[:1] or "unknown",
                period=str(when.year) if when else "unknown",
                definitions=frozenset(matched[person_id]),
            )
        )
    return [m for m in members if m.lists]


def reselect(
    members: Iterable[ListMember],
    selection: str,
    definitions: Sequence[ListDefinition] | None = None,
) -> list[ListMember]:
    """The members and lists another selection gives (from ``ListMember.definitions``).

    Strata keep the first concern of the original selection.
    """
    every = tuple(definitions or list_definitions())
    agency_of = {d.id: d.agency for d in selected(selection, every)}
    out = []
    for member in members:
        lists = frozenset(agency_of[d] for d in member.definitions if d in agency_of)
        if lists:
            out.append(replace(member, lists=lists))
    return out


def capture_histories(
    members: Iterable[ListMember], stratify: str | None = None
) -> dict[str, tuple[tuple[str, ...], list[tuple[tuple[int, ...], int]]]]:
    """``stratum -> (list names, [(pattern, count)])``; one stratum ``all`` unless stratified.

    List names are the agency kinds holding at least one member of the stratum, sorted.
    """
    if stratify is not None and stratify not in STRATA:
        raise InputError(f"--stratify must be one of {', '.join(STRATA)}, not {stratify!r}")
    groups: dict[str, list[ListMember]] = defaultdict(list)
    for member in members:
        groups["all" if stratify is None else str(getattr(member, stratify))].append(member)
    out: dict[str, tuple[tuple[str, ...], list[tuple[tuple[int, ...], int]]]] = {}
    for stratum in sorted(groups):
        names = tuple(sorted({name for m in groups[stratum] for name in m.lists}))
        patterns = Counter(tuple(int(n in m.lists) for n in names) for m in groups[stratum])
        out[stratum] = (names, sorted(patterns.items()))
    return out
