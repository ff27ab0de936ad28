"""Risk assessments in the store: every version kept, the latest per child read by the rules.

An assessment is never edited: a review or a change of mind is a new version (``version`` is
one more than the highest the acting user can see for the child). Reads and writes go through
the door, so a worker sees the assessments of their own agency and of agencies or cases they
hold a grant for. The reasons a worker types are checked for victim-blaming language on
entry (:mod:`joinedup.safeguarding.entry`): warned and held as language flags, never refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from joinedup.assemble.view import Assembly
from joinedup.common.errors import InputError
from joinedup.model.safeguarding import RiskAssessment
from joinedup.safeguarding.entry import WHERE_CONFIRMATION, WHERE_NARRATIVE, WHERE_OVERRIDE
from joinedup.safeguarding.prefill import prefill
from joinedup.safeguarding.scoring import Completed, Decision, complete
from joinedup.safeguarding.tool import RiskTool, default_tool
from joinedup.store.actor_session import ActorSession, NotFound
from joinedup.store.hooks import TextFinding

_COLUMNS = (
    "child_person_id",
    "tool_version",
    "version",
    "answers",
    "score",
    "category",
    "assessor_id",
    "assessed_on",
    "next_review_due",
    "agency_id",
    "created_by",
    "created_at",
    "case_id",
)
# what a worker writes beside the indicators (free text: the door stores it encrypted)
NARRATIVE = ("child_views", "protective_factors", "safety_plan")
MAX_NARRATIVE_CHARS = 10_000


@dataclass
class Recorded(Completed):
    """A stored assessment, and the victim-blaming language found in the worker's reasons."""

    language: list[TextFinding] = field(default_factory=list)


def history(session: ActorSession, child_person_id: str) -> list[RiskAssessment]:
    """Every version of a child's assessment the session may see, oldest first."""
    rows = session.list(RiskAssessment, where={"child_person_id": child_person_id})
    return sorted(rows, key=lambda a: (a.version, a.assessed_on, a.created_at))


def latest(session: ActorSession) -> dict[str, RiskAssessment]:
    """The latest assessment of each child in scope (highest version, then latest date)."""
    best: dict[str, RiskAssessment] = {}
    for chunk in session.scan(RiskAssessment, list(_COLUMNS)):
        for row in chunk:
            values = dict(zip(("id", *_COLUMNS), row, strict=True))
            assessment = RiskAssessment.model_validate(values)
            held = best.get(assessment.child_person_id)
            if held is None or (assessment.version, assessment.assessed_on) > (
                held.version,
                held.assessed_on,
            ):
                best[assessment.child_person_id] = assessment
    return best


def record(
    session: ActorSession,
    assembly: Assembly,
    child_person_id: str,
    decisions: dict[str, Decision],
    *,
    assessed_on: date,
    tool: RiskTool | None = None,
    narrative: Mapping[str, str | None] | None = None,
) -> Recorded:
    """Complete and store a new assessment version for a child, as the acting user.

    The pre-fill is computed from the assembly (what the user may see); the decisions confirm
    or override it (overrides need reasons). ``narrative``: the child's own views and wishes,
    the protective factors and the safety plan (keys of :data:`NARRATIVE`). Each reason and
    each narrative is checked for victim-blaming language (the child's age sharpens the
    wording). Returns the stored assessment.
    """
    session.require("assessment.record")
    written = _narrative(narrative or {})
    tool = tool or default_tool()
    person = assembly.persons.get(child_person_id)
    if person is None:
        raise NotFound(f"no person with id {child_person_id}")
    suggested = prefill(assembly, person, tool, until=assessed_on)
    versions = history(session, child_person_id)
    done = complete(
        tool,
        suggested,
        decisions,
        agency_id=session.actor.agency_id,
        assessor_id=session.actor.user_id,
        assessed_on=assessed_on,
        version=(versions[-1].version + 1) if versions else 1,
        age=person.age_on(assessed_on),
    )
    stored = session.add(done.assessment.model_copy(update=written))
    age = person.age_on(assessed_on)
    child_age = age if age is not None and age >= 0 else None
    language: list[TextFinding] = []
    for answer in stored.answers:  # in the tool's order
        decision = decisions.get(answer.indicator)
        if decision is None:
            continue
        language += session.entered(
            decision.reason,
            where=WHERE_OVERRIDE if answer.indicator in done.overridden else WHERE_CONFIRMATION,
            field=answer.indicator,
            subject_type="risk_assessment",
            subject_id=stored.id,
            child_age=child_age,
        )
    for name, text in written.items():
        language += session.entered(
            text,
            where=WHERE_NARRATIVE,
            field=name,
            subject_type="risk_assessment",
            subject_id=stored.id,
            child_age=child_age,
        )
    return Recorded(stored, done.overridden, language)


def _narrative(given: Mapping[str, str | None]) -> dict[str, str]:
    """The narrative fields written (blank ones left out), each within its limit."""
    unknown = sorted(set(given) - set(NARRATIVE))
    if unknown:
        raise InputError(f"an assessment has no narrative field {', '.join(unknown)}")
    out: dict[str, str] = {}
    for name in NARRATIVE:
        text = (given.get(name) or "").strip()
        if len(text) > MAX_NARRATIVE_CHARS:
            raise InputError(
                f"{name.replace('_', ' ')} is {len(text):,} characters; the limit is "
                f"{MAX_NARRATIVE_CHARS:,}"
            )
        if text:
            out[name] = text
    return out
