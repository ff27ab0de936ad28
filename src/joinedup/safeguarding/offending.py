"""The records in which a person is in an offending role, shown beside the evidence of risk.

A child can be at risk in some records and a suspect in others. The risk tool counts only the
first (:meth:`PersonEvidence.child_events`); these are the others, listed so that the child is
shown as both, each with its own records (ids, role, type and date: no case content).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.assemble.view import RecordRef
from joinedup.safeguarding.evidence import PersonEvidence, event_date


@dataclass(frozen=True, slots=True)
class RoleRecord:
    """An event in which the person is recorded in an offending role (e.g. a suspect)."""

    when: date | None
    role: str
    event_type: str
    ref: RecordRef
    as_child: bool

    def to_dict(self) -> dict[str, str | bool | None]:
        """JSON-ready (ids, role, type and date: no case content)."""
        return {
            "role": self.role,
            "event_type": self.event_type,
            "date": self.when.isoformat() if self.when else None,
            "as_child": self.as_child,
            "record_id": self.ref.record_id,
            "agency": self.ref.agency_kind,
            "agency_key": self.ref.agency_key,
        }


def offending_records(evidence: PersonEvidence) -> list[RoleRecord]:
    """The person's events in an offending role, as records to show beside the evidence."""
    person = evidence.person
    out = []
    for event in evidence.offending_events():
        when = event_date(event)
        as_child = (
            when is not None and person.date_of_birth is not None and person.is_child_on(when)
        )
        out.append(
            RoleRecord(
                when, evidence.role_in(event) or "", event.event_type, event.source, as_child
            )
        )
    return out


def a_an(role: str) -> str:
    """'a suspect', 'an offender' (underscores as spaces)."""
    word = role.replace("_", " ")
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def phrase(records: list[RoleRecord], agency_phrase: str) -> str:
    """'also recorded as a suspect in 2 police records (2012-03-01 to 2012-05-02)', or ''."""
    if not records:
        return ""
    roles = sorted({r.role for r in records})
    dates = sorted(r.when for r in records if r.when is not None)
    span = f" ({dates[0].isoformat()} to {dates[-1].isoformat()})" if dates else ""
    n = len({r.ref.record_id for r in records})
    return (
        f"also recorded as {' or '.join(a_an(r) for r in roles)} in {n} "
        f"{agency_phrase} record{'s' if n != 1 else ''}{span}"
    )
