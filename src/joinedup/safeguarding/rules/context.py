"""What the rules see (the assembly, pre-fills, latest assessments) and what they find."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from joinedup.assemble.view import Assembly, EventView, PersonView, RecordRef
from joinedup.model.safeguarding import RiskAssessment
from joinedup.safeguarding.evidence import PersonEvidence, event_date, is_child_at
from joinedup.safeguarding.prefill import Prefill
from joinedup.safeguarding.tool import RiskTool


@dataclass
class Finding:
    """One thing a rule found: a subject, the key evidence that identifies the finding, the
    records that explain it, and the children it concerns."""

    subject_type: str
    subject_id: str
    key: tuple[str, ...]
    summary: str
    evidence: list[RecordRef]
    children: tuple[str, ...] = ()
    current: bool = True
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleContext:
    """Everything a rule's evidence query may read. Dates are relative to ``as_of``."""

    assembly: Assembly
    tool: RiskTool
    prefills: dict[str, Prefill]
    assessments: dict[str, RiskAssessment]
    as_of: date
    _evidence: dict[str, PersonEvidence] = field(default_factory=dict)

    def evidence(self, person_id: str) -> PersonEvidence:
        """The events and links of a person (cached)."""
        held = self._evidence.get(person_id)
        if held is None:
            held = PersonEvidence(self.assembly, self.assembly.persons[person_id], None)
            self._evidence[person_id] = held
        return held

    @cached_property
    def at_risk(self) -> set[str]:
        """Children with a CSE concern: a suggested specific indicator or an assessed category."""
        ids = {pid for pid, p in self.prefills.items() if p.concern}
        ids.update(pid for pid, a in self.assessments.items() if a.category != "none")
        return {pid for pid in ids if pid in self.assembly.persons}

    @cached_property
    def records(self) -> dict[str, RecordRef]:
        """Every record the assembly cites, by id."""
        out: dict[str, RecordRef] = {}
        for person in self.assembly.persons.values():
            for ref in person.records:
                out[ref.record_id] = ref
        for obj in self.assembly.objects.values():
            for ref in obj.records:
                out[ref.record_id] = ref
        for event in self.assembly.events:
            out[event.source.record_id] = event.source
        for link in self.assembly.links:
            out[link.source.record_id] = link.source
        return out

    def refs(self, record_ids: Iterable[str]) -> list[RecordRef]:
        """The records with these ids that the assembly knows."""
        return [r for i in record_ids if (r := self.records.get(i)) is not None]

    def person(self, person_id: str) -> PersonView | None:
        """A person of the assembly."""
        return self.assembly.persons.get(person_id)

    def is_current_child(self, person_id: str) -> bool:
        """Whether the person is still a child on ``as_of``."""
        person = self.person(person_id)
        return (
            person is not None
            and person.date_of_birth is not None
            and person.is_child_on(self.as_of)
        )

    def child_events(self, person_id: str, types: Iterable[str]) -> list[EventView]:
        """The person's events of the given types from while they were a child."""
        wanted = set(types)
        ev = self.evidence(person_id)
        return [e for e in ev.child_events() if e.event_type in wanted]

    def was_child(self, person_id: str, when: date | None, event: EventView | None = None) -> bool:
        """Whether the person was a child on a date."""
        person = self.person(person_id)
        return person is not None and is_child_at(person, when, event)

    def specific_dates(self, person_id: str) -> list[date]:
        """Dates of the evidence of indicators specific to CSE for a child (sorted)."""
        pre = self.prefills.get(person_id)
        if pre is None:
            return []
        specific = {i.id for i in self.tool.indicators if i.specific}
        return sorted({d for s in pre.present if s.indicator in specific for d in s.dates})


def day_of(event: EventView) -> date | None:
    """The date of an event."""
    return event_date(event)
