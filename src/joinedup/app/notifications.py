"""Use cases: the signed-in user's notifications (issue 17) — what is waiting for them, each
with a plain sentence and a link to the page that deals with it, read or not.

A notification is not stored: it is what is pending now (intelligence routed to the user's
agency and not acknowledged, those routes escalated, flags raised for the agency and not
acknowledged, the user's own panel actions due soon, overdue or escalated), read through the
door with a few indexed column scans (no text is decrypted). Only each user's state is
stored, by key (``intelligence:<route id>``...): when they read it and when an email told them
of it (:mod:`joinedup.store.notices`). The kinds, sentences and links are data
(``app/data/notifications.yml``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from joinedup.app.context import Caller, runtime, session
from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError
from joinedup.model.access import Actor
from joinedup.model.organisation import Agency
from joinedup.model.panel import Action
from joinedup.model.policy import policy
from joinedup.model.safeguarding import Flag, IntelligenceRoute
from joinedup.store import notices
from joinedup.store.actor_session import ActorSession

__all__ = [
    "Notification",
    "mark_read",
    "my_notifications",
    "notification_settings",
    "pending_for",
    "unread_count",
]


class NotificationsError(JoinedupError, ValueError):
    """The notifications document is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(_Strict):
    """One kind of notification: who is told (the action to deal with it), what, where."""

    action: str = Field(min_length=1)
    sentence: str = Field(min_length=1, max_length=300)
    link: str = Field(pattern=r"^/")


class Email(_Strict):
    """The notification email: a subject and a body with a ``{link}`` and nothing else."""

    subject: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1)


class Settings(_Strict):
    """The whole notifications document."""

    version: int
    due_soon_days: int = Field(ge=0, le=60)
    kinds: dict[str, Kind]
    email: Email


@cache
def notification_settings() -> Settings:
    """The packaged notifications document, validated."""
    text, name = read_text(packaged("joinedup.app", "notifications.yml"))
    return parse_document(
        Settings, text, where=name, what="notifications", error=NotificationsError, versions=(1,)
    )


@dataclass(frozen=True)
class Notification:
    """Something waiting for the user: a sentence, a link, when it arose, read or not."""

    key: str
    kind: str
    sentence: str
    link: str
    at: datetime
    read: bool = False


@dataclass
class Pending:
    """What is pending across the store, grouped by whom it concerns (agency or user)."""

    routes: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    flags: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    actions: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    agencies: dict[str, str] = field(default_factory=dict)


_ROUTE = [
    "agency_id",
    "from_agency_id",
    "urgency",
    "created_at",
    "escalation_level",
    "escalated_at",
]
_FLAG = ["agency_id", "owner_agency_id", "rule_id", "created_at"]
_ACTION = ["owner_user_id", "due_on", "status", "escalation_level", "escalated_at"]
_OPEN_ACTION = ["open", "overdue", "escalated"]


def told(role: str) -> set[str]:
    """The kinds of notification a role is told about (those it may deal with)."""
    rules = notification_settings()
    return {k for k, v in rules.kinds.items() if policy().allows_action(role, v.action)}


