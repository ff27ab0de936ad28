"""POLE tables: persons, objects, locations, events, participants and links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import ID, Base, OwnedMixin, UTCDateTime


class PersonRow(Base, OwnedMixin):
    __tablename__ = "person"
    forename: Mapped[str | None] = mapped_column(String(500))
    surname: Mapped[str | None] = mapped_column(String(500))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(4))
    ethnicity: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str | None] = mapped_column(Text)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)


class ObjectRow(Base, OwnedMixin):
    __tablename__ = "pole_object"
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)


class LocationRow(Base, OwnedMixin):
    __tablename__ = "location"
    place_type: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    uprn: Mapped[str | None] = mapped_column(String(12), index=True)


class EventRow(Base, OwnedMixin):
    __tablename__ = "event"
    event_type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location_id: Mapped[str | None] = mapped_column(ID)
    source_record_id: Mapped[str | None] = mapped_column(ID)


class EventParticipantRow(Base, OwnedMixin):
    __tablename__ = "event_participant"
    event_id: Mapped[str] = mapped_column(ID, index=True)
    person_id: Mapped[str] = mapped_column(ID, index=True)
    role: Mapped[str] = mapped_column(String(64))


class LinkRow(Base, OwnedMixin):
    __tablename__ = "link"
    link_type: Mapped[str] = mapped_column(String(32))
    from_type: Mapped[str] = mapped_column(String(16))
    from_id: Mapped[str] = mapped_column(ID, index=True)
    to_type: Mapped[str] = mapped_column(String(16))
    to_id: Mapped[str] = mapped_column(ID, index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source_record_id: Mapped[str | None] = mapped_column(ID)
    basis: Mapped[str] = mapped_column(String(16))
    grading: Mapped[str | None] = mapped_column(String(8))
