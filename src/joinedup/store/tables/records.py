"""Import batches and immutable source records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
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
