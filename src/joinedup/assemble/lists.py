"""Agency lists of victims and possible victims, as capture histories for estimation.

A person is on an agency's list when that agency recorded an event it marked as a CSE
concern (``EventView.cse_concern``) in which the person took part as a child (under 18 on
the event date) and not as a suspect or offender. The lists are the linked persons, so a
child known to police and to social care counts once, on both lists. The result feeds
:mod:`joinedup.estimate` (pure numerics) as a pattern -> count table.

Referral-driven lists are positively dependent (one agency's concern leads to another's
record), which biases independence models down: see docs/estimation.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from joinedup.assemble.view import Assembly, EventView, PersonView

NOT_VICTIM_ROLES = frozenset(
    {"suspect", "offender", "accused", "driver", "owner", "keeper", "supervised", "perpetrator"}
)
STRATA = ("age_band", "sex", "ethnicity", "period")
SEX_LABELS = {"1": "male", "2": "female", "M": "male", "F": "female"}


@dataclass(frozen=True)
class ListMember:
    """One victim or possible victim, the agencies whose lists hold them, and strata."""

    person_id: str
    lists: frozenset[str]
    first_concern: date | None
    age_band: str
    sex: str
    ethnicity: str
    period: str


def _age_band(person: PersonView, when: date | None) -> str:
    age = person.age_on(when) if when else None
    if age is None:
        return "unknown"
    if age < 13:
        return "under 13"
    return "13-15" if age < 16 else "16-17"


def _victims_in(event: EventView, persons: dict[str, PersonView]) -> Iterable[PersonView]:
    for participant in event.participants:
        if participant.kind != "person" or participant.role in NOT_VICTIM_ROLES:
            continue
        person = persons.get(participant.entity_id)
        if person is not None and event.start is not None and person.is_child_on(event.start):
            yield person


def list_members(assembly: Assembly) -> list[ListMember]:
    """Every victim or possible victim in the assembly with the lists they are on."""
    lists: dict[str, set[str]] = defaultdict(set)
    first: dict[str, date] = {}
    for event in assembly.events:
        if not event.cse_concern:
            continue
        for person in _victims_in(event, assembly.persons):
            lists[person.id].add(event.source.agency_kind)
            if event.start is not None and (
                person.id not in first or event.start < first[person.id]
            ):
                first[person.id] = event.start
    members = []
    for person_id in sorted(lists):
        person = assembly.persons[person_id]
        when = first.get(person_id)
        members.append(
            ListMember(
                person_id=person_id,
                lists=frozenset(lists[person_id]),
                first_concern=when,
                age_band=_age_band(person, when),
                sex=SEX_LABELS.get(person.sex or "", "unknown"),
                ethnicity=(person.ethnicity or "unknown")[:1] or "unknown",
                period=str(when.year) if when else "unknown",
            )
        )
    return members


def capture_histories(
    members: Iterable[ListMember], stratify: str | None = None
) -> dict[str, tuple[tuple[str, ...], list[tuple[tuple[int, ...], int]]]]:
    """``stratum -> (list names, [(pattern, count)])``; one stratum ``all`` unless stratified.

    List names are the agency kinds holding at least one member of the stratum, sorted.
    """
    if stratify is not None and stratify not in STRATA:
        raise ValueError(f"--stratify must be one of {', '.join(STRATA)}, not {stratify!r}")
    groups: dict[str, list[ListMember]] = defaultdict(list)
    for member in members:
        groups["all" if stratify is None else str(getattr(member, stratify))].append(member)
    out: dict[str, tuple[tuple[str, ...], list[tuple[tuple[int, ...], int]]]] = {}
    for stratum in sorted(groups):
        names = tuple(sorted({name for m in groups[stratum] for name in m.lists}))
        patterns = Counter(tuple(int(n in m.lists) for n in names) for m in groups[stratum])
        out[stratum] = (names, sorted(patterns.items()))
    return out
