"""Declarative base, column types and the mixins that carry scope columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on every backend; returns timezone-aware UTC datetimes."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        result: datetime = value.replace(tzinfo=UTC)
        return result


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING)


class IdMixin:
    """Opaque string primary key."""

    id: Mapped[str] = mapped_column(ID, primary_key=True)


class OwnedMixin(IdMixin):
    """Columns of a row held by one agency: the scope predicate's anchor."""

    @declared_attr
    def agency_id(cls) -> Mapped[str]:  # noqa: N805 (declared_attr takes the class)
        return mapped_column(ID, ForeignKey("agency.id"), index=True)

    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseMixin(OwnedMixin):
    """Owned columns plus the case the row belongs to."""

    case_id: Mapped[str | None] = mapped_column(ID, index=True)