def gather(
    s: ActorSession,
    kinds: set[str],
    *,
    agency_id: str | None = None,
    user_id: str | None = None,
    counting: bool = False,
) -> Pending:
    """Scan what is pending of ``kinds`` (for one agency and user; None: for all, as the
    service account does for the emails). ``counting``: for a number alone (the header's
    count): the scans are not audited and the senders' agency names are not read."""
    out = Pending()
    logged = not counting
    mine = {"agency_id": agency_id} if agency_id else {}
    if kinds & {"intelligence", "escalation"}:
        unread = {**mine, "acknowledged_at": None}
        for chunk in s.scan(IntelligenceRoute, _ROUTE, where=unread, logged=logged):
            for row in chunk:
                out.routes[row[1]].append(row)
    if "flag" in kinds:
        for chunk in s.scan(Flag, _FLAG, where={**mine, "status": "open"}, logged=logged):
            for row in chunk:
                out.flags[row[2] or row[1]].append(row)
    if kinds & {"action_due", "action_overdue", "action_escalated"}:
        owner = {"owner_user_id": user_id} if user_id else {}
        where = {**owner, "status": _OPEN_ACTION}
        for chunk in s.scan(Action, _ACTION, where=where, logged=logged):
            for row in chunk:
                if row[1] and row[2]:
                    out.actions[row[1]].append(row)
    if out.routes and not counting:
        out.agencies = {a.id: a.name for a in s.list(Agency)}
    return out


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def pending_for(who: Actor, found: Pending, today: date) -> list[Notification]:
    """The notifications of ``who`` among ``found`` (unread), newest first; a kind is told
    only to roles that may deal with it."""
    rules = notification_settings()
    allowed = told(who.role)
    out: list[Notification] = []

    def add(kind: str, key: str, at: datetime, **values: Any) -> None:
        if kind in allowed:
            spec = rules.kinds[kind]
            text = spec.sentence.format(**values)
            out.append(Notification(key, kind, text, spec.link.format(**values), at))

    for rid, _, source, urgency, created, level, escalated in found.routes.get(who.agency_id, []):
        sender = found.agencies.get(source, "another agency")
        add(
            "intelligence",
            f"intelligence:{rid}",
            created,
            id=rid,
            urgency=urgency,
            from_agency=sender,
        )
        if level >= 1:
            add(
                "escalation",
                f"escalation:{rid}:{level}",
                escalated or created,
                id=rid,
                level=level,
                from_agency=sender,
            )
    for fid, _, _, rule, created in found.flags.get(who.agency_id, []):
        add("flag", f"flag:{fid}", created, id=fid, rule=rule.replace("_", " "))
    soon = today + timedelta(days=rules.due_soon_days)
    for aid, _, due, status, level, escalated in found.actions.get(who.user_id, []):
        if status == "escalated" or level >= 1:
            add(
                "action_escalated",
                f"action_escalated:{aid}:{level}",
                escalated or _moment(due),
                due_on=due,
                level=level,
            )
        elif due < today or status == "overdue":
            add("action_overdue", f"action_overdue:{aid}", _moment(due), due_on=due)
        elif due <= soon:
            add("action_due", f"action_due:{aid}", _moment(today), due_on=due)
    return sorted(out, key=lambda n: (n.at, n.key), reverse=True)


def _mine(
    who: Caller, today: date | None, *, counting: bool = False
) -> tuple[Actor, list[Notification]]:
    with session(who) as opened:
        actor = opened.actor
        kinds = told(actor.role)
        found = gather(
            opened, kinds, agency_id=actor.agency_id, user_id=actor.user_id, counting=counting
        )
    return actor, pending_for(actor, found, today or date.today())


def my_notifications(who: Caller, today: date | None = None) -> list[Notification]:
    """The caller's notifications, newest first, each marked read or unread."""
    actor, found = _mine(who, today)
    state = notices.states(runtime().engine, actor.user_id)
    return [replace(n, read=bool((s := state.get(n.key)) and s.read_at)) for n in found]


def unread_count(who: Caller, today: date | None = None) -> int:
    """How many of the caller's notifications are unread (the header's number, polled by
    every open page). Not audited: a count of one's own notifications discloses no personal
    data, and the s.62 log is for access to personal records (docs/security.md); the
    notifications page itself is audited."""
    actor, found = _mine(who, today, counting=True)
    state = notices.states(runtime().engine, actor.user_id)
    return sum(not ((s := state.get(n.key)) and s.read_at) for n in found)


def mark_read(who: Caller, keys: Iterable[str] | None = None, today: date | None = None) -> int:
    """Mark the caller's notifications read (``keys``: those of them; None: all of them).
    Keys that are not the caller's pending notifications are ignored; the stored state of
    notifications no longer pending is dropped."""
    actor, found = _mine(who, today)
    live = {n.key for n in found}
    chosen = live if keys is None else live & set(keys)
    engine = runtime().engine
    notices.forget_except(engine, actor.user_id, live)  # what was dealt with since
    return notices.mark_read(engine, actor.user_id, chosen)
