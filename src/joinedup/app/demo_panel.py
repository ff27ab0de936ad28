"""The demonstration's panel step: a school's concern routed and escalated, a MASE meeting on
a generated agenda, a decision, an action, the minutes.

Idempotent like the rest of the demo: users, the panel and the concern are made once; the
meeting of the day is re-used, and a meeting already closed only has its minutes re-written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from joinedup.access import directory
from joinedup.app.demo_accounts import add_demo_users
from joinedup.app.runtime import Runtime
from joinedup.common.files import write_private
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.panel import Panel
from joinedup.model.safeguarding import IntelligenceSubmission
from joinedup.panel import actions, intelligence, meetings
from joinedup.panel.agenda import generate_on_behalf
from joinedup.panel.minutes import render_minutes
from joinedup.panel.routing import route_on_behalf
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.actor_session import ActorSession

PANEL = "Dunmere MASE (synthetic)"
CHAIR, TEACHER, WORKER = "demo-chair", "demo-teacher", "demo-social-worker"
LICENSING_OFFICER = "demo-licensing"
CONCERN = (
    "Two Year 9 girls were seen getting into a private hire car outside the school gates at "
    "lunchtime on three days this week; the same driver waits on the corner most days. "
    "One of the girls has a new phone she will not explain."
)


def _users_and_panel(s: ActorSession, police: str) -> None:
    by_kind: dict[str, str] = {}
    for agency in s.list(Agency):
        by_kind.setdefault(agency.kind, agency.name)
    add_demo_users(s, "panel", by_kind)
    if not s.list(Panel, where={"name": PANEL}):
        directory.add_panel(s, PANEL, police)
        for member in (CHAIR, WORKER, "demo-analyst"):
            directory.add_panel_member(s, PANEL, member)


def _concern(rt: Runtime, say: Callable[[str], None]) -> None:
    """The school's concern, submitted 30 hours ago and acknowledged by licensing only."""
    with rt.door.session(TEACHER, "safeguarding") as s:
        if s.list(IntelligenceSubmission, where={"created_by": s.actor.user_id}):
            say("   the school's concern was submitted on an earlier run")
            return
        then = utcnow() - timedelta(hours=30)
        submitted = intelligence.submit(s, CONCERN, vrms=["DU51 XYZ"], now=then)
    routed = route_on_behalf(rt.door, s, submitted.saved.id, now=then)
    names = {r.agency_id: r.reason for r in routed.routes}
    say(f"   a teacher's concern about a private hire car is routed to {len(names)} agencies")
    with rt.door.session(LICENSING_OFFICER, "safeguarding") as s:
        for r in intelligence.routes_for_me(s):
            intelligence.acknowledge(s, r.id, "Driver and vehicle checked against the register.")
    say("   licensing acknowledged it within the day; police and social care did not")
    with rt.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        report = intelligence.escalate(s)
    say(f"   30 hours on, the escalation sweep raises {len(report.escalated_route_ids)} routes")


def _meeting(rt: Runtime) -> str:
    with rt.door.session(CHAIR, "panel") as s:
        today = date.today()
        panel = meetings.find_panel(s, PANEL)
        held = meetings.list_meetings(s, panel_id=panel.id)
        same_day = [m for m in held if m.held_on == today]
        if same_day:
            return same_day[0].id
        return meetings.schedule(s, PANEL, today).id


def _hold(rt: Runtime, meeting_id: str, say: Callable[[str], None]) -> None:
    with rt.door.session(CHAIR, "panel") as s:
        meetings.request_agenda(s, meeting_id)
    report = generate_on_behalf(rt.door, s, meeting_id)
    listed = sum(c["listed"] for c in report.sections.values())
    more = sum(c["not_listed"] for c in report.sections.values())
    say(
        f"   agenda generated: {listed} items ({more} more qualified than the sections' "
        f"limits list), {report.cases_opened} safeguarding cases opened for panel members"
    )
    with rt.door.session(CHAIR, "panel") as s:
        items = meetings.agenda(s, meeting_id)
        for item in items[:4]:
            say(f"   {item.position}. {item.title[:110]}")
        meetings.open_meeting(s, meeting_id)
        child = next((i for i in items if i.subject_type == "child"), items[0])
        decided = meetings.decide(
            s,
            meeting_id,
            "Strategy discussion within 2 working days; disruption plan for the adults "
            "and vehicles named in the briefing.",
            item_id=child.id,
        )
        actions.add_action(
            s,
            meeting_id=meeting_id,
            description="Convene the strategy discussion and complete the CSE risk assessment.",
            owner_username=WORKER,
            due_on=date.today() + timedelta(days=2),
            decision_id=decided.saved.id,
        )
        meetings.close_meeting(s, meeting_id)
    say("   the chair records a decision and an action for the social worker, then closes")


def run_panel(rt: Runtime, say: Callable[[str], None], admin: str, police: str) -> None:
    """Run the panel step as ``admin`` first (the demo's users must exist)."""
    with rt.door.session(admin, "administration") as s:
        _users_and_panel(s, police)
    _concern(rt, say)
    meeting_id = _meeting(rt)
    with rt.door.session(CHAIR, "panel") as s:
        status = meetings.minutes(s, meeting_id).meeting.status
    if status == "scheduled":
        _hold(rt, meeting_id, say)
    else:
        say(f"   today's meeting was held on an earlier run ({status})")
    out = rt.settings.home / "demo-minutes.md"
    with rt.door.session(WORKER, "panel") as s:
        write_private(out, render_minutes(s, meeting_id, today=date.today(), leaving=True))
    say(f"   minutes (read by the social worker, a member): {out}")
