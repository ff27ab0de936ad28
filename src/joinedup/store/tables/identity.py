"""Identity tables: credentials, server-side sessions, access tokens and sign-in attempts.

These are not door kinds: no actor reads them through the scope predicate. They are written
only through the narrow, audited system path of :mod:`joinedup.store.identity`. Nothing here
can be used as it is by someone who copies the database: session ids and tokens are stored as
SHA-256 hashes, passwords as argon2id hashes, TOTP secrets encrypted with the field keyring.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, IdMixin, UTCDateTime

HASH = String(64)  # hex SHA-256


class CredentialRow(Base):
    """A user's secrets: password hash and (encrypted) TOTP secret; one row per user."""

    __tablename__ = "credential"
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # a field-cipher token bound to credential.totp_secret of this user (never the secret)
    totp_secret: Mapped[str | None] = mapped_column(Text)
    # the last time step whose code was accepted: a code of this step or older is refused
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserSessionRow(Base, IdMixin):
    """A server-side session; ``id`` is public (listing, ending), the secret is only hashed."""

    __tablename__ = "user_session"
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(200))


class AccessTokenRow(Base, IdMixin):
    """A personal access token (``jdp_...``), hashed at rest, expiring, revocable."""

    __tablename__ = "access_token"
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignInAttemptRow(Base, IdMixin):
    """One sign-in attempt, kept to throttle and lock out (per account and per address)."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_username_at", "username", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
    )
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(32))
