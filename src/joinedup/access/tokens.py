"""Personal access tokens for scripts and the command line: ``jdp_`` + 256 random bits.

A token is shown once, when made; the store keeps only its SHA-256 (a hash of a high-entropy
secret needs no salt or slow hash). It lives at most 8 hours, can be revoked at any time, and
stops working when its user is deactivated. It acts exactly as its user.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from joinedup.model.base import new_id
from joinedup.store.identity import AUTHENTICATION, IdentityTx, Who, who
from joinedup.store.tables.admin import UserRow
from joinedup.store.tables.identity import AccessTokenRow

PREFIX = "jdp_"
MAX_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class TokenInfo:
    """A token's public facts (never the token)."""

    id: str
    user_id: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(row: AccessTokenRow) -> TokenInfo:
    return TokenInfo(row.id, row.user_id, row.label, row.created_at, row.expires_at, row.revoked_at)


def create(
    tx: IdentityTx, user: UserRow, label: str, lifetime: timedelta = MAX_LIFETIME
) -> tuple[str, TokenInfo]:
    """Make a token for ``user`` (already authenticated); returns (token, its facts)."""
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ValueError(f"a token lives more than 0 and at most {MAX_LIFETIME} (8 hours)")
    token = PREFIX + secrets.token_urlsafe(32)
    row = AccessTokenRow(
        id=new_id(),
        token_hash=hash_token(token),
        user_id=user.id,
        label=label.strip()[:200] or "token",
        created_at=tx.now,
        expires_at=tx.now + lifetime,
    )
    tx.orm.add(row)
    tx.orm.flush()
    detail = {"label": row.label, "expires_at": row.expires_at.isoformat()}
    tx.log(who(user), "collection", "issue", "access_token", [row.id], detail=detail)
    return token, _info(row)


def _row(tx: IdentityTx, token: str) -> AccessTokenRow | None:
    if not token.startswith(PREFIX):
        return None
    return tx.orm.execute(
        select(AccessTokenRow).where(AccessTokenRow.token_hash == hash_token(token.strip()))
    ).scalar_one_or_none()


def resolve(tx: IdentityTx, token: str) -> tuple[UserRow, TokenInfo] | None:
    """The active user a live token acts as, with the token's facts; None when the token is
    unknown, expired, revoked or its user deactivated."""
    row = _row(tx, token)
    if row is None or row.revoked_at is not None or row.expires_at <= tx.now:
        return None
    user = tx.user_by_id(row.user_id)
    if user is None or not user.active:
        return None
    return user, _info(row)


def by_id(tx: IdentityTx, token_id: str) -> TokenInfo | None:
    """A token's facts by its public id."""
    row = tx.orm.get(AccessTokenRow, token_id)
    return _info(row) if row else None


def live(tx: IdentityTx, user_id: str) -> list[TokenInfo]:
    """The user's unexpired, unrevoked tokens, newest first."""
    rows = tx.orm.execute(
        select(AccessTokenRow)
        .where(
            AccessTokenRow.user_id == user_id,
            AccessTokenRow.revoked_at.is_(None),
            AccessTokenRow.expires_at > tx.now,
        )
        .order_by(AccessTokenRow.created_at.desc())
    ).scalars()
    return [_info(r) for r in rows]


def _revoke(
    tx: IdentityTx, rows: list[AccessTokenRow], reason: str, by: Who, purpose: str = AUTHENTICATION
) -> list[str]:
    for row in rows:
        row.revoked_at = tx.now
    ids = [r.id for r in rows]
    if ids:
        tx.orm.flush()
        detail = {"reason": reason}
        tx.log(by, "alteration", "revoke", "access_token", ids, purpose=purpose, detail=detail)
    return ids


def revoke_token(tx: IdentityTx, token: str, reason: str = "revoked by its holder") -> bool:
    """Revoke the token presented (whoever holds a token may revoke it)."""
    row = _row(tx, token)
    if row is None or row.revoked_at is not None:
        return False
    user = tx.user_by_id(row.user_id)
    owner = who(user) if user else Who(row.user_id, "unknown", None, "none")
    return bool(_revoke(tx, [row], reason, owner))


def revoke_id(
    tx: IdentityTx, token_id: str, reason: str, by: Who, purpose: str = AUTHENTICATION
) -> bool:
    """Revoke a token by its public id (its user or an administrator; checked by the caller)."""
    row = tx.orm.get(AccessTokenRow, token_id)
    if row is None or row.revoked_at is not None:
        return False
    return bool(_revoke(tx, [row], reason, by, purpose))


def revoke_all(
    tx: IdentityTx, user_id: str, reason: str, by: Who, purpose: str = AUTHENTICATION
) -> list[str]:
    """Revoke every token of ``user_id`` not yet revoked (deactivation, password change)."""
    rows = tx.orm.execute(
        select(AccessTokenRow).where(
            AccessTokenRow.user_id == user_id, AccessTokenRow.revoked_at.is_(None)
        )
    ).scalars()
    return _revoke(tx, list(rows), reason, by, purpose)
