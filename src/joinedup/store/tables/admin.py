"""Directory and administration tables: agencies, sources, users, grants, panels, meta."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, IdMixin, OwnedMixin, UTCDateTime


class Meta(Base):
    """Key/value facts about this database (e.g. its random ``database_id``)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class AgencyRow(Base, IdMixin):
    __tablename__ = "agency"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))


class SourceRow(Base, OwnedMixin):
    __tablename__ = "source"
    name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(64))


class UserRow(Base, IdMixin):
    __tablename__ = "app_user"
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(500))
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_service: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GrantRow(Base, IdMixin):
    __tablename__ = "access_grant"
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"))
    case_id: Mapped[str | None] = mapped_column(ID)
    purpose: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(500))
    granted_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PanelRow(Base, OwnedMixin):
    __tablename__ = "panel"
    name: Mapped[str] = mapped_column(String(500))


class PanelMemberRow(Base, IdMixin):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)
    panel_id: Mapped[str] = mapped_column(ID, ForeignKey("panel.id"), index=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ErasureRow(Base, IdMixin):
    """An erased object: hidden from every query by the scope predicate."""

    __tablename__ = "erasure"
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(ID, index=True)
    reason: Mapped[str] = mapped_column(String(500))
    erased_by: Mapped[str] = mapped_column(ID)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())
