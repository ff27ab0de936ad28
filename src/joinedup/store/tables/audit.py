"""The audit chain (append-only, HMAC-linked) and its head pointer."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base


class AuditEventRow(Base):
    """One s.62 log row. UPDATE, DELETE and TRUNCATE are refused by database triggers."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(ID)
    actor_name: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str | None] = mapped_column(ID)
    role: Mapped[str] = mapped_column(String(32))
    operation: Mapped[str] = mapped_column(String(16))
    access: Mapped[str] = mapped_column(String(16))
    object_type: Mapped[str] = mapped_column(String(32))
    object_ids: Mapped[str] = mapped_column(Text)  # JSON array, part of the MAC input
    purpose: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str | None] = mapped_column(String(200))
    # JSON object of metadata (rows scanned, outcome, reason); part of the MAC when not null
    detail: Mapped[str | None] = mapped_column(Text)
    # the person (user id) on whose behalf the service account acted; part of the MAC when set
    on_behalf_of: Mapped[str | None] = mapped_column(ID)
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """Single row (id 1): the last sequence number and MAC; locked to serialise writers."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_mac: Mapped[str] = mapped_column(String(64))
