"""Administration through the door: agencies, users, grants and panels."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from joinedup.access.passwords import hash_password
from joinedup.common.errors import InputError
from joinedup.model.access import EMAIL_PATTERN, Grant, User
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.panel import Panel, PanelMember
from joinedup.model.policy import policy
from joinedup.store.actor_session import ActorSession, NotFound


def agency_by_name(session: ActorSession, name: str) -> Agency:
    """The agency called ``name`` (exact match)."""
    found = session.list(Agency, where={"name": name})
    if not found:
        raise NotFound(f"no agency named {name!r}")
    return found[0]


def user_by_name(session: ActorSession, username: str) -> User:
    """The user called ``username``."""
    found = session.list(User, where={"username": username})
    if not found:
        raise NotFound(f"no user named {username!r}")
    return found[0]


def add_agency(session: ActorSession, name: str, kind: str) -> Agency:
    """Register a partner agency."""
    session.require("agencies.add")
    return session.add(Agency(name=name, kind=kind))


def add_user(
    session: ActorSession,
    username: str,
    agency: str,
    role: str,
    display_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
) -> User:
    """Create a user in ``agency`` with ``role``; the password is stored as argon2id; the
    email address (optional) receives notification emails."""
    session.require("users.add")
    policy().role(role)  # unknown roles are refused
    if role == policy().service_role():
        raise InputError(
            f"no person may have the role {role!r}: it is the pipeline's service account's, "
            "which only `joinedup init` creates"
        )
    target = agency_by_name(session, agency)
    user = User(
        username=username,
        display_name=display_name or username,
        agency_id=target.id,
        role=role,
        password_hash=hash_password(password) if password else None,
        created_at=utcnow(),
        email=clean_email(email),
    )
    return session.add(user)


def set_email(session: ActorSession, username: str, email: str | None) -> User:
    """Give ``username`` an email address for notifications (blank: none)."""
    session.require("users.add")
    user = user_by_name(session, username)
    return session.update(User, user.id, email=clean_email(email))


def clean_email(email: str | None) -> str | None:
    """An email address trimmed (blank: none); raises InputError when it is not one."""
    text = (email or "").strip()
    if not text:
        return None
    if len(text) > 254 or not re.fullmatch(EMAIL_PATTERN, text):
        raise InputError(f"{text[:60]!r} is not an email address")
    return text


def add_grant(
    session: ActorSession,
    username: str,
    agency: str,
    purpose: str,
    reason: str,
    expires_at: datetime,
    case_id: str | None = None,
) -> Grant:
    """Request expiring access for ``username`` to ``agency``'s records (or one case of it)
    for ``purpose``; it works only once a person of ``agency`` approves it
    (:func:`decide_grant`)."""
    session.require("grants.add")
    if expires_at <= utcnow():
        raise InputError("a grant must expire in the future")
    user = user_by_name(session, username)
    target = agency_by_name(session, agency)
    if user.agency_id == target.id:
        raise InputError(f"{username} already reaches {agency}'s records: it is their agency")
    if not policy().allows_purpose(user.role, purpose):
        raise InputError(f"{username}'s role {user.role!r} may not act for purpose {purpose!r}")
    grant = Grant(
        user_id=user.id,
        agency_id=target.id,
        case_id=case_id,
        purpose=purpose,
        reason=reason,
        granted_by=session.actor.user_id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    return session.add(grant)


def decide_grant(session: ActorSession, grant_id: str, approve: bool, note: str) -> Grant:
    """Approve or refuse a requested grant to the deciding person's own agency's records
    (the scope predicate lets a person alter only their own agency's grants)."""
    session.require("grants.approve")
    if not note.strip():
        raise InputError("say why the grant is approved or refused")
    grant = session.get(Grant, grant_id)
    if grant.status != "requested":
        raise InputError(f"grant {grant_id} was already {grant.status}")
    if grant.granted_by == session.actor.user_id:
        raise InputError("a grant is approved by someone other than who requested it")
    return session.update(
        Grant,
        grant_id,
        status="approved" if approve else "refused",
        decided_by=session.actor.user_id,
        decided_at=utcnow(),
        decision_note=note.strip()[:500],
    )


def revoke_grant(session: ActorSession, grant_id: str) -> Grant:
    """Revoke a grant now (it stops working at once)."""
    session.require("grants.revoke")
    return session.update(Grant, grant_id, revoked_at=utcnow())


def add_panel(session: ActorSession, name: str, agency: str) -> Panel:
    """Create a standing panel hosted by ``agency``."""
    session.require("panels.add")
    return session.add(Panel(name=name, agency_id=agency_by_name(session, agency).id))


def add_panel_member(session: ActorSession, panel_name: str, username: str) -> PanelMember:
    """Seat ``username`` on the panel ``panel_name``."""
    session.require("panels.add_member")
    panels = session.list(Panel, where={"name": panel_name})
    if not panels:
        raise NotFound(f"no panel named {panel_name!r}")
    user = user_by_name(session, username)
    return session.add(PanelMember(panel_id=panels[0].id, user_id=user.id, added_at=utcnow()))


def remove_panel_member(session: ActorSession, panel_name: str, username: str, reason: str) -> None:
    """Take ``username`` off the panel ``panel_name`` (the erasure is logged with ``reason``)."""
    session.require("panels.remove_member")
    if not reason.strip():
        raise InputError("say why the member leaves the panel")
    panels = session.list(Panel, where={"name": panel_name})
    if not panels:
        raise NotFound(f"no panel named {panel_name!r}")
    user = user_by_name(session, username)
    seats = session.list(PanelMember, where={"panel_id": panels[0].id, "user_id": user.id})
    if not seats:
        raise NotFound(f"{username} does not sit on {panel_name}")
    session.erase(PanelMember, seats[0].id, reason.strip()[:500])


def generated_password() -> str:
    """A random password for a new account (shown once)."""
    return secrets.token_urlsafe(18)
