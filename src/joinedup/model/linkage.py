"""Linkage results held in the store: runs, record -> person membership, the review queue.

A resolved person holds no attributes of its own: it is the set of source records that share
a ``person_id``. Each membership row is owned by the agency of its record, so the one scope
predicate shows a user exactly the memberships of records they may see, and a person's
attributes only through those records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from joinedup.model.base import Id, JsonDict, Owned

ReviewStatus = Literal["open", "confirmed", "rejected"]


class LinkageRun(Owned):
    """One run of ``joinedup link``: its model (Splink JSON), counts and timings."""

    backend: str = Field(min_length=1, max_length=16)
    incremental: bool = False
    records: int = Field(default=0, ge=0)
    persons: int = Field(default=0, ge=0)
    changed: int = Field(default=0, ge=0)
    review_items: int = Field(default=0, ge=0)
    model: JsonDict = Field(default_factory=dict)
    stats: JsonDict = Field(default_factory=dict)
    completed_at: datetime | None = None


class PersonLink(Owned):
    """Source record ``record_id`` belongs to resolved person ``person_id`` (one row per record)."""

    record_id: Id
    person_id: Id
    run_id: Id


class LinkageKey(Owned):
    """One keyed hash a stored person record holds (the drop index, issue 19).

    ``key`` is an HMAC (:mod:`joinedup.linkage.drop_index`) of a blocking-key value, a
    context token or a neighbour's record id, never the value itself: a drop finds the
    stored records it can touch by the hashes of its own records' values.
    """

    record_id: Id
    #: ``b`` a blocking-key value, ``t`` a context token, ``n`` a neighbour's id, ``f`` the
    #: fingerprint of all of the record's values
    kind: Literal["b", "t", "n", "f"]
    key: str = Field(min_length=8, max_length=32)


class LinkageStatistics(Owned):
    """The whole borough's statistics a full run leaves for the drops after it: term
    frequency counts and context-token counts keyed by HMAC, never by value."""

    run_id: Id
    body: JsonDict = Field(default_factory=dict)


class MatchReview(Owned):
    """A pair of records in the uncertain band, waiting for (or carrying) a person's decision.

    Owned by the agency of ``record_a``; listed only to users who may also see ``record_b``.
    Confirmed pairs are always merged and rejected pairs never, in every later run.
    """

    record_a: Id
    record_b: Id
    match_probability: float = Field(ge=0.0, le=1.0)
    match_weight: float | None = None
    run_id: Id
    status: ReviewStatus = "open"
    reason: str | None = Field(default=None, max_length=500)
    decided_by: Id | None = None
    decided_at: datetime | None = None
    #: why it was held: each comparison's level and weight, the collective evidence
    #: (:mod:`joinedup.linkage.evidence`); labels, weights and counts, never a value
    evidence: JsonDict | None = None
