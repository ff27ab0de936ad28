"""Tracked panel actions: recorded by the chair, completed by their owner, chased when late.

An action is agreed at a meeting and given to one member of the panel (any agency) with a due
date. It is ``open`` until its owner (or a chair) completes it with a note saying what was
done. :func:`chase` (the pipeline, daily, or a chair) moves actions past their due date to
``overdue`` and, once they are more than ``escalate_after_days`` late, to ``escalated`` with a
level that rises every ``escalate_every_days`` (``panel/data/actions.yml``). Escalation never
goes down: only completion ends it. Every read and write goes through the actor's session, so
scope and the audit log apply; typed text is checked for victim-blaming language on entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, get_args

from joinedup.common.errors import InputError
from joinedup.model.access import Actor
from joinedup.model.base import utcnow
from joinedup.model.panel import Action, ActionStatus, Decision, PanelMeeting
from joinedup.model.policy import policy as access_policy
from joinedup.panel.config import ActionPolicy, action_policy
from joinedup.store.actor_session import ActorSession, Forbidden
from joinedup.store.hooks import Saved

WHERE_DESCRIPTION = "panel action description"
WHERE_COMPLETION = "panel action completion note"
WHERE_REASSIGNMENT = "panel action reassignment reason"

STATUSES: tuple[str, ...] = get_args(ActionStatus)
NOT_DONE = ("open", "overdue", "escalated")
NEEDS_ATTENTION = ("overdue", "escalated")
DESCRIPTION_MAX = 5000
NOTE_MAX = 500  # completion notes and reassignment reasons


@dataclass
class ChaseReport:
    """What one chase changed: ids newly overdue, newly escalated, and escalated further."""

    today: date
    policy_version: str
    checked: int = 0
    overdue: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """How many actions this chase moved."""
        return len(self.overdue) + len(self.escalated) + len(self.raised)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the day, the policy version, counts and the ids moved."""
        return {
            "today": self.today.isoformat(),
            "policy_version": self.policy_version,
            "checked": self.checked,
            "changed": self.changed,
            "counts": {
                "overdue": len(self.overdue),
                "escalated": len(self.escalated),
                "raised": len(self.raised),
            },
            "moved": {
                "overdue": sorted(self.overdue),
                "escalated": sorted(self.escalated),
                "raised": sorted(self.raised),
            },
        }


# -- checks ---------------------------------------------------------------------------------


