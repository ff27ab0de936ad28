"""Use cases: set up the store, and manage agencies, users, grants and panels (names are
resolved in what is listed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joinedup.access import directory
from joinedup.access.bootstrap import InitRefused, InitResult, initialise
from joinedup.app.context import Caller, runtime, session
from joinedup.model.access import Grant, User
from joinedup.model.organisation import Agency
from joinedup.model.panel import Panel, PanelMember
from joinedup.model.policy import policy
from joinedup.model.vocab import vocabulary
from joinedup.store.actor_session import ActorSession
from joinedup.store.engine import redacted

__all__ = [
    "AgencyDirectory",
    "InitRefused",
    "Initialised",
    "PanelDirectory",
    "UserDirectory",
    "add_agency",
    "add_grant",
    "add_panel",
    "add_panel_member",
    "add_user",
    "agency_directory",
    "agency_kinds",
    "decide_grant",
    "grant_purposes",
    "initialise_store",
    "list_agencies",
    "list_grants",
    "list_panel_members",
    "list_panels",
    "list_users",
    "panel_directory",
    "remove_panel_member",
    "revoke_grant",
    "role_names",
    "user_directory",
]


@dataclass(frozen=True)
class Initialised:
    """What ``init`` did, where."""

    result: InitResult
    database: str
    home: str


def initialise_store(
    admin: tuple[str, str | None] | None = None, adopt_reason: str | None = None
) -> Initialised:
    """Create or migrate the database; create keys (dev mode) and the system accounts."""
    rt = runtime(create_keys=True)
    result = initialise(
        rt.engine,
        rt.audit_key,
        rt.settings.home / "checkpoints",
        admin=admin,
        adopt_reason=adopt_reason,
        sink=rt.door.sink,
    )
    rt.cipher  # noqa: B018 - creates the field keyring in dev mode
    return Initialised(result, redacted(rt.settings.database_url), str(rt.settings.home))


def agency_kinds() -> list[str]:
    """The kinds of agency that may be registered."""
    return sorted(vocabulary("agency_kinds").codes)


def grant_purposes() -> list[str]:
    """The purposes a grant may be for."""
    return sorted(vocabulary("purposes").codes)


def role_names() -> list[str]:
    """The roles a person may hold (not the pipeline's service role: only init makes it)."""
    return list(policy().person_roles())


def add_agency(who: Caller, name: str, kind: str) -> Agency:
    """Register an agency."""
    with session(who) as opened:
        return directory.add_agency(opened, name, kind)


def add_user(
    who: Caller,
    username: str,
    agency: str,
    role: str,
    display_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
) -> User:
    """Create a user (password hashed with argon2id; none means CLI-only until set; the
    email address, optional, receives notification emails)."""
    with session(who) as opened:
        return directory.add_user(opened, username, agency, role, display_name, password, email)


def set_user_email(who: Caller, username: str, email: str | None) -> User:
    """Give a user an email address for notification emails (blank: none)."""
    with session(who) as opened:
        return directory.set_email(opened, username, email)


def add_grant(
    who: Caller,
    username: str,
    agency: str,
    purpose: str,
    reason: str,
    until: datetime,
    case_id: str | None = None,
) -> Grant:
    """Request access for a user to another agency's records until a time (live once that
    agency approves it)."""
    with session(who) as opened:
        return directory.add_grant(opened, username, agency, purpose, reason, until, case_id)


def decide_grant(who: Caller, grant_id: str, approve: bool, note: str) -> Grant:
    """Approve or refuse a requested grant to the caller's own agency's records."""
    with session(who) as opened:
        return directory.decide_grant(opened, grant_id, approve, note)


def revoke_grant(who: Caller, grant_id: str) -> Grant:
    """Revoke a grant now."""
    with session(who) as opened:
        return directory.revoke_grant(opened, grant_id)


def add_panel(who: Caller, name: str, agency: str) -> Panel:
    """Create a panel hosted by an agency."""
    with session(who) as opened:
        return directory.add_panel(opened, name, agency)


def add_panel_member(who: Caller, panel_name: str, username: str) -> None:
    """Seat a user on a panel."""
    with session(who) as opened:
        directory.add_panel_member(opened, panel_name, username)


def remove_panel_member(who: Caller, panel_name: str, username: str, reason: str) -> None:
    """Take a user off a panel, with the reason."""
    with session(who) as opened:
        directory.remove_panel_member(opened, panel_name, username, reason)


def list_panel_members(who: Caller) -> dict[str, list[str]]:
    """Panel id -> the usernames of its members, sorted."""
    with session(who) as opened:
        return _panel_members(opened)


def _panel_members(opened: ActorSession) -> dict[str, list[str]]:
    seats = opened.list(PanelMember)
    people = opened.colleagues(s.user_id for s in seats)
    members: dict[str, list[str]] = {}
    for seat in seats:
        if seat.user_id in people:
            members.setdefault(seat.panel_id, []).append(people[seat.user_id].username)
    return {panel: sorted(names) for panel, names in members.items()}


def _agency_names(opened: ActorSession) -> dict[str, str]:
    return {a.id: a.name for a in opened.list(Agency)}


def list_agencies(who: Caller) -> list[dict[str, Any]]:
    """Agencies: id, name, kind."""
    with session(who) as opened:
        return [a.model_dump(mode="json") for a in opened.list(Agency)]


def list_users(who: Caller) -> list[dict[str, Any]]:
    """Users with their agency's name."""
    with session(who) as opened:
        return _users(opened)


def _users(opened: ActorSession) -> list[dict[str, Any]]:
    names = _agency_names(opened)
    return [
        {**u.model_dump(mode="json"), "agency": names.get(u.agency_id or "", u.agency_id)}
        for u in opened.list(User)
    ]


def list_grants(who: Caller) -> list[dict[str, Any]]:
    """Grants with the grantee's username and the agency's name (refused to a role that may
    not read administrative records at all)."""
    with session(who) as opened:
        opened.require_operation("consultation", "admin")
        names = _agency_names(opened)
        rows = opened.list(Grant)
        people = opened.colleagues(
            [u for g in rows for u in (g.user_id, g.decided_by, g.granted_by) if u]
        )

        def name(user_id: str | None) -> str | None:
            return people[user_id].username if user_id in people else user_id

        return [
            {
                **g.model_dump(mode="json"),
                "user": name(g.user_id),
                "decided_by": name(g.decided_by),
                "requested_by": name(g.granted_by),
                "agency": names.get(g.agency_id, g.agency_id),
            }
            for g in rows
        ]


def list_panels(who: Caller) -> list[dict[str, Any]]:
    """Panels with their hosting agency's name."""
    with session(who) as opened:
        return _panels(opened)


def _panels(opened: ActorSession) -> list[dict[str, Any]]:
    names = _agency_names(opened)
    return [
        {**p.model_dump(mode="json"), "agency": names.get(p.agency_id, p.agency_id)}
        for p in opened.list(Panel)
    ]


# -- the administrator's pages: each refused (Forbidden) to a role that may not take the
# -- page's action, so an interface renders what it is given and decides nothing


@dataclass(frozen=True)
class AgencyDirectory:
    """The partner agencies (by name) and the kinds an agency may be registered as."""

    agencies: list[dict[str, Any]]
    kinds: list[str]


def agency_directory(who: Caller) -> AgencyDirectory:
    """The agencies page: :class:`Forbidden` unless ``who`` may register agencies."""
    with session(who) as opened:
        opened.require("agencies.add")
        rows = [a.model_dump(mode="json") for a in opened.list(Agency)]
    return AgencyDirectory(sorted(rows, key=lambda a: a["name"]), agency_kinds())


@dataclass(frozen=True)
class PanelDirectory:
    """The panels (by name, each with its hosting agency and its members' usernames), the
    agencies that may host one and the active users who may be seated."""

    panels: list[dict[str, Any]]
    agencies: list[str]
    users: list[str]


def panel_directory(who: Caller) -> PanelDirectory:
    """The panels page: :class:`Forbidden` unless ``who`` may set up panels."""
    with session(who) as opened:
        opened.require("panels.add")
        members = _panel_members(opened)
        panels = [{**p, "members": members.get(p["id"], [])} for p in _panels(opened)]
        agencies = sorted(a.name for a in opened.list(Agency))
        users = sorted(u["username"] for u in _users(opened) if u["active"])
    return PanelDirectory(sorted(panels, key=lambda p: p["name"]), agencies, users)


@dataclass(frozen=True)
class UserDirectory:
    """Every account (active first, by agency and username), the agencies and the roles."""

    users: list[dict[str, Any]]
    agencies: list[str]
    roles: list[str]


def user_directory(who: Caller) -> UserDirectory:
    """The users page: :class:`Forbidden` unless ``who`` may add accounts."""
    with session(who) as opened:
        opened.require("users.add")
        users = _users(opened)
        agencies = sorted(a.name for a in opened.list(Agency))
    users.sort(key=lambda u: (not u["active"], u["agency"], u["username"]))
    return UserDirectory(users, agencies, role_names())
