"""Source records: one row as an agency sent it, immutable once stored."""

from __future__ import annotations

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