def _text(value: str | None, what: str, longest: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InputError(f"{what} is required")
    if len(text) > longest:
        raise InputError(f"{what} is {len(text)} characters; at most {longest} are allowed")
    return text


def one_year_after(day: date) -> date:
    """The same day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _panel_name(session: ActorSession, panel_id: str) -> str:
    names = {p.id: p.name for p in session.my_panels()}
    return names.get(panel_id, panel_id)


def _panel_member(session: ActorSession, panel_id: str, username: str) -> Actor:
    """The active colleague ``username``, who must sit on ``panel_id`` (as must the actor)."""
    owner = session.colleague(username)
    members = {m.user_id for m in session.panel_members(panel_id)}
    if session.actor.user_id not in members:
        raise Forbidden(f"you do not sit on panel {_panel_name(session, panel_id)!r}")
    if owner.user_id not in members:
        raise InputError(
            f"{username} does not sit on panel {_panel_name(session, panel_id)!r}; an action's "
            "owner must be a member (an administrator adds them with `joinedup panels add-member`)"
        )
    return owner


# -- recording, completing, reassigning -----------------------------------------------------


def add_action(
    session: ActorSession,
    *,
    meeting_id: str,
    description: str,
    owner_username: str,
    due_on: date,
    decision_id: str | None = None,
    case_id: str | None = None,
) -> Saved[Action]:
    """Record an action agreed at a meeting (panel chairs only).

    The owner must be an active colleague sitting on the meeting's panel; the due date falls
    between the meeting's date and a year after it. The description (1-5000 characters) is
    saved as written and checked for victim-blaming language. ``case_id`` defaults to the
    decision's case, then the meeting's.
    """
    session.require("actions.create")
    text = _text(description, "an action's description", DESCRIPTION_MAX)
    meeting = session.get(PanelMeeting, meeting_id)
    if due_on < meeting.held_on:
        raise InputError(
            f"an action cannot be due before its meeting: the due date {due_on} is before "
            f"the meeting of {meeting.held_on}"
        )
    if due_on > one_year_after(meeting.held_on):
        raise InputError(
            f"the due date {due_on} is more than a year after the meeting of {meeting.held_on}"
        )
    decision = None
    if decision_id is not None:
        decision = session.get(Decision, decision_id)
        if decision.meeting_id != meeting.id:
            raise InputError(f"decision {decision_id} was not made at meeting {meeting.id}")
    owner = _panel_member(session, meeting.panel_id, owner_username)
    action = session.add(
        Action(
            agency_id=meeting.agency_id,
            case_id=case_id or (decision.case_id if decision else None) or meeting.case_id,
            panel_id=meeting.panel_id,
            meeting_id=meeting.id,
            decision_id=decision_id,
            description=text,
            owner_user_id=owner.user_id,
            owner_agency_id=owner.agency_id,
            due_on=due_on,
        )
    )
    found = session.entered(
        text, where=WHERE_DESCRIPTION, subject_type="action", subject_id=action.id
    )
    return Saved(action, found)


def complete(
    session: ActorSession, action_id: str, note: str, *, now: datetime | None = None
) -> Saved[Action]:
    """Mark an action done with a note of what was done (its owner or a panel chair).

    The note (1-500 characters) is kept with the action and checked for victim-blaming
    language; the escalation level reached stays on record.
    """
    text = _text(note, "a completion note (what was done)", NOTE_MAX)
    action = session.get(Action, action_id)
    session.require("actions.complete")
    if session.actor.user_id != action.owner_user_id and not session.may("actions.complete_any"):
        raise Forbidden(
            f"only the owner of action {action_id} or a role that may actions.complete_any "
            f"({', '.join(access_policy().roles_allowed('actions.complete_any'))}) may complete it"
        )
    if action.status == "done":
        raise InputError(f"action {action_id} is already done")
    done = session.update(
        Action,
        action_id,
        status="done",
        completed_at=now or utcnow(),
        completion_note=text,
    )
    found = session.entered(
        text, where=WHERE_COMPLETION, subject_type="action", subject_id=action_id
    )
    return Saved(done, found)


def reassign(
    session: ActorSession,
    action_id: str,
    owner_username: str,
    due_on: date,
    reason: str,
    *,
    today: date | None = None,
) -> Saved[Action]:
    """Give an action that is not done to another panel member with a new due date (chairs).

    The due date is between ``today`` and a year after it. The reason (1-500 characters) is
    appended to the description as ``[reassigned on DATE from OLD to NEW: reason]`` and
    checked for victim-blaming language. An overdue action is open again; an escalated one
    keeps its status and level until it is done.
    """
    session.require("actions.reassign")
    text = _text(reason, "a reason for reassigning", NOTE_MAX)
    day = today or date.today()
    if due_on < day:
        raise InputError(f"the new due date {due_on} is in the past")
    if due_on > one_year_after(day):
        raise InputError(f"the new due date {due_on} is more than a year away")
    action = session.get(Action, action_id)
    if action.status == "done":
        raise InputError(f"action {action_id} is done; record a new action instead")
    if action.panel_id is None:
        raise InputError(f"action {action_id} belongs to no panel")
    if action.meeting_id is not None:
        held_on = session.get(PanelMeeting, action.meeting_id).held_on
        if due_on < held_on:
            raise InputError(
                f"an action cannot be due before its meeting: the new due date {due_on} is "
                f"before the meeting of {held_on}"
            )
    owner = _panel_member(session, action.panel_id, owner_username)
    before = session.colleagues([action.owner_user_id or ""])
    old = before[action.owner_user_id].username if action.owner_user_id in before else "nobody"
    history = f"\n[reassigned on {day.isoformat()} from {old} to {owner.username}: {text}]"
    if len(action.description) + len(history) > DESCRIPTION_MAX:
        raise InputError(
            f"action {action_id}'s description and reassignment history would pass "
            f"{DESCRIPTION_MAX} characters; shorten the reason or record a new action"
        )
    moved = session.update(
        Action,
        action_id,
        owner_user_id=owner.user_id,
        owner_agency_id=owner.agency_id,
        due_on=due_on,
        description=action.description + history,
        status="open" if action.status == "overdue" else action.status,
    )
    found = session.entered(
        text, where=WHERE_REASSIGNMENT, subject_type="action", subject_id=action_id
    )
    return Saved(moved, found)


# -- chasing ----------------------------------------------------------------------------------


def escalation_level(days_past_due: int, rules: ActionPolicy) -> int:
    """The level an action this many days past due has reached (0: not escalated)."""
    if days_past_due <= rules.escalate_after_days:
        return 0
    steps = (days_past_due - rules.escalate_after_days) // rules.escalate_every_days
    return min(rules.max_escalation_level, 1 + steps)


def chase(
    session: ActorSession,
    today: date,
    *,
    policy: ActionPolicy | None = None,
    dry_run: bool = False,
) -> ChaseReport:
    """Move actions not done past their due date to overdue, then escalate them (pipeline or
    chair; a chair chases the actions they may alter).

    Overdue the day after the due date; escalated (level 1) once more than
    ``escalate_after_days`` past it, one level more every ``escalate_every_days``, up to
    ``max_escalation_level``. Levels never go down; done actions are untouched; running again
    on the same day changes nothing. ``dry_run`` reports what would change and changes
    nothing.
    """
    session.require("actions.chase")
    rules = policy or action_policy()
    report = ChaseReport(today=today, policy_version=rules.version)
    rows: list[tuple[Any, ...]] = []
    for status in NOT_DONE:
        columns = ["status", "due_on", "escalation_level", "escalated_at"]
        for chunk in session.scan(Action, columns, where={"status": status}):
            rows.extend(chunk)
    report.checked = len(rows)
    for action_id, status, due_on, level, escalated_at in rows:
        if due_on is None or due_on >= today:
            continue
        reached = max(level, escalation_level((today - due_on).days, rules))
        if reached > 0 and (status != "escalated" or reached > level):
            if not dry_run:
                session.update(
                    Action,
                    action_id,
                    status="escalated",
                    escalation_level=reached,
                    escalated_at=escalated_at or utcnow(),
                )
            (report.raised if status == "escalated" else report.escalated).append(action_id)
        elif status == "open":
            if not dry_run:
                session.update(Action, action_id, status="overdue")
            report.overdue.append(action_id)
    return report


# -- reading ----------------------------------------------------------------------------------


def _due_order(action: Action) -> tuple[bool, date, str]:
    return (action.due_on is None, action.due_on or date.max, action.id)


def _listed(
    session: ActorSession, where: dict[str, str], statuses: tuple[str | None, ...]
) -> list[Action]:
    found: list[Action] = []
    for status in statuses:
        found.extend(
            session.list(Action, where={**where, **({"status": status} if status else {})})
        )
    return sorted(found, key=_due_order)


def list_actions(
    session: ActorSession,
    *,
    panel_id: str | None = None,
    meeting_id: str | None = None,
    owner_user_id: str | None = None,
    status: str | None = None,
    open_only: bool = False,
    limit: int = 500,
) -> list[Action]:
    """Actions in scope by due date (earliest first; undated last), at most ``limit``.

    ``open_only`` keeps actions not done (open, overdue, escalated); with ``status`` too it
    narrows to that status (none when it is ``done``).
    """
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown action status {status!r}; one of {', '.join(STATUSES)}")
    if limit < 1:
        raise InputError("limit must be at least 1")
    statuses: tuple[str | None, ...] = (status,) if status else (None,)
    if open_only:
        statuses = tuple(s for s in (statuses if status else NOT_DONE) if s in NOT_DONE)
    where = {
        name: value
        for name, value in (
            ("panel_id", panel_id),
            ("meeting_id", meeting_id),
            ("owner_user_id", owner_user_id),
        )
        if value is not None
    }
    return _listed(session, where, statuses)[:limit]


def actions_needing_attention(session: ActorSession, panel_id: str) -> list[Action]:
    """A panel's overdue and escalated actions for its agenda: most escalated first, then by
    due date."""
    found = _listed(session, {"panel_id": panel_id}, NEEDS_ATTENTION)
    return sorted(found, key=lambda a: (-a.escalation_level, *_due_order(a)))
