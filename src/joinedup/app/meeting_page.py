"""Use cases: a panel meeting as its page shows it — the agenda with each child's name and
briefing, who sits on the panel and who attended, the decisions and the actions; recording
attendance; the minutes as a Word document (logged as a disclosure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from joinedup.app.actions import ActionView, list_actions
from joinedup.app.context import Caller, session
from joinedup.app.panel import MeetingView
from joinedup.assemble.names import person_names
from joinedup.model.organisation import Agency
from joinedup.model.panel import AgendaItem, Decision, PanelMeeting
from joinedup.panel import attendance
from joinedup.panel.meetings import list_meetings
from joinedup.panel.meetings import minutes as gathered_minutes
from joinedup.panel.minutes import disclose, gather, plain, reasons
from joinedup.panel.minutes_word import minutes_docx
from joinedup.store.actor_session import ActorSession

__all__ = [
    "MARKS",
    "ItemView",
    "MeetingPage",
    "PanelMeetings",
    "Seat",
    "meeting_page",
    "minutes_document",
    "my_panels",
    "panel_meetings",
    "record_attendance",
]

MARKS = attendance.MARKS
PERSON_SUBJECTS = ("child", "person")
MEMBER = "panel.write_minutes"  # the action of a role that sits on panels: the pages' gate
STATUSES = ("scheduled", "held", "closed")


@dataclass(frozen=True)
class ItemView:
    """An agenda item: its title, its briefing as plain lines, and the person it is about
    (``person_id`` set only when the reader may open that person's page)."""

    item: AgendaItem
    reasons: list[str]
    name: str | None = None
    person_id: str | None = None

    @property
    def withdrawn(self) -> bool:
        """Whether the agenda generator withdrew it (no longer met the rules)."""
        return bool(self.item.briefing.get("withdrawn"))


@dataclass(frozen=True)
class Seat:
    """A member of the panel and their attendance at this meeting (None: not recorded)."""

    username: str
    role: str
    agency: str
    mark: str | None


@dataclass
class MeetingPage:
    """Everything the meeting page shows, and whether the reader runs this meeting."""

    meeting: PanelMeeting
    panel: str
    chair: str
    items: list[ItemView]
    seats: list[Seat]
    decisions: list[tuple[Decision, str | None]]  # with the title of the item it settles
    actions: list[ActionView] = field(default_factory=list)
    runs_it: bool = False
    today: date = field(default_factory=date.today)

    @property
    def may_open(self) -> bool:
        """Scheduled and its day has come (a meeting is never opened before its date)."""
        return self.meeting.status == "scheduled" and self.meeting.held_on <= self.today


def _items(opened: ActorSession, items: list[AgendaItem]) -> list[ItemView]:
    people = {i.subject_id for i in items if i.subject_type in PERSON_SUBJECTS and i.subject_id}
    readable = person_names(opened, people)
    out = []
    for i in items:
        subject = i.subject_id if i.subject_type in PERSON_SUBJECTS else None
        name = readable.get(subject or "") or i.briefing.get("name")
        link = subject if subject in readable else None
        out.append(ItemView(i, [plain(line) for line in reasons(i)], name, link))
    return out


@dataclass(frozen=True)
class PanelMeetings:
    """The meetings of the caller's panels by status (scheduled, held, closed; newest first)
    and the names of those panels."""

    grouped: dict[str, list[MeetingView]]
    panels: list[str]


def panel_meetings(who: Caller) -> PanelMeetings:
    """The meetings of the panels the caller sits on (:class:`Forbidden` for a role that
    does not sit on panels)."""
    with session(who) as opened:
        opened.require(MEMBER)
        names = {p.id: p.name for p in opened.my_panels()}
        views = [MeetingView(m, names.get(m.panel_id, m.panel_id)) for m in list_meetings(opened)]
    grouped = {s: [v for v in views if v.meeting.status == s] for s in STATUSES}
    return PanelMeetings(grouped, list(names.values()))


def meeting_page(who: Caller, meeting_id: str, today: date | None = None) -> MeetingPage:
    """One meeting of a panel the caller sits on, as its page shows it (:class:`Forbidden`
    for a role that does not sit on panels)."""
    with session(who) as opened:
        opened.require(MEMBER)
        record = gathered_minutes(opened, meeting_id)
        m = record.meeting
        panels = {p.id: p.name for p in opened.my_panels()}
        members = opened.panel_members(m.panel_id)
        agencies = {a.id: a.name for a in opened.list(Agency)}
        chair = opened.colleagues([m.chair_id or ""]).get(m.chair_id or "")
        titles = {i.id: i.title for i in record.items}
        page = MeetingPage(
            m,
            panels.get(m.panel_id, "Panel"),
            chair.username if chair else "not named",
            _items(opened, record.items),
            [
                Seat(s.username, s.role, agencies.get(s.agency_id, ""), m.attendance.get(s.user_id))
                for s in members
            ],
            [(d, titles.get(d.agenda_item_id or "")) for d in record.decisions],
            runs_it=opened.actor.user_id == m.chair_id or opened.may("panel.run_any_meeting"),
            today=today or date.today(),
        )
    page.actions = list_actions(who, meeting_id=meeting_id)
    return page


def my_panels(who: Caller) -> list[str]:
    """The names of the panels the caller sits on."""
    with session(who) as opened:
        return [p.name for p in opened.my_panels()]


def record_attendance(who: Caller, meeting_id: str, marks: Mapping[str, str]) -> PanelMeeting:
    """Record who attended and who sent apologies (``{username: mark}``; the chair)."""
    with session(who) as opened:
        return attendance.record_attendance(opened, meeting_id, marks)


def minutes_document(who: Caller, meeting_id: str, today: date | None = None) -> tuple[str, bytes]:
    """The minutes as a Word document: a file name and its bytes. Logged as a disclosure of
    the meeting, its items, decisions and actions to the panel's members."""
    with session(who) as opened:
        found = gather(opened, meeting_id)
        disclose(opened, found)
        lines = {i.id: reasons(i) for i in found.record.items}
    day = today or date.today()
    name = f"minutes-{found.record.meeting.held_on}.docx"
    return name, minutes_docx(found, day, lines)
