"""Pre-fill of the risk tool: each indicator proposed from the linked records, with evidence.

A suggestion is not an assessment: it tells a worker what the records of every agency show
("3 missing episode records in 61 days, reported by police and social care") and which records
say so. The worker confirms or overrides each one (:mod:`joinedup.safeguarding.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from joinedup.assemble.view import Assembly, PersonView, RecordRef
from joinedup.safeguarding.evidence import (
    Found,
    PersonEvidence,
    agency_phrase,
    event_date,
    link_child,
)
from joinedup.safeguarding.offending import RoleRecord, offending_records, phrase
from joinedup.safeguarding.scoring import Graded, grade
from joinedup.safeguarding.tool import Indicator, RiskTool, default_tool


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One indicator as the records suggest it."""

    indicator: str
    present: bool
    summary: str
    evidence: tuple[RecordRef, ...] = ()
    first: date | None = None
    last: date | None = None
    dates: tuple[date, ...] = ()

    @property
    def agencies(self) -> list[str]:
        """Kinds of agency whose records support the suggestion."""
        return sorted({r.agency_kind for r in self.evidence})


@dataclass(slots=True)
class Prefill:
    """The suggested answers for one child, and the grade they would give."""

    person_id: str
    tool_version: str
    reference_date: date | None
    age: int | None
    suggestions: list[Suggestion] = field(default_factory=list)
    graded: Graded | None = None
    # events in which the child is recorded in an offending role (never evidence of their
    # own risk): shown beside the suggestions, so a child who is both is seen as both
    offending: list[RoleRecord] = field(default_factory=list)

    @property
    def present(self) -> list[Suggestion]:
        """Suggestions of indicators present."""
        return [s for s in self.suggestions if s.present]

    def suggestion(self, indicator: str) -> Suggestion:
        """The suggestion for one indicator."""
        for s in self.suggestions:
            if s.indicator == indicator:
                return s
        raise KeyError(indicator)

    @property
    def concern(self) -> bool:
        """Whether any indicator specific to CSE is suggested."""
        return self.graded is not None and self.graded.category != "none"

    def offending_summary(self) -> str:
        """'also recorded as a suspect in 2 police records (2012-03-01 to 2012-05-02)', or ''."""
        agencies = sorted({r.ref.agency_kind for r in self.offending})
        return phrase(self.offending, agency_phrase(agencies))

    @property
    def first_concern(self) -> date | None:
        """Date of the earliest evidence of an indicator specific to CSE."""
        return self.graded.first_specific if self.graded else None


def _summary(indicator: Indicator, found: Found) -> str:
    dates = [i.when for i in found.items if i.when is not None]
    values = {
        "count": len(found.items),
        "records": len(found.refs),
        "agencies": agency_phrase(found.agencies),
        "first": min(dates).isoformat() if dates else "date not recorded",
        "last": max(dates).isoformat() if dates else "date not recorded",
        "days": found.window_days if found.window_days is not None else "",
    }
    try:
        return indicator.summary.format(**values)[:400]
    except (KeyError, IndexError):
        return indicator.label


def prefill(
    assembly: Assembly,
    person: PersonView,
    tool: RiskTool | None = None,
    *,
    until: date | None = None,
) -> Prefill:
    """Suggested answers for ``person`` from the evidence up to ``until`` (default: all).

    Only events from while the person was a child count. The reference date (for age and the
    hard rules) is the date of the latest such evidence, else ``until``.
    """
    tool = tool or default_tool()
    evidence = PersonEvidence(assembly, person, until)
    suggestions: list[Suggestion] = []
    for indicator in tool.indicators:
        found = evidence.find(indicator.evidence)
        dates = [i.when for i in found.items if i.when is not None]
        suggestions.append(
            Suggestion(
                indicator.id,
                bool(found.items),
                _summary(indicator, found) if found.items else "",
                tuple(found.refs),
                min(dates) if dates else None,
                max(dates) if dates else None,
                tuple(sorted(set(dates))),
            )
        )
    child_dates = [d for e in evidence.child_events() if (d := event_date(e)) is not None]
    reference = max(child_dates) if child_dates else until
    age = person.age_on(reference) if reference is not None else None
    result = Prefill(person.id, tool.tool_version, reference, age, suggestions)
    result.offending = offending_records(evidence)
    result.graded = grade(
        tool, {s.indicator: s.present for s in suggestions}, age, _first_dates(suggestions)
    )
    return result


def _first_dates(suggestions: list[Suggestion]) -> dict[str, date | None]:
    return {s.indicator: s.first for s in suggestions if s.present}


def prefill_all(
    assembly: Assembly,
    tool: RiskTool | None = None,
    *,
    until: date | None = None,
    concern_only: bool = True,
) -> Iterator[Prefill]:
    """Pre-fills for persons who were children at the time of some of their records.

    With ``concern_only`` (the default) only children with an indicator specific to CSE are
    pre-filled: the others have no current concern, and screening them all would be slow.
    """
    tool = tool or default_tool()
    specific = [i for i in tool.indicators if i.specific]
    for person in assembly.persons.values():
        if not assembly.events_of(person.id) and not assembly.links_of(person.id):
            continue
        evidence = PersonEvidence(assembly, person, until)
        if not evidence.child_events() and not any(
            link_child(person, link) for link in evidence.links
        ):
            continue
        if concern_only and not any(evidence.find(i.evidence).items for i in specific):
            continue
        yield prefill(assembly, person, tool, until=until)
