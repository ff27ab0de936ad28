"""Import batches and immutable source records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, OwnedMixin, UTCDateTime


class BatchRow(Base, OwnedMixin):
    __tablename__ = "import_batch"
    source_id: Mapped[str | None] = mapped_column(ID)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    format: Mapped[str | None] = mapped_column(String(64))
    record_type: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SourceRecordRow(Base, OwnedMixin):
    """Append-only: UPDATE and DELETE are refused by database triggers."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("agency_id", "batch_id", "record_type", "agency_key"),)
    batch_id: Mapped[str | None] = mapped_column(ID, index=True)
    source_id: Mapped[str | None] = mapped_column(ID)
    record_type: Mapped[str] = mapped_column(String(64))
    agency_key: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    normalised: Mapped[dict[str, Any]] = mapped_column(JSON)
    row_number: Mapped[int | None] = mapped_column(Integer)


class QuarantineRow(Base, OwnedMixin):
    """Rows that could not be accepted, with file, row, field and reason; never deleted."""

    __tablename__ = "quarantine"
    batch_id: Mapped[str] = mapped_column(ID, index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    row_number: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(String(500))
    raw: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    record_id: Mapped[str | None] = mapped_column(ID)
    resolved_by: Mapped[str | None] = mapped_column(ID)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_note: Mapped[str | None] = mapped_column(Text)
