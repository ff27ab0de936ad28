"""The place directory: what the assembly's places pass finds, kept between runs.

Derived data, written by the pipeline (a full build, then updated from each drop's rows) and
read by a partition's assembly instead of every record naming a place
(:mod:`joinedup.assemble.directory`). Its text (postcodes, addresses, premises names, towns)
is what the source records hold in clear as ``matching_identifier`` (places are matched
across agencies by them, docs/security.md) and is classified the same here; the notes are
never read into it.

- ``place_row``: one per record (latest version of its key) of a file that names places;
- ``place_cite``: one per place that record names (its inputs to the vote, and the place id
  it resolved to, or the postcode waiting to be matched to the one addressed place there);
- ``place_entry``: one per place: postcode, votes per field (count and latest day per
  value) and the records citing it, in the places pass's order;
- ``place_key``: the lookups (a premises name's or an address's key, a postcode with an
  addressed place) -> place ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import Base


class PlaceRowRow(Base):
    """A record of a file naming places, as the places pass reads it (no payload)."""

    __tablename__ = "place_row"
    __table_args__ = (Index("ix_place_row_key", "agency_key", "agency_id", "record_type"),)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    agency_kind: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(64))
    agency_key: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(64))
    loaded: Mapped[str] = mapped_column(String(40))  # its batch's time: the later version wins
    day: Mapped[int] = mapped_column(Integer)  # day number of its own date (0: none)


class PlaceCiteRow(Base):
    """One place a record names: the values it votes with and the place it resolved to."""

    __tablename__ = "place_cite"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the file's place name
    position: Mapped[int] = mapped_column(Integer)  # of ``name`` among its file's places
    place_id: Mapped[str | None] = mapped_column(String(400), index=True)
    # a postcode-only placement waiting to be matched to the one addressed place there
    pending: Mapped[str | None] = mapped_column(String(40), index=True)
    args: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlaceEntryRow(Base):
    """One place: what the places pass decided for it."""

    __tablename__ = "place_entry"
    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    postcode: Mapped[str | None] = mapped_column(String(16))
    votes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> [[value, count, day]]
    records: Mapped[list[Any]] = mapped_column(JSON)  # [[id, agency, kind, type, key]]


class PlaceKeyRow(Base):
    """A lookup: ``name`` or ``address`` key, or ``postcode`` (of an addressed place)."""

    __tablename__ = "place_key"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    place_id: Mapped[str] = mapped_column(String(400), primary_key=True)
