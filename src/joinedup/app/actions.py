"""Use cases: panel actions — record, list (with owners' names), complete, reassign, chase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.app.context import Caller, session
from joinedup.app.results import Saved
from joinedup.assemble.names import person_names
from joinedup.common.errors import InputError
from joinedup.model.panel import Action
from joinedup.model.safeguarding import SafeguardingCase
from joinedup.panel import actions as panel_actions
from joinedup.panel.actions import ChaseReport
from joinedup.store.actor_session import ActorSession, Forbidden

__all__ = [
    "ActionView",
    "ChaseReport",
    "FutureChase",
    "Tracker",
    "add_action",
    "chase_actions",
    "complete_action",
    "list_actions",
    "reassign_action",
    "tracker",
]


@dataclass(frozen=True)
class ActionView:
    """An action with its owner's username."""

    action: Action
    owner: str | None
    child: str | None = None  # the name of the child whose case it concerns, if visible


def add_action(
    who: Caller,
    meeting_id: str,
    description: str,
    owner_username: str,
    due_on: date,
    decision_id: str | None = None,
    case_id: str | None = None,
) -> Saved[Action]:
    """Record an action agreed at a meeting (the owner must sit on the panel)."""
    with session(who) as opened:
        added = panel_actions.add_action(
            opened,
            meeting_id=meeting_id,
            description=description,
            owner_username=owner_username,
            due_on=due_on,
            decision_id=decision_id,
            case_id=case_id,
        )
    return Saved(added.saved, list(added.language))


def list_actions(
    who: Caller,
    *,
    mine: bool = False,
    panel_id: str | None = None,
    meeting_id: str | None = None,
    status: str | None = None,
    open_only: bool = False,
    limit: int = 500,
) -> list[ActionView]:
    """Actions of the caller's panels, earliest due first, with their owners' names."""
    with session(who) as opened:
        rows = panel_actions.list_actions(
            opened,
            panel_id=panel_id,
            meeting_id=meeting_id,
            owner_user_id=opened.actor.user_id if mine else None,
            status=status,
            open_only=open_only,
            limit=limit,
        )
        names = opened.colleagues(r.owner_user_id or "" for r in rows)
        children = _children(opened, {r.case_id for r in rows if r.case_id})
    owner = {i: a.username for i, a in names.items()}
    return [
        ActionView(r, owner.get(r.owner_user_id or ""), children.get(r.case_id or "")) for r in rows
    ]


@dataclass(frozen=True)
class Tracker:
    """The actions tracker: my actions and my panels' actions not done (overdue and
    escalated first), those done lately, and who may own an action on each panel."""

    mine: list[ActionView]
    panels: list[ActionView]
    done: list[ActionView]
    members: dict[str, list[str]]  # panel id -> usernames of its members
    panel_names: dict[str, str]


def _attention(view: ActionView) -> tuple[int, int, date, str]:
    """Escalated first (highest level), then overdue, then by due date."""
    a = view.action
    rank = {"escalated": 0, "overdue": 1}.get(a.status, 2)
    return (rank, -a.escalation_level, a.due_on or date.max, a.id)


def tracker(who: Caller, done_limit: int = 50) -> Tracker:
    """My actions, my panels' actions not done, and the latest done ones (:class:`Forbidden`
    for a role that does not sit on panels: ``panel.write_minutes``)."""
    with session(who) as opened:
        opened.require("panel.write_minutes")
        panels = {p.id: p.name for p in opened.my_panels()}
        members = {i: sorted(m.username for m in opened.panel_members(i)) for i in panels}
        me = opened.actor.user_id
    listed = list_actions(who)
    open_ones = sorted((v for v in listed if v.action.status != "done"), key=_attention)
    done = [v for v in listed if v.action.status == "done"]
    done.sort(key=lambda v: v.action.completed_at or v.action.created_at, reverse=True)
    return Tracker(
        [v for v in open_ones if v.action.owner_user_id == me],
        [v for v in open_ones if v.action.owner_user_id != me],
        done[:done_limit],
        members,
        panels,
    )


def _children(opened: ActorSession, case_ids: set[str]) -> dict[str, str]:
    """The child's name of each case the reader may see, by case id."""
    if not case_ids:
        return {}
    try:
        cases = opened.list(SafeguardingCase, where={"id": case_ids})
    except Forbidden:  # a role that may not read cases sees the action without the child
        return {}
    names = person_names(opened, {c.child_person_id for c in cases})
    return {c.id: names[c.child_person_id] for c in cases if c.child_person_id in names}


def complete_action(who: Caller, action_id: str, note: str) -> Saved[Action]:
    """Complete an action the caller owns (or, as a chair, any on their panels)."""
    with session(who) as opened:
        done = panel_actions.complete(opened, action_id, note)
    return Saved(done.saved, list(done.language))


def reassign_action(
    who: Caller, action_id: str, owner_username: str, due_on: date, reason: str
) -> Saved[Action]:
    """Give an action that is not done to another panel member with a new due date."""
    with session(who) as opened:
        moved = panel_actions.reassign(opened, action_id, owner_username, due_on, reason)
    return Saved(moved.saved, list(moved.language))


class FutureChase(InputError):
    """A chase as of a day after today would escalate real actions permanently."""


def chase_actions(who: Caller, today: date | None = None, *, dry_run: bool = False) -> ChaseReport:
    """Mark late actions overdue and escalate them, as of ``today`` (default: today).

    A day in the future is refused (it would escalate real actions for good) unless this is a
    dry run, which reports what would change and changes nothing, or the demonstration."""
    day = today or date.today()
    if day > date.today() and not dry_run and who.purpose != "demonstration":
        raise FutureChase(
            f"{day} is in the future: chasing as of it would escalate real actions "
            "permanently; preview it with --dry-run"
        )
    with session(who) as opened:
        return panel_actions.chase(opened, day, dry_run=dry_run)
