"""Source records: one row as an agency sent it, immutable once stored."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from joinedup.model.base import Id, JsonDict, Owned


class SourceRecord(Owned):
    """A row as received: verbatim payload, normalised fields, the agency's own key.

    Everything else in the platform derives from source records and can be rebuilt from them.
    The store refuses UPDATE and DELETE of these rows (database triggers).
    """

    batch_id: Id | None = None
    source_id: Id | None = None
    record_type: str = Field(min_length=1, max_length=64)
    agency_key: str = Field(min_length=1, max_length=200)
    payload: JsonDict
    normalised: JsonDict = Field(default_factory=dict)
    row_number: int | None = Field(default=None, ge=0)


class QuarantinedRow(Owned):
    """A row that could not be accepted, kept with its reason until corrected or dismissed.

    ``raw`` is the verbatim text of the row, encrypted (it holds case content). Correcting and
    re-submitting turns it into a source record; nothing is ever silently dropped.
    """

    batch_id: Id
    file_name: str = Field(max_length=500)
    row_number: int = Field(ge=0)
    line: int = Field(ge=0)
    field: str | None = Field(default=None, max_length=200)
    reason: str = Field(min_length=1, max_length=64)
    message: str = Field(min_length=1, max_length=500)
    raw: str
    status: Literal["open", "resubmitted", "dismissed"] = "open"
    record_id: Id | None = None
    resolved_by: Id | None = None
    resolved_at: datetime | None = None
    resolution_note: str | None = Field(default=None, max_length=500)
