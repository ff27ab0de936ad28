"""Use cases: panel meetings — schedule, list, the generated agenda, items, decisions,
open and close, and the minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from joinedup.app.context import Caller, acting_as, runtime, session
from joinedup.app.results import Saved
from joinedup.common.files import write_private
from joinedup.model.organisation import Agency
from joinedup.model.panel import AgendaItem, Decision, PanelMeeting
from joinedup.panel import meetings
from joinedup.panel.agenda import AgendaClosed, AgendaReport, generate_on_behalf
from joinedup.panel.config import PanelConfigError, agenda_config
from joinedup.panel.meetings import MeetingStateError
from joinedup.panel.minutes import reasons, render_minutes

__all__ = [
    "Agenda",
    "AgendaClosed",
    "AgendaReport",
    "MeetingStateError",
    "MeetingView",
    "Member",
    "PanelConfigError",
    "add_item",
    "agenda",
    "close_meeting",
    "decide",
    "item",
    "meetings_of_my_panels",
    "members",
    "minutes",
    "open_meeting",
    "schedule_meeting",
    "write_minutes",
]


@dataclass(frozen=True)
class MeetingView:
    """A meeting with its panel's name."""

    meeting: PanelMeeting
    panel: str


@dataclass(frozen=True)
class Agenda:
    """A meeting's agenda items, and the generation report when it was (re)generated."""

    items: list[AgendaItem]
    report: AgendaReport | None = None


@dataclass(frozen=True)
class Member:
    """Who sits on a panel."""

    username: str
    role: str
    agency: str


def schedule_meeting(
    who: Caller, panel_name: str, held_on: date, chair: str | None = None
) -> PanelMeeting:
    """Schedule a meeting of a panel the caller sits on."""
    with session(who) as opened:
        return meetings.schedule(opened, panel_name, held_on, chair=chair)


def meetings_of_my_panels(who: Caller, status: str | None = None) -> list[MeetingView]:
    """Meetings of the panels the caller sits on, newest first, with panel names."""
    with session(who) as opened:
        rows = meetings.list_meetings(opened, status=status)
        panels = {p.id: p.name for p in opened.my_panels()}
    return [MeetingView(m, panels.get(m.panel_id, m.panel_id)) for m in rows]


def agenda(
    who: Caller,
    meeting_id: str,
    *,
    generate: bool = False,
    config_path: str | None = None,
    as_of: date | None = None,
) -> Agenda:
    """A meeting's agenda; with ``generate``, built first from the flags, assessments, late
    actions and unacknowledged intelligence (the chair asks; the service account reads
    across the partnership on their behalf), judging ages as of ``as_of`` (default: today)."""
    report = None
    if generate:
        rt = runtime()
        with session(who, rt) as opened:
            meetings.request_agenda(opened, meeting_id)
        with acting_as(who):
            config = agenda_config(config_path)
            report = generate_on_behalf(rt.door, opened, meeting_id, config=config, as_of=as_of)
    with session(who) as opened:
        return Agenda(meetings.agenda(opened, meeting_id), report)


def item(who: Caller, item_id: str) -> tuple[AgendaItem, list[str]]:
    """One agenda item and its briefing as lines: risk, agencies and record keys, flags."""
    with session(who) as opened:
        found = opened.get(AgendaItem, item_id)
    return found, reasons(found)


def members(who: Caller, panel_name: str) -> tuple[str, list[Member]]:
    """The panel's name and who sits on it (username, role, agency name)."""
    with session(who) as opened:
        found = meetings.find_panel(opened, panel_name)
        seated = opened.panel_members(found.id)
        agencies = {a.id: a.name for a in opened.list(Agency)}
    return found.name, [
        Member(m.username, m.role, agencies.get(m.agency_id, m.agency_id)) for m in seated
    ]


def open_meeting(who: Caller, meeting_id: str) -> PanelMeeting:
    """Open a scheduled meeting (its generated agenda is then fixed)."""
    with session(who) as opened:
        return meetings.open_meeting(opened, meeting_id)


def close_meeting(who: Caller, meeting_id: str) -> PanelMeeting:
    """Close an open meeting: nothing more is recorded against it."""
    with session(who) as opened:
        return meetings.close_meeting(opened, meeting_id)


def add_item(
    who: Caller, meeting_id: str, title: str, case_id: str | None = None
) -> Saved[AgendaItem]:
    """Add an item to a scheduled or open meeting (the title is checked for language)."""
    with session(who) as opened:
        done = meetings.add_item(opened, meeting_id, title, case_id=case_id)
    return Saved(done.saved, list(done.language))


def decide(who: Caller, meeting_id: str, text: str, item_id: str | None = None) -> Saved[Decision]:
    """Record a decision of an open meeting (checked for victim-blaming language)."""
    with session(who) as opened:
        done = meetings.decide(opened, meeting_id, text, item_id=item_id)
    return Saved(done.saved, list(done.language))


def minutes(who: Caller, meeting_id: str, today: date | None = None) -> str:
    """The minutes (agenda, decisions, actions) as Markdown."""
    with session(who) as opened:
        return render_minutes(opened, meeting_id, today=today or date.today())


def write_minutes(who: Caller, meeting_id: str, out: Path, today: date | None = None) -> Path:
    """Write the minutes to ``out``, readable by its owner only (logged as a disclosure of
    what they hold to the panel's members)."""
    with session(who) as opened:
        text = render_minutes(opened, meeting_id, today=today or date.today(), leaving=True)
    write_private(out, text)
    return out
