"""Use cases of a person's own account, from their session: their sessions and tokens,
ending one, changing their password, and enrolling their second factor at first sign-in.

Every function takes the secret of the session it acts from (the cookie) and acts only on that
session's user: nobody can list or end another person's sessions here (administrators use
:mod:`joinedup.app.accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.access import enrolment, sessions, tokens, totp
from joinedup.access.accounts import change_password
from joinedup.access.identity import (
    Attempt,
    SignInRefused,
    authenticate,
    enrolled,
    password_check,
)
from joinedup.access.passwords import MIN_LENGTH, WeakPasswordError
from joinedup.access.sessions import SessionInfo
from joinedup.access.tokens import TokenInfo
from joinedup.app.runtime import Runtime
from joinedup.app.signin import identity_path
from joinedup.store.identity import IdentityTx, who
from joinedup.store.tables.admin import UserRow

__all__ = [
    "MIN_LENGTH",
    "MyAccount",
    "PasswordRefused",
    "ShownEnrolment",
    "Started",
    "change_my_password",
    "confirm_enrolment",
    "end_my_other_sessions",
    "end_my_session",
    "my_account",
    "pending_enrolment",
    "revoke_my_token",
    "sign_in_or_enrol",
]


class PasswordRefused(WeakPasswordError):
    """A new password was not accepted (wrong current one, a mismatch, or too short)."""


@dataclass(frozen=True)
class MyAccount:
    """What a person sees of their own account (never a session's or token's secret)."""

    username: str
    display_name: str
    current_session: str
    sessions: tuple[SessionInfo, ...]
    tokens: tuple[TokenInfo, ...]


@dataclass(frozen=True)
class Started:
    """A sign-in's outcome: a session secret, and whether it is only for enrolling the
    second factor (then nothing else accepts it)."""

    secret: str
    enrol: bool


ENROLMENT = "enrolment, "  # the origin of an enrolment session starts so


def _holder(
    tx: IdentityTx, raw: str, *, enrolling: bool = False
) -> tuple[UserRow, SessionInfo] | None:
    """The active user of the live session ``raw`` and the session (its idle clock
    restarted): a full session's user is enrolled, an enrolment session's is not."""
    info = sessions.touch(tx, raw)
    user = tx.user_by_id(info.user_id) if info else None
    if info is None or user is None or enrolled(tx, user) == enrolling:
        return None
    return user, info


def _user_of(tx: IdentityTx, raw: str, *, enrolling: bool = False) -> UserRow | None:
    found = _holder(tx, raw, enrolling=enrolling)
    return found[0] if found else None


def sign_in_or_enrol(rt: Runtime, attempt: Attempt, origin: str) -> Started:
    """Sign in for a session; an account without a second factor whose password is right
    gets an enrolment session instead (:func:`pending_enrolment`). Raises
    :class:`SignInRefused` (one message for every failure)."""
    with identity_path(rt).transaction() as tx:
        user = authenticate(tx, rt.cipher, attempt, enrolment=True)
        started = None
        if user is not None:
            enrol = not enrolled(tx, user)
            label = ENROLMENT + origin if enrol else origin
            started = Started(sessions.create(tx, user, label)[0], enrol)
    if started is None:
        raise SignInRefused()
    return started


@dataclass(frozen=True)
class ShownEnrolment:
    """A pending second factor as the enrolment page shows it: the secret as text (grouped
    in fours for typing) and the QR code of its ``otpauth://`` URI."""

    username: str
    secret: str
    uri: str
    qr: str  # an SVG data: URI

    @property
    def secret_grouped(self) -> str:
        """The secret in groups of four characters."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def pending_enrolment(rt: Runtime, raw: str) -> ShownEnrolment | None:
    """The second factor to enrol from an enrolment session (None when ``raw`` is not one)."""
    with identity_path(rt).transaction() as tx:
        user = _user_of(tx, raw, enrolling=True)
        found = enrolment.pending(tx, rt.cipher, user) if user else None
    if found is None:
        return None
    return ShownEnrolment(found.username, found.secret, found.uri, totp.qr_data_uri(found.uri))


def confirm_enrolment(rt: Runtime, raw: str, code: str) -> str | None:
    """Confirm the pending second factor with its first code: the enrolment session ends and
    a full session starts (its secret returned); None when the code is wrong."""
    with identity_path(rt).transaction() as tx:
        found = _holder(tx, raw, enrolling=True)
        if found is None or not enrolment.confirm(tx, rt.cipher, found[0], code):
            return None
        sessions.end(tx, raw, "enrolled")
        return sessions.create(tx, found[0], found[1].origin.removeprefix(ENROLMENT))[0]


def my_account(rt: Runtime, raw: str) -> MyAccount | None:
    """The user's live sessions (newest first) and live tokens, from their session."""
    with identity_path(rt).transaction() as tx:
        found = _holder(tx, raw)
        if found is None:
            return None
        user, here = found
        return MyAccount(
            user.username,
            user.display_name or user.username,
            here.id,
            tuple(sessions.mine(tx, user.id)),
            tuple(tokens.live(tx, user.id)),
        )


def end_my_session(rt: Runtime, raw: str, session_id: str) -> bool:
    """End another of the user's own sessions by its id; False when it is not theirs, not
    live, or the one acting (that one signs out instead)."""
    with identity_path(rt).transaction() as tx:
        if _user_of(tx, raw) is None:
            return False
        return sessions.end_one(tx, raw, session_id)


def end_my_other_sessions(rt: Runtime, raw: str) -> int:
    """End every other session of the user (sign out everywhere else); how many ended."""
    with identity_path(rt).transaction() as tx:
        if _user_of(tx, raw) is None:
            return 0
        return len(sessions.end_others(tx, raw))


def revoke_my_token(rt: Runtime, raw: str, token_id: str) -> bool:
    """Revoke one of the user's own tokens by its id (False when not theirs or not live)."""
    with identity_path(rt).transaction() as tx:
        user = _user_of(tx, raw)
        info = tokens.by_id(tx, token_id)
        if user is None or info is None or info.user_id != user.id:
            return False
        return tokens.revoke_id(tx, token_id, "revoked by its user", who(user))


def change_my_password(
    rt: Runtime, raw: str, current: str, new: str, again: str, address: str = "unknown"
) -> str:
    """Change the user's password (the current one, then the new one twice): every session
    and token of theirs ends, this one included, and a new session starts for the same
    purpose (its secret returned). A wrong current password counts as a sign-in failure
    from ``address`` (the same lockout). Raises :class:`PasswordRefused` saying what to fix."""
    if new != again:
        raise PasswordRefused("Enter the same new password twice")
    if len(new) < MIN_LENGTH:
        raise PasswordRefused(f"Your new password must be at least {MIN_LENGTH} characters")
    if new == current:
        raise PasswordRefused("Your new password must be different from your current one")
    with identity_path(rt).transaction() as tx:
        found = _holder(tx, raw)
        if found is None:
            raise PasswordRefused("Sign in again to change your password")
        user, here = found
        checked = password_check(tx, user, current, address)
        if checked:
            change_password(tx, user, current, new)
            fresh = sessions.create(tx, user, here.origin, here.purpose)[0]
    if checked is None:
        raise PasswordRefused(
            "Changing your password is paused after too many wrong passwords: try again in "
            "15 minutes"
        )
    if not checked:
        raise PasswordRefused("Your current password is not right")
    return fresh
