"""Panel tables: meetings, agenda items, decisions and actions (each carries ``panel_id``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, CaseMixin, UTCDateTime


class MeetingRow(Base, CaseMixin):
    __tablename__ = "panel_meeting"
    panel_id: Mapped[str] = mapped_column(ID, index=True)
    held_on: Mapped[date] = mapped_column(Date)
    chair_id: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(16))
    agenda_generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance: Mapped[dict[str, str] | None] = mapped_column(JSON)


class AgendaItemRow(Base, CaseMixin):
    __tablename__ = "agenda_item"
    panel_id: Mapped[str] = mapped_column(ID, index=True)
    meeting_id: Mapped[str] = mapped_column(ID, index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(ID, index=True)
    briefing: Mapped[dict[str, Any]] = mapped_column(JSON)
    origin: Mapped[str] = mapped_column(String(16))


class DecisionRow(Base, CaseMixin):
    __tablename__ = "decision"
    panel_id: Mapped[str] = mapped_column(ID, index=True)
    meeting_id: Mapped[str] = mapped_column(ID)
    agenda_item_id: Mapped[str | None] = mapped_column(ID)
    text: Mapped[str] = mapped_column(Text)


class ActionRow(Base, CaseMixin):
    __tablename__ = "action"
    panel_id: Mapped[str | None] = mapped_column(ID, index=True)
    meeting_id: Mapped[str | None] = mapped_column(ID)
    decision_id: Mapped[str | None] = mapped_column(ID)
    description: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[str | None] = mapped_column(ID, index=True)
    owner_agency_id: Mapped[str | None] = mapped_column(ID)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(Integer)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completion_note: Mapped[str | None] = mapped_column(Text)
