"""Who is behind a web session cookie or an API token, for the web layer.

One identity transaction per request: the session is touched (its idle clock restarted, except
by a background poll, or it is ended when it timed out) and its user read, so a page can show
who is signed in, for which purpose, and which purposes their role allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.access import sessions, tokens
from joinedup.access.identity import enrolled
from joinedup.app.runtime import Runtime
from joinedup.app.signin import identity_path
from joinedup.model.policy import policy
from joinedup.store.identity import IdentityTx

__all__ = ["SignedIn", "session_holder", "token_holder"]


@dataclass(frozen=True)
class SignedIn:
    """The person behind a live session or token."""

    username: str
    display_name: str
    role: str
    agency_id: str
    purposes: tuple[str, ...]
    purpose: str | None
    via: str  # "session <id>" or "token <id>": the audit origin's tail

    @property
    def origin(self) -> str:
        """What every audit row written for this request says about it."""
        return f"web, {self.via}"


def _signed_in(tx: IdentityTx, user_id: str, purpose: str | None, via: str) -> SignedIn | None:
    user = tx.user_by_id(user_id)
    if user is None or not user.active:
        return None
    role = policy().roles.get(user.role)
    purposes = role.purposes if role else ()
    return SignedIn(
        user.username, user.display_name, user.role, user.agency_id, purposes, purpose, via
    )


def session_holder(rt: Runtime, raw: str, *, extend: bool = True) -> SignedIn | None:
    """The user of the live session behind a cookie (its idle clock restarted unless
    ``extend`` is False: a background poll), or None when the session is unknown, ended or
    timed out (then it is ended, the reason logged), or its user has no confirmed second
    factor (an enrolment session)."""
    with identity_path(rt).transaction() as tx:
        info = sessions.touch(tx, raw, extend=extend)
        user = tx.user_by_id(info.user_id) if info else None
        if info is None or user is None or not enrolled(tx, user):
            return None  # an enrolment session enrols, and does nothing else
        return _signed_in(tx, info.user_id, info.purpose, f"session {info.id}")


def token_holder(rt: Runtime, token: str, purpose: str | None = None) -> SignedIn | None:
    """The user of a live personal access token acting for ``purpose`` (default: the first
    purpose their role allows), or None when the token is not live or the purpose not
    allowed."""
    with identity_path(rt).transaction() as tx:
        resolved = tokens.resolve(tx, token)
        if resolved is None:
            return None
        user, info = resolved
        found = _signed_in(tx, user.id, purpose, f"token {info.id}")
    if found is None:
        return None
    chosen = purpose or (found.purposes[0] if found.purposes else None)
    if chosen not in found.purposes:
        return None
    return SignedIn(
        found.username,
        found.display_name,
        found.role,
        found.agency_id,
        found.purposes,
        chosen,
        found.via,
    )
