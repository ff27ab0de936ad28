"""Server-side sessions: an opaque random id for the browser, only its hash in the store.

A session ends at sign-out, after 15 minutes without use (idle), 8 hours after it began
(absolute), when its user is deactivated or changes password, and when its user ends it from
another session. Every end is written to the audit chain with its reason.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from joinedup.model.base import new_id
from joinedup.model.policy import policy
from joinedup.model.vocab import vocabulary
from joinedup.store.actor_session import Forbidden
from joinedup.store.identity import AUTHENTICATION, SYSTEM, IdentityTx, Who, who
from joinedup.store.tables.admin import UserRow
from joinedup.store.tables.identity import UserSessionRow

IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=8)


@dataclass(frozen=True)
class SessionInfo:
    """A live session as its user may see it (never its secret)."""

    id: str
    user_id: str
    purpose: str | None
    origin: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def hash_secret(raw: str) -> str:
    """The stored form of a session id (SHA-256: the id is 256 random bits)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _info(row: UserSessionRow) -> SessionInfo:
    expires = min(row.last_seen_at + IDLE_TIMEOUT, row.created_at + ABSOLUTE_TIMEOUT)
    return SessionInfo(
        row.id, row.user_id, row.purpose, row.origin, row.created_at, row.last_seen_at, expires
    )


def _expiry(row: UserSessionRow, now: datetime) -> str | None:
    if now - row.created_at >= ABSOLUTE_TIMEOUT:
        return "absolute timeout"
    if now - row.last_seen_at >= IDLE_TIMEOUT:
        return "idle timeout"
    return None


def _live(tx: IdentityTx, raw: str) -> UserSessionRow | None:
    return tx.orm.execute(
        select(UserSessionRow).where(
            UserSessionRow.token_hash == hash_secret(raw), UserSessionRow.ended_at.is_(None)
        )
    ).scalar_one_or_none()


def _end(
    tx: IdentityTx, rows: list[UserSessionRow], reason: str, by: Who, purpose: str = AUTHENTICATION
) -> list[str]:
    for row in rows:
        row.ended_at, row.ended_reason = tx.now, reason[:32]
    ids = [r.id for r in rows]
    if ids:
        tx.orm.flush()
        tx.log(
            by, "alteration", "end", "user_session", ids, purpose=purpose, detail={"reason": reason}
        )
    return ids


def create(
    tx: IdentityTx, user: UserRow, origin: str, purpose: str | None = None
) -> tuple[str, SessionInfo]:
    """Start a session for ``user`` (already authenticated); returns (secret id, session)."""
    if purpose is not None:
        _check_purpose(user, purpose)
    raw = secrets.token_urlsafe(32)
    row = UserSessionRow(
        id=new_id(),
        token_hash=hash_secret(raw),
        user_id=user.id,
        purpose=purpose,
        created_at=tx.now,
        last_seen_at=tx.now,
        origin=origin[:200],
    )
    tx.orm.add(row)
    tx.orm.flush()
    tx.log(who(user), "collection", "issue", "user_session", [row.id], detail={"origin": origin})
    return raw, _info(row)


def touch(tx: IdentityTx, raw: str, *, extend: bool = True) -> SessionInfo | None:
    """The live session with secret ``raw``, its idle clock restarted unless ``extend`` is
    False (a background poll: it needs a live session but is not the user's activity); None
    (and the session ended, with the reason logged) when it timed out or its user was
    deactivated."""
    row = _live(tx, raw)
    if row is None:
        return None
    user = tx.user_by_id(row.user_id)
    reason = "deactivated" if user is None or not user.active else _expiry(row, tx.now)
    if reason is not None:
        _end(tx, [row], reason, SYSTEM)
        return None
    if extend:
        row.last_seen_at = tx.now
        tx.orm.flush()
    return _info(row)


def end(tx: IdentityTx, raw: str, reason: str = "signed out") -> bool:
    """End the session with secret ``raw`` (sign-out); False when it was not live."""
    row = _live(tx, raw)
    if row is None:
        return False
    user = tx.user_by_id(row.user_id)
    _end(tx, [row], reason, who(user) if user else SYSTEM)
    return True


def mine(tx: IdentityTx, user_id: str) -> list[SessionInfo]:
    """The user's live sessions, newest first."""
    rows = tx.orm.execute(
        select(UserSessionRow)
        .where(UserSessionRow.user_id == user_id, UserSessionRow.ended_at.is_(None))
        .order_by(UserSessionRow.created_at.desc())
    ).scalars()
    return [_info(r) for r in rows if _expiry(r, tx.now) is None]


def end_others(tx: IdentityTx, raw: str) -> list[str]:
    """From the session ``raw``: end every other live session of the same user."""
    current = _live(tx, raw)
    if current is None:
        return []
    rows = tx.orm.execute(
        select(UserSessionRow).where(
            UserSessionRow.user_id == current.user_id,
            UserSessionRow.ended_at.is_(None),
            UserSessionRow.id != current.id,
        )
    ).scalars()
    user = tx.user_by_id(current.user_id)
    return _end(tx, list(rows), "ended by its user", who(user) if user else SYSTEM)


def end_one(tx: IdentityTx, raw: str, session_id: str) -> bool:
    """From the session ``raw``: end another live session of the same user by its public
    id (False when it is not theirs, not live, or the current one)."""
    current = _live(tx, raw)
    if current is None or session_id == current.id:
        return False
    row = tx.orm.get(UserSessionRow, session_id)
    if row is None or row.user_id != current.user_id or row.ended_at is not None:
        return False
    user = tx.user_by_id(current.user_id)
    return bool(_end(tx, [row], "ended by its user", who(user) if user else SYSTEM))


def end_all(
    tx: IdentityTx, user_id: str, reason: str, by: Who, purpose: str = AUTHENTICATION
) -> list[str]:
    """End every live session of ``user_id`` (deactivation, password change); ``purpose`` is
    the audit row's (``administration`` when an administrator did it)."""
    rows = tx.orm.execute(
        select(UserSessionRow).where(
            UserSessionRow.user_id == user_id, UserSessionRow.ended_at.is_(None)
        )
    ).scalars()
    return _end(tx, list(rows), reason, by, purpose)


def _check_purpose(user: UserRow, purpose: str) -> None:
    vocabulary("purposes").check(purpose)
    if not policy().allows_purpose(user.role, purpose):
        raise Forbidden(f"role {user.role!r} may not act for purpose {purpose!r}")


def choose_purpose(tx: IdentityTx, raw: str, purpose: str) -> SessionInfo | None:
    """Set the purpose the session's requests act for (one the user's role allows)."""
    info = touch(tx, raw)
    row = _live(tx, raw)
    user = tx.user_by_id(info.user_id) if info else None
    if info is None or row is None or user is None:
        return None
    _check_purpose(user, purpose)
    row.purpose = purpose
    tx.orm.flush()
    tx.log(who(user), "alteration", "update", "user_session", [row.id], detail={"purpose": purpose})
    return _info(row)
