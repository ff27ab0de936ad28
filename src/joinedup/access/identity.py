"""Sign-in: username, password and security code, with throttling and lockout.

Every failure gets the same message (:data:`REFUSAL`), whatever went wrong: an unknown user, a
wrong password or code, a deactivated or locked account. An account is locked after 5
failures within 15 minutes (since its last success), an address after 20; unknown usernames
are counted and locked the same way, so a lockout says nothing about whether a name exists.
An unknown user costs the same work as a known one (a dummy argon2id hash and TOTP secret are
checked). Every attempt is recorded (``sign_in_attempt``) and written to the audit chain;
reaching a lockout is an audit row of its own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import func, select

from joinedup.access import totp
from joinedup.access.crypto import DecryptionError, FieldCipher
from joinedup.access.passwords import hash_password, verify_password
from joinedup.common.errors import JoinedupError
from joinedup.model.base import new_id
from joinedup.store.identity import NOBODY, IdentityTx, who
from joinedup.store.tables.admin import UserRow
from joinedup.store.tables.identity import CredentialRow, SignInAttemptRow

REFUSAL = (
    "Sign-in refused: the username, password or security code is not right, or sign-in is "
    "paused after too many failures. Try again in 15 minutes or ask an administrator."
)
WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


class SignInRefused(JoinedupError, PermissionError):
    """Sign-in failed; the message never says why."""

    def __init__(self) -> None:
        super().__init__(REFUSAL)


@dataclass(frozen=True)
class Attempt:
    """What a person typed, and where from."""

    username: str
    password: str
    code: str
    address: str


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(24))


@cache
def _dummy_secret() -> str:
    return totp.new_secret()


def _failures(tx: IdentityTx, column: str, value: str) -> int:
    """Failures for this username or address within the window, since its last success."""
    col = getattr(SignInAttemptRow, column)
    since = tx.now - WINDOW
    last_ok = tx.orm.execute(
        select(func.max(SignInAttemptRow.at)).where(col == value, SignInAttemptRow.ok.is_(True))
    ).scalar_one_or_none()
    if column == "username" and last_ok is not None and last_ok > since:
        since = last_ok
    return int(
        tx.orm.execute(
            select(func.count()).where(
                col == value, SignInAttemptRow.ok.is_(False), SignInAttemptRow.at > since
            )
        ).scalar_one()
    )


def _secret(cipher: FieldCipher, credential: CredentialRow | None) -> str | None:
    """The confirmed TOTP secret (a pending enrolment's secret does not sign in)."""
    if credential is None or credential.totp_secret is None or credential.enrolled_at is None:
        return None
    try:
        return totp.unseal(cipher, credential.totp_secret, credential.user_id)
    except DecryptionError:
        return None


def password_hash_of(user: UserRow, credential: CredentialRow | None) -> str | None:
    """The hash sign-in checks: the credential's, else one set with ``users add``."""
    if credential is not None and credential.password_hash:
        return credential.password_hash
    return user.password_hash


def _checks(tx: IdentityTx, cipher: FieldCipher, attempt: Attempt, user: UserRow | None) -> str:
    """The reason for refusal ('' when every check passed); all checks always run."""
    credential = tx.credential(user.id) if user else None
    stored = password_hash_of(user, credential) if user else None
    password_ok = verify_password(stored or _dummy_hash(), attempt.password)
    secret = _secret(cipher, credential)
    last = credential.totp_last_step if credential else None
    step = totp.accepted_step(secret or _dummy_secret(), attempt.code, tx.now, last)
    if user is None:
        return "unknown user"
    if not user.active:
        return "deactivated"
    if user.is_service:
        return "service account"
    if not stored or not password_ok:
        return "wrong password"
    if secret is None:
        return "not enrolled"
    if step is None:
        return "wrong code"
    assert credential is not None
    credential.totp_last_step = step
    return ""


def enrolled(tx: IdentityTx, user: UserRow) -> bool:
    """Whether ``user`` has a confirmed second factor (a pending enrolment is not one)."""
    credential = tx.credential(user.id)
    return bool(credential and credential.totp_secret and credential.enrolled_at)


def storable(text: str) -> str:
    """``text`` with NUL characters replaced (U+FFFD): every store can keep it, and a name
    typed with one never matches a user."""
    return text.replace("\x00", "\ufffd")


def password_check(tx: IdentityTx, user: UserRow, password: str, address: str) -> bool | None:
    """A signed-in person's password checked again (to change it): True when right; False
    when wrong, counted as a sign-in failure (the same lockout); None when sign-in is paused
    for the account or the address (nothing is checked)."""
    name, where = user.username.lower()[:64], storable(address.strip()[:64]) or "unknown"
    if _failures(tx, "username", name) >= ACCOUNT_LIMIT:
        return None
    if _failures(tx, "address", where) >= ADDRESS_LIMIT:
        return None
    credential = tx.credential(user.id)
    if verify_password(password_hash_of(user, credential) or _dummy_hash(), password):
        return True
    attempt = SignInAttemptRow(
        id=new_id(), username=name, address=where, at=tx.now, ok=False, reason="wrong password"
    )
    tx.orm.add(attempt)
    tx.orm.flush()
    detail = {"outcome": "refused", "reason": "wrong current password", "address": where}
    tx.log(who(user), "consultation", "sign_in", "user", [user.id], detail=detail)
    return False


def authenticate(
    tx: IdentityTx, cipher: FieldCipher, attempt: Attempt, *, enrolment: bool = False
) -> UserRow | None:
    """Check an attempt inside ``tx``: the user when it succeeds, None when refused. The
    caller commits ``tx`` either way (the failure must be recorded) and then raises
    :class:`SignInRefused` on None.

    ``enrolment``: an account without a second factor whose password is right also succeeds
    (recorded as ``enrolment``): the caller must then send it to enrol (check
    :func:`enrolled`), never start a full session."""
    name = storable(attempt.username.strip().lower()[:64])
    address = storable(attempt.address.strip()[:64]) or "unknown"
    locked = (
        _failures(tx, "username", name) >= ACCOUNT_LIMIT
        or _failures(tx, "address", address) >= ADDRESS_LIMIT
    )
    user = tx.user(name)
    reason = _checks(tx, cipher, attempt, user)
    if locked:
        reason = "locked"
    enrolling = enrolment and reason == "not enrolled"
    if enrolling:
        reason = ""
    tx.orm.add(
        SignInAttemptRow(
            id=new_id(),
            username=name,
            address=address,
            at=tx.now,
            ok=not reason,
            reason=reason or ("enrolment" if enrolling else "ok"),
        )
    )
    tx.orm.flush()
    ids = [user.id] if user else []
    if not reason:
        assert user is not None
        detail = {"address": address} | ({"enrolment": "started"} if enrolling else {})
        tx.log(who(user), "consultation", "sign_in", "user", ids, detail=detail)
        return user
    detail = {"outcome": "refused", "reason": reason, "username": name, "address": address}
    tx.log(NOBODY, "consultation", "sign_in", "user", ids, detail=detail)
    if _failures(tx, "username", name) == ACCOUNT_LIMIT and reason != "locked":
        tx.log(
            NOBODY,
            "alteration",
            "lockout",
            "user",
            ids,
            detail={"username": name, "failures": ACCOUNT_LIMIT},
        )
    if _failures(tx, "address", address) == ADDRESS_LIMIT and reason != "locked":
        tx.log(
            NOBODY,
            "alteration",
            "lockout",
            "address",
            [],
            detail={"address": address, "failures": ADDRESS_LIMIT},
        )
    return None
