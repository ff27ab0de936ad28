"""Directory and administration tables: agencies, sources, users, grants, panels, meta."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
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
    email: Mapped[str | None] = mapped_column(String(254))


class GrantRow(Base, IdMixin):
    __tablename__ = "access_grant"
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"))
    case_id: Mapped[str | None] = mapped_column(ID)
    purpose: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)  # encrypted (free text)
    granted_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="requested")
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)  # encrypted (free text)


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
    reason: Mapped[str] = mapped_column(Text)  # encrypted (free text)
    erased_by: Mapped[str] = mapped_column(ID)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AgreementRow(Base, IdMixin):
    """An information-sharing agreement (joinedup.model.sharing), held by its lead agency."""

    __tablename__ = "sharing_agreement"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    extent: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(Text)  # encrypted (free text)


class AgreementPartyRow(Base, IdMixin):
    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "agency_id"),)
    agreement_id: Mapped[str] = mapped_column(ID, ForeignKey("sharing_agreement.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    approved_by: Mapped[str | None] = mapped_column(ID)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AgreementMemberRow(Base, IdMixin):
    __tablename__ = "agreement_member"
    __table_args__ = (UniqueConstraint("agreement_id", "user_id"),)
    agreement_id: Mapped[str] = mapped_column(ID, ForeignKey("sharing_agreement.id"), index=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("app_user.id"), index=True)
    added_by: Mapped[str | None] = mapped_column(ID)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ErasureRequestRow(Base, OwnedMixin):
    """An erasure request and its decision (free text encrypted)."""

    __tablename__ = "erasure_request"
    person_id: Mapped[str] = mapped_column(ID, index=True)
    requester: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
