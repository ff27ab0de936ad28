"""Each user's notification state: read in the app, sent by email. Operational, no case data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, UTCDateTime


class NotificationStateRow(Base):
    """One notification of one user (``key``: its kind and the id of what it is about, such
    as ``intelligence:<route id>``): when the user read it, when an email said it was there."""

    __tablename__ = "notification_state"
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
