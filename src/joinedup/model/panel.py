"""Multi-agency panels (MASE): meetings, agenda items, decisions and actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator

from joinedup.model.base import CaseLinked, Entity, Id, JsonDict, Owned, ShortText


class Panel(Owned):
    """A standing multi-agency panel; its members may see the cases on its agendas."""

    name: ShortText


class PanelMember(Entity):
    """Membership of a user in a panel."""

    panel_id: Id
    user_id: Id
    added_at: datetime | None = None


MeetingStatus = Literal["scheduled", "held", "closed"]
ActionStatus = Literal["open", "done", "overdue", "escalated"]
Attendance = Literal["attended", "apologies", "absent"]


class PanelMeeting(CaseLinked):
    """One meeting of a panel: scheduled, held (decisions being recorded), then closed."""

    panel_id: Id
    held_on: date
    chair_id: Id | None = None
    status: MeetingStatus = "scheduled"
    agenda_generated_at: datetime | None = None
    closed_at: datetime | None = None
    # who attended and who sent apologies, by user id (members not recorded are left out)
    attendance: dict[Id, Attendance] = Field(default_factory=dict)

    @field_validator("attendance", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        """A meeting stored before attendance was recorded has none."""
        return {} if value is None else value


class AgendaItem(CaseLinked):
    """A case or theme discussed at a meeting, with the briefing that put it there.

    ``section`` names the agenda section (``panel/data/agenda.yml``); ``subject_type`` and
    ``subject_id`` the child, adult, vehicle, action or intelligence route it is about;
    ``briefing`` holds the reasons (flag ids and rules, risk category, agencies) and never
    case-note text. ``origin`` says whether the agenda generator or a person added it.
    """

    panel_id: Id
    meeting_id: Id
    position: int = Field(ge=0, default=0)
    title: ShortText
    section: str = Field(min_length=1, max_length=64, default="other")
    subject_type: str | None = Field(default=None, max_length=32)
    subject_id: Id | None = None
    briefing: JsonDict = Field(default_factory=dict)
    origin: Literal["generated", "added"] = "generated"


class Decision(CaseLinked):
    """A decision recorded at a meeting."""

    panel_id: Id
    meeting_id: Id
    agenda_item_id: Id | None = None
    text: str = Field(min_length=1, max_length=5000)


class Action(CaseLinked):
    """A tracked action: owner, due date, status and escalation."""

    panel_id: Id | None = None
    meeting_id: Id | None = None
    decision_id: Id | None = None
    description: str = Field(min_length=1, max_length=5000)
    owner_user_id: Id | None = None
    owner_agency_id: Id | None = None
    due_on: date | None = None
    status: ActionStatus = "open"
    escalation_level: int = Field(ge=0, default=0)
    escalated_at: datetime | None = None
    completed_at: datetime | None = None
    completion_note: ShortText | None = None
