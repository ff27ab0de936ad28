"""What the notification tests need on the web tests' store: a concern from health routed to
police and social care (and escalated), flags for social care and for police, and panel
actions owned by the social worker (due soon, overdue, escalated, due later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from joinedup.access import directory
from joinedup.app.context import Caller, pipeline
from joinedup.app.intelligence import escalate_overdue, submit_concern
from joinedup.model.panel import Action
from joinedup.model.safeguarding import Flag
from tests.web.conftest import Web

TODAY = date.today()
CONCERN = "Seen getting into a silver car outside the takeaway late at night."
SW = Caller("sw.one", "safeguarding")
AN = Caller("an.one", "analysis")
REF = Caller("ref.one", "safeguarding")
DPO = Caller("dpo.one", "audit")


@dataclass
class World:
    """The ids of what was made."""

    routes: dict[str, str] = field(default_factory=dict)  # recipient agency name -> route id
    flags: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)


def _flag(web: Web, agency: str, status: str = "open") -> str:
    with web.store.door.session("joinedup-service", "safeguarding") as s:
        return s.add(
            Flag(
                agency_id=web.store.agencies[agency],
                owner_agency_id=web.store.agencies[agency],
                rule_id="missing_no_return_interview",
                subject_type="child",
                subject_id=web.persons["aisha"],
                evidence={"summary": "Missing three times", "severity": "high"},
                status=status,  # type: ignore[arg-type]
            )
        ).id


def _actions(web: Web, panel_name: str) -> dict[str, str]:
    with web.store.door.session("admin", "administration") as s:
        panel = directory.add_panel(s, panel_name, "Social care")
        directory.add_panel_member(s, panel_name, "sw.one")
        sw = directory.user_by_name(s, "sw.one")
    due = {
        "soon": (TODAY + timedelta(days=3), "open", 0),
        "overdue": (TODAY - timedelta(days=5), "overdue", 0),
        "escalated": (TODAY - timedelta(days=20), "escalated", 1),
        "later": (TODAY + timedelta(days=40), "open", 0),
        "done": (TODAY - timedelta(days=1), "done", 0),
    }
    made = {}
    with web.store.door.session("joinedup-service", "panel") as s:
        for name, (day, status, level) in due.items():
            made[name] = s.add(
                Action(
                    agency_id=web.store.agencies["Social care"],
                    panel_id=panel.id,
                    description=f"Visit Aisha at home ({name})",
                    owner_user_id=sw.id,
                    owner_agency_id=sw.agency_id,
                    due_on=day,
                    status=status,  # type: ignore[arg-type]
                    escalation_level=level,
                    escalated_at=datetime.now(UTC) if level else None,
                )
            ).id
    return made


def build(web: Web, *, escalate: bool = True, panel: str = "Dunmere MACE") -> World:
    """The world above; ``escalate``: the routes are two days past their deadline; the
    actions are ``panel``'s (a new name each time the world is built again)."""
    world = World()
    sent = submit_concern(REF, CONCERN, urgency="routine")
    assert sent.not_routed is None, sent.not_routed
    world.routes = {r.agency: r.route.id for r in sent.routes}
    if escalate:
        later = datetime.now(UTC) + timedelta(days=2)
        escalate_overdue(pipeline("safeguarding"), later)
    world.flags = {
        "social care": _flag(web, "Social care"),
        "police": _flag(web, "Police"),
        "acknowledged": _flag(web, "Social care", "acknowledged"),
    }
    world.actions = _actions(web, panel)
    return world
