"""Safeguarding tables: cases, person categories, risk assessments, flags, intelligence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, CaseMixin, UTCDateTime


class CaseRow(Base, CaseMixin):
    """A case's ``case_id`` is its own id, so case grants and panels reach it."""

    __tablename__ = "safeguarding_case"
    child_person_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(String(16))
    allocated_worker_id: Mapped[str | None] = mapped_column(ID)
    plan_status: Mapped[str] = mapped_column(String(32))
    placement_type: Mapped[str | None] = mapped_column(String(500))
    placed_out_of_area: Mapped[bool] = mapped_column(Boolean)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class PersonCategoryRow(Base, CaseMixin):
    __tablename__ = "person_category"
    person_id: Mapped[str] = mapped_column(ID, index=True)
    category: Mapped[str] = mapped_column(String(32))
    retention_review_on: Mapped[date | None] = mapped_column(Date)


class RiskAssessmentRow(Base, CaseMixin):
    __tablename__ = "risk_assessment"
    child_person_id: Mapped[str] = mapped_column(ID, index=True)
    tool_version: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(16))
    assessor_id: Mapped[str | None] = mapped_column(ID)
    assessed_on: Mapped[date] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    child_views: Mapped[str | None] = mapped_column(Text)
    protective_factors: Mapped[str | None] = mapped_column(Text)
    safety_plan: Mapped[str | None] = mapped_column(Text)


class FlagRow(Base, CaseMixin):
    __tablename__ = "flag"
    # the open flags of an agency, read for its notifications on every page
    __table_args__ = (Index("ix_flag_agency_status", "agency_id", "status"),)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(ID, index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    owner_agency_id: Mapped[str | None] = mapped_column(ID)
    resolution: Mapped[str | None] = mapped_column(Text)


class SubmissionRow(Base, CaseMixin):
    __tablename__ = "intelligence_submission"
    summary: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    subject_person_ids: Mapped[list[str]] = mapped_column(JSON)
    vrms: Mapped[list[str]] = mapped_column(JSON)
    recipient_agency_ids: Mapped[list[str]] = mapped_column(JSON)
    grading: Mapped[str | None] = mapped_column(String(8))
    acknowledge_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(ID)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RouteRow(Base, CaseMixin):
    __tablename__ = "intelligence_route"
    __table_args__ = (UniqueConstraint("submission_id", "agency_id"),)
    submission_id: Mapped[str] = mapped_column(ID, index=True)
    from_agency_id: Mapped[str] = mapped_column(ID)
    submitted_by: Mapped[str] = mapped_column(ID, index=True)
    summary: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    grading: Mapped[str | None] = mapped_column(String(8))
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(ID)
    note: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[int] = mapped_column(Integer)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
