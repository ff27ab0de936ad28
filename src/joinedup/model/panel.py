"""Multi-agency panels (MASE): meetings, agenda items, decisions and actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from joinedup.model.base import CaseLinked, Entity, Id, Owned, ShortText


class Panel(Owned):
    """A standing multi-agency panel; its members may see the cases on its agendas."""

    name: ShortText


class PanelMember(Entity):
    """Membership of a user in a panel."""

    panel_id: Id
    user_id: Id
    added_at: datetime | None = None


class PanelMeeting(CaseLinked):
    """One meeting of a panel."""

    panel_id: Id
    held_on: date
    chair_id: Id | None = None


class AgendaItem(CaseLinked):
    """A case or theme discussed at a meeting."""

    panel_id: Id
    meeting_id: Id
    position: int = Field(ge=0, default=0)
    title: ShortText


class Decision(CaseLinked):
    """A decision recorded at a meeting."""

    panel_id: Id
    meeting_id: Id
    agenda_item_id: Id | None = None
    text: str = Field(min_length=1, max_length=5000)


class Action(CaseLinked):
    """A tracked action: owner, due date, status and escalation."""

    panel_id: Id | None = None
    decision_id: Id | None = None
    description: str = Field(min_length=1, max_length=5000)
    owner_user_id: Id | None = None
    due_on: date | None = None
    status: Literal["open", "done", "overdue", "escalated"] = "open"
