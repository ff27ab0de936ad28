"""The worker's job runs: operational metadata, no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import Base, IdMixin, UTCDateTime


class JobRunRow(Base, IdMixin):
    """One run of a scheduled job by a worker: when, how it ended, what it did (counts and
    file names only)."""

    __tablename__ = "job_run"
    job: Mapped[str] = mapped_column(String(64), index=True)
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # running, ok, failed, interrupted
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
