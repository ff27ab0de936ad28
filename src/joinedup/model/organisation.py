"""Agencies, their sources (feeds) and import batches."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from joinedup.model.base import AgencyKind, Entity, Id, JsonDict, Owned, ShortText


class Agency(Entity):
    """A partner agency (police, children's social care, a school trust, ...)."""

    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind


class Source(Owned):
    """One feed of an agency (e.g. its SSD extract or its POLE export)."""

    name: ShortText
    format: str = Field(min_length=1, max_length=64)


class Batch(Owned):
    """One import of one file: its hash and reconciliation counts."""

    source_id: Id | None = None
    file_name: ShortText
    file_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows_read: int = Field(ge=0, default=0)
    rows_accepted: int = Field(ge=0, default=0)
    rows_quarantined: int = Field(ge=0, default=0)
    rows_duplicate: int = Field(ge=0, default=0)
    format: str | None = Field(default=None, max_length=64)
    record_type: str | None = Field(default=None, max_length=64)
    file_size: int | None = Field(default=None, ge=0)
    report: JsonDict = Field(default_factory=dict)
    completed_at: datetime | None = None
