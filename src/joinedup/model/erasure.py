"""Erasure requests (UK GDPR art. 17, DPA 2018 s.47): a request to erase a person's data,
recorded by a data protection officer and tracked to a decision.

The decision is recorded, never carried out by deleting source records: records are
append-only and the audit chain names them (docs/security.md, "Erasure requests"). ``erase``
and ``restrict`` mark the person's processing as restricted; ``refuse`` keeps the records,
with the reason (a safeguarding record is often kept under a legal obligation, art. 17(3)(b)).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from joinedup.model.base import Id, Owned, ShortText

ErasureDecision = Literal["erase", "restrict", "refuse"]
ErasureStatus = Literal["requested", "decided"]
DECISIONS: tuple[ErasureDecision, ...] = ("erase", "restrict", "refuse")


class ErasureRequest(Owned):
    """One request about one person, held by the recording officer's agency."""

    person_id: Id
    requester: ShortText  # who asked (the person, a parent, a solicitor...)
    received_on: date
    grounds: str = Field(min_length=1, max_length=64)  # a code of vocabulary erasure_grounds
    detail: ShortText | None = None
    status: ErasureStatus = "requested"
    decision: ErasureDecision | None = None
    decision_reason: ShortText | None = None
    decided_by: Id | None = None
    decided_at: datetime | None = None
