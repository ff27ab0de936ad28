"""Linkage tables: runs, record -> person membership and the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, OwnedMixin, UTCDateTime


class LinkageRunRow(Base, OwnedMixin):
    __tablename__ = "linkage_run"
    backend: Mapped[str] = mapped_column(String(16))
    incremental: Mapped[bool] = mapped_column(Boolean)
    records: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    review_items: Mapped[int] = mapped_column(Integer)
    model: Mapped[dict[str, Any]] = mapped_column(JSON)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PersonLinkRow(Base, OwnedMixin):
    __tablename__ = "person_link"
    record_id: Mapped[str] = mapped_column(ID, unique=True)
    person_id: Mapped[str] = mapped_column(ID, index=True)
    run_id: Mapped[str] = mapped_column(ID)


class LinkageKeyRow(Base, OwnedMixin):
    __tablename__ = "linkage_key"
    record_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(1), index=True)
    key: Mapped[str] = mapped_column(String(32), index=True)


class LinkageStatisticsRow(Base, OwnedMixin):
    __tablename__ = "linkage_statistics"
    run_id: Mapped[str] = mapped_column(ID, index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class MatchReviewRow(Base, OwnedMixin):
    __tablename__ = "match_review"
    __table_args__ = (UniqueConstraint("record_a", "record_b"),)
    record_a: Mapped[str] = mapped_column(ID, index=True)
    record_b: Mapped[str] = mapped_column(ID, index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
