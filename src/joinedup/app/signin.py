"""Use cases of signing in: tokens, sessions, and who a command-line run acts as.

A person proves who they are with username, password and security code; they get a server-side
session (the web) or a personal access token (scripts, the API, the command line in
production). On the command line in dev mode ``JOINEDUP_USER``/``--as`` still name the user
without proof, and every audit row of the command says so (its ``origin``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from joinedup.access import sessions, tokens
from joinedup.access.identity import Attempt, SignInRefused, authenticate
from joinedup.app.runtime import Runtime
from joinedup.common.errors import JoinedupError
from joinedup.settings import SERVICE_ACCOUNT, Settings, from_environment
from joinedup.store.actor_session import Forbidden
from joinedup.store.identity import IdentityPath, who

__all__ = [
    "Attempt",
    "CliIdentity",
    "IssuedToken",
    "NeedsToken",
    "NoActorNamed",
    "SignInRefused",
    "choose_purpose",
    "cli_identity",
    "create_token",
    "end_my_other_sessions",
    "identity_path",
    "my_sessions",
    "revoke_token",
    "revoke_token_by_id",
    "sign_in",
    "sign_out",
    "token_in_environment",
    "touch_session",
]


class NeedsToken(JoinedupError, PermissionError):
    """A person's command in production without a valid ``JOINEDUP_TOKEN``."""


class NoActorNamed(NeedsToken):
    """A command that acts for a person was not told who."""


@dataclass(frozen=True)
class IssuedToken:
    """A new personal access token: shown once, never stored in clear."""

    token: str
    id: str
    username: str
    expires_at: datetime


@dataclass(frozen=True)
class CliIdentity:
    """Who a command acts as, and how that was established (written to the audit trail)."""

    username: str
    authenticated: bool
    via: str  # "token", "JOINEDUP_USER or --as" or "service account"
    token_id: str | None = None

    @property
    def origin(self) -> str:
        """What the audit rows of the command say about it."""
        if self.token_id:
            return f"cli, token {self.token_id}"
        return f"cli, not authenticated ({self.via})"


def identity_path(rt: Runtime) -> IdentityPath:
    """The audited path onto the identity tables of ``rt``'s store."""
    return IdentityPath(rt.engine, rt.audit_key, rt.door.advance)


def create_token(
    rt: Runtime,
    attempt: Attempt,
    label: str = "command line",
    lifetime: timedelta = tokens.MAX_LIFETIME,
) -> IssuedToken:
    """Sign in with username, password and code; a token for that user (at most 8 hours).
    Raises :class:`SignInRefused` (one message for every failure)."""
    with identity_path(rt).transaction() as tx:
        user = authenticate(tx, rt.cipher, attempt)
        issued = None
        if user is not None:
            token, info = tokens.create(tx, user, label, lifetime)
            issued = IssuedToken(token, info.id, user.username, info.expires_at)
    if issued is None:
        raise SignInRefused()
    return issued


def revoke_token(rt: Runtime, token: str) -> bool:
    """Revoke the token presented; False when it was unknown or already revoked."""
    with identity_path(rt).transaction() as tx:
        return tokens.revoke_token(tx, token)


def revoke_token_by_id(rt: Runtime, username: str, token_id: str) -> bool:
    """``username`` revokes a token by id: their own, or anyone's if they administer accounts."""
    from joinedup.model.policy import policy

    with identity_path(rt).transaction() as tx:
        actor = tx.user(username)
        info = tokens.by_id(tx, token_id)
        if actor is None or not actor.active:
            raise Forbidden(f"no active user named {username!r}")
        admin = policy().allows_action(actor.role, "tokens.revoke_any")
        if info is None or (info.user_id != actor.id and not admin):
            return False
        own = info.user_id == actor.id
        reason = "revoked by its user" if own else "revoked by an administrator"
        purpose = "authentication" if own else "administration"
        return tokens.revoke_id(tx, token_id, reason, who(actor), purpose)


def sign_in(
    rt: Runtime, attempt: Attempt, origin: str, purpose: str | None = None
) -> tuple[str, sessions.SessionInfo]:
    """Sign in for a server-side session: (secret session id for the cookie, session)."""
    with identity_path(rt).transaction() as tx:
        user = authenticate(tx, rt.cipher, attempt)
        started = sessions.create(tx, user, origin, purpose) if user is not None else None
    if started is None:
        raise SignInRefused()
    return started


def touch_session(rt: Runtime, raw: str) -> sessions.SessionInfo | None:
    """The live session behind a cookie (its idle clock restarted), or None."""
    with identity_path(rt).transaction() as tx:
        return sessions.touch(tx, raw)


def sign_out(rt: Runtime, raw: str) -> bool:
    """End the session behind a cookie."""
    with identity_path(rt).transaction() as tx:
        return sessions.end(tx, raw)


def choose_purpose(rt: Runtime, raw: str, purpose: str) -> sessions.SessionInfo | None:
    """Set the purpose the session acts for (one its user's role allows; else Forbidden)."""
    with identity_path(rt).transaction() as tx:
        return sessions.choose_purpose(tx, raw, purpose)


def my_sessions(rt: Runtime, raw: str) -> list[sessions.SessionInfo]:
    """The live sessions of the user behind a cookie (empty when it is not live)."""
    with identity_path(rt).transaction() as tx:
        current = sessions.touch(tx, raw)
        return sessions.mine(tx, current.user_id) if current else []


def end_my_other_sessions(rt: Runtime, raw: str) -> list[str]:
    """From the session behind a cookie, end every other session of its user (their ids)."""
    with identity_path(rt).transaction() as tx:
        return sessions.end_others(tx, raw)


def cli_identity(
    settings: Settings, named: str | None, *, service_default: bool = False
) -> CliIdentity:
    """Who a command acts as: the holder of ``JOINEDUP_TOKEN`` when it is set; otherwise
    ``named`` (``--as``) or ``JOINEDUP_USER`` (dev mode only: refused in production, where a
    person needs a token), or the service account for the pipeline's own commands. Only a
    token is checked against the store. Set :attr:`CliIdentity.origin` with
    :func:`joinedup.store.origin.acting_from` so the audit trail says which it was."""
    if settings.token:
        with identity_path(Runtime(settings)).transaction() as tx:
            resolved = tokens.resolve(tx, settings.token)
        if resolved is None:
            raise NeedsToken(
                "JOINEDUP_TOKEN is not a live token (expired, revoked or mistyped): "
                "make a new one with `joinedup token create`"
            )
        user, info = resolved
        if named and named != user.username:
            raise NeedsToken(f"--as {named} but JOINEDUP_TOKEN is {user.username}'s token")
        return CliIdentity(user.username, True, "token", info.id)
    name = named or settings.user or (SERVICE_ACCOUNT if service_default else None)
    if name is None:
        raise NoActorNamed("name the user to act as with --as or JOINEDUP_USER")
    if name == SERVICE_ACCOUNT:
        return CliIdentity(name, False, "service account")
    if not settings.dev_mode:
        raise NeedsToken(
            "in production a person's command needs JOINEDUP_TOKEN: sign in with "
            "`joinedup token create` and export the token it prints"
        )
    return CliIdentity(name, False, "JOINEDUP_USER or --as")


def token_in_environment() -> str | None:
    """The personal access token in ``JOINEDUP_TOKEN``, if any."""
    return from_environment().token
