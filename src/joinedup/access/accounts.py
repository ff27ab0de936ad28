"""Account administration: deactivate, reset a password, reset or enrol a second factor.

Done by an administrator (a role holding the matching ``users.*`` action in roles.yml)
through the identity path; each is one audit row under the purpose ``administration``.
Deactivation, a new password and a reset second factor end every session and revoke every
token of the account at once, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.access import sessions, tokens, totp
from joinedup.access.crypto import FieldCipher
from joinedup.access.directory import generated_password
from joinedup.access.passwords import hash_password, verify_password
from joinedup.model.audit import Access
from joinedup.model.policy import policy
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.identity import AUTHENTICATION, IdentityTx, Who, who
from joinedup.store.tables.admin import UserRow

ADMINISTRATION = "administration"


@dataclass(frozen=True)
class Ended:
    """What an account change ended: session ids and token ids."""

    sessions: tuple[str, ...]
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Enrolment:
    """A new second factor: the secret and its provisioning URI (shown once)."""

    username: str
    secret: str
    uri: str


ACCOUNT_ACTIONS = (
    "users.deactivate",
    "users.reset_password",
    "users.reset_second_factor",
    "users.enrol_second_factor",
)


def administrator(tx: IdentityTx, username: str, action: str | None = None) -> UserRow:
    """The active user ``username`` if their role may take ``action`` (``roles.yml``; None:
    every one of :data:`ACCOUNT_ACTIONS`)."""
    user = tx.user(username)
    if user is None or not user.active:
        raise Forbidden(f"no active user named {username!r}")
    wanted = (action,) if action else ACCOUNT_ACTIONS
    refused = [a for a in wanted if not policy().allows_action(user.role, a)]
    if refused:
        raise Forbidden(f"role {user.role!r} may not administer accounts ({', '.join(refused)})")
    return user


def _target(tx: IdentityTx, username: str) -> UserRow:
    user = tx.user(username)
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def _end_everything(
    tx: IdentityTx, user: UserRow, reason: str, by: Who, purpose: str = ADMINISTRATION
) -> Ended:
    return Ended(
        tuple(sessions.end_all(tx, user.id, reason, by, purpose)),
        tuple(tokens.revoke_all(tx, user.id, reason, by, purpose)),
    )


def _log(
    tx: IdentityTx, by: UserRow, access: Access, target: UserRow, detail: dict[str, str]
) -> None:
    ids = [target.id]
    tx.log(who(by), "alteration", access, "user", ids, purpose=ADMINISTRATION, detail=detail)


def deactivate(tx: IdentityTx, by: UserRow, username: str, reason: str) -> Ended:
    """Deactivate ``username``: no more sign-in; every session and token ends now."""
    if not reason.strip():
        raise ValueError("deactivation needs a reason")
    target = _target(tx, username)
    if target.id == by.id:
        raise ValueError("an administrator cannot deactivate their own account")
    if not target.active:
        raise ValueError(f"{username!r} is already deactivated")
    target.active = False
    tx.orm.flush()
    _log(tx, by, "deactivate", target, {"reason": reason.strip()[:500]})
    return _end_everything(tx, target, "deactivated", who(by))


def _set_password(tx: IdentityTx, user: UserRow, password: str) -> None:
    credential = tx.credential(user.id, create=True)
    assert credential is not None
    credential.password_hash = hash_password(password)
    credential.password_changed_at = tx.now
    user.password_hash = None  # the credential is the one place a password is kept
    tx.orm.flush()


def reset_password(tx: IdentityTx, by: UserRow, username: str) -> tuple[str, Ended]:
    """Give ``username`` a new random password (returned, to be shown once)."""
    target = _target(tx, username)
    password = generated_password()
    _set_password(tx, target, password)
    _log(tx, by, "reset", target, {"what": "password"})
    return password, _end_everything(tx, target, "password changed", who(by))


def change_password(tx: IdentityTx, user: UserRow, current: str, new: str) -> Ended | None:
    """A user changes their own password (None when ``current`` is wrong); every session
    and token of theirs ends."""
    credential = tx.credential(user.id)
    stored = credential.password_hash if credential and credential.password_hash else None
    if not verify_password(stored or user.password_hash or "", current):
        return None
    _set_password(tx, user, new)
    tx.log(who(user), "alteration", "reset", "user", [user.id], detail={"what": "password"})
    return _end_everything(tx, user, "password changed", who(user), AUTHENTICATION)


def reset_second_factor(tx: IdentityTx, by: UserRow, username: str) -> Ended:
    """Remove ``username``'s second factor: they cannot sign in until enrolled again."""
    target = _target(tx, username)
    credential = tx.credential(target.id, create=True)
    assert credential is not None
    credential.totp_secret = None
    credential.totp_last_step = None
    credential.enrolled_at = None
    tx.orm.flush()
    _log(tx, by, "reset", target, {"what": "second factor"})
    return _end_everything(tx, target, "second factor reset", who(by))


def enrol(
    tx: IdentityTx, cipher: FieldCipher, by: UserRow, username: str, secret: str | None = None
) -> Enrolment:
    """Give ``username`` a second factor (a fresh secret unless one is given: the dev
    demonstration's known secret). Refused while one is enrolled: reset it first."""
    target = _target(tx, username)
    if target.is_service:
        raise ValueError("a service account does not sign in and has no second factor")
    credential = tx.credential(target.id, create=True)
    assert credential is not None
    if credential.totp_secret is not None and credential.enrolled_at is not None:
        raise ValueError(
            f"{username!r} already has a second factor: reset it first "
            "(joinedup users reset-second-factor)"
        )
    chosen = secret or totp.new_secret()
    credential.totp_secret = totp.seal(cipher, chosen, target.id)
    credential.totp_last_step = None
    credential.enrolled_at = tx.now
    tx.orm.flush()
    known = secret is not None
    _log(tx, by, "enrol", target, {"what": "second factor", "known_secret": str(known).lower()})
    return Enrolment(target.username, chosen, totp.provisioning_uri(chosen, target.username))
