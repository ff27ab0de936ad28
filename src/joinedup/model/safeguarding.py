"""Safeguarding cases, person categories, risk assessments, flags and intelligence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from joinedup.model.base import CaseLinked, Id, JsonDict, PersonCategoryCode, ShortText, Urgency
from joinedup.model.pole import check_grading

PlanStatus = Literal["none", "child_in_need", "child_protection", "looked_after"]
RiskCategory = Literal["none", "category_1", "category_2", "category_3"]
FlagStatus = Literal["open", "acknowledged", "resolved"]
Grading = Annotated[str, Field(max_length=8), AfterValidator(check_grading)]


class SafeguardingCase(CaseLinked):
    """A child's CSE episode: allocated worker, plan status and placement."""

    child_person_id: Id
    status: Literal["open", "closed"] = "open"
    allocated_worker_id: Id | None = None
    plan_status: PlanStatus = "none"
    placement_type: ShortText | None = None
    placed_out_of_area: bool = False
    opened_on: date | None = None
    closed_on: date | None = None


class PersonCategory(CaseLinked):
    """A person's category in one case (DPA 2018 s.38): victim, suspect, witness, ..."""

    person_id: Id
    category: PersonCategoryCode
    retention_review_on: date | None = None


class IndicatorAnswer(BaseModel):
    """One answered indicator of the risk tool, citing its evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str = Field(min_length=1, max_length=64)
    present: bool
    evidence_record_ids: tuple[Id, ...] = ()
    note: ShortText | None = None


class RiskAssessment(CaseLinked):
    """One version of a CSE risk assessment."""

    child_person_id: Id
    tool_version: str = Field(min_length=1, max_length=32)
    version: int = Field(ge=1, default=1)
    answers: list[IndicatorAnswer] = Field(default_factory=list)
    score: float | None = None
    category: RiskCategory = "none"
    assessor_id: Id | None = None
    assessed_on: date
    next_review_due: date | None = None
    # what practitioners write beside the indicators (stored encrypted: free text)
    child_views: str | None = Field(default=None, max_length=60_000)
    protective_factors: str | None = Field(default=None, max_length=60_000)
    safety_plan: str | None = Field(default=None, max_length=60_000)


class Flag(CaseLinked):
    """A rule's finding about a subject, with its evidence, status and owner."""

    rule_id: str = Field(min_length=1, max_length=64)
    subject_type: str = Field(min_length=1, max_length=32)
    subject_id: Id
    evidence: JsonDict = Field(default_factory=dict)
    status: FlagStatus = "open"
    owner_agency_id: Id | None = None
    resolution: ShortText | None = None


class IntelligenceSubmission(CaseLinked):
    """A concern or piece of intelligence from any agency, routed to recipients.

    ``summary`` holds the AES-256-GCM token of the submitter's text (never plain text);
    ``subject_person_ids`` and ``vrms`` say who and which vehicles it is about. The
    acknowledgement fields record the first recipient's acknowledgement, so the submitter sees
    that it was read; each recipient's own copy is an :class:`IntelligenceRoute`.
    """

    summary: str = Field(min_length=1, max_length=40_000)
    urgency: Urgency = "routine"
    subject_person_ids: list[Id] = Field(default_factory=list)
    vrms: list[str] = Field(default_factory=list)
    recipient_agency_ids: list[Id] = Field(default_factory=list)
    grading: Grading | None = None  # a police submission's 3x5x2 grading, e.g. "2-B-P"
    acknowledge_by: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: Id | None = None
    escalated_at: datetime | None = None


class IntelligenceRoute(CaseLinked):
    """A submission routed to one recipient agency (held by that agency, ``agency_id``).

    The route carries its own encrypted copy of the summary (routing is a disclosure to the
    recipient), the reason it was routed there, the deadline to acknowledge, and escalation.
    ``submitted_by`` is the referrer, who may see the route's status but nothing else's.
    """

    submission_id: Id
    from_agency_id: Id
    submitted_by: Id
    summary: str = Field(min_length=1, max_length=40_000)
    urgency: Urgency = "routine"
    reason: ShortText
    grading: Grading | None = None  # the submission's 3x5x2 grading (police), copied
    acknowledge_by: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: Id | None = None
    note: ShortText | None = None
    escalation_level: int = Field(ge=0, default=0)
    escalated_at: datetime | None = None
