"""Information-sharing agreements: which agencies share what with whom, for which purpose.

A multi-agency CSE team works under an agreement its partner agencies sign: which agencies,
for which purpose, which members, from and to, approved by a named person of each agency. The
agreement is data: the scope predicate applies it and the data protection officer reads it.

Two extents:

- ``open_cse_cases``: members see every party agency's records of a child with an open CSE
  flag or an open case (the CSE team's joined-up chronology), under the agreement's purpose.
- ``aggregate``: members get aggregate outputs (problem profiles, estimates, network
  statistics) computed across the party agencies; a person who is not the subject of a case
  the member may otherwise reach appears only under a pseudonym.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from joinedup.model.base import Entity, Id, Purpose, ShortText

Extent = Literal["open_cse_cases", "aggregate"]
EXTENTS: tuple[Extent, ...] = ("open_cse_cases", "aggregate")


class SharingAgreement(Entity):
    """An information-sharing agreement, held by its lead agency (``agency_id``)."""

    name: str = Field(min_length=1, max_length=200)
    agency_id: Id
    purpose: Purpose
    extent: Extent
    basis: ShortText = Field(min_length=1)
    valid_from: date
    valid_to: date
    created_by: Id | None = None
    created_at: datetime | None = None
    ended_at: datetime | None = None
    ended_reason: ShortText | None = None


class AgreementParty(Entity):
    """An agency party to an agreement and who of it approved the agreement, when."""

    agreement_id: Id
    agency_id: Id
    approved_by: Id | None = None
    approved_at: datetime | None = None


class AgreementMember(Entity):
    """A user working under an agreement (a member of the team it sets up)."""

    agreement_id: Id
    user_id: Id
    added_by: Id | None = None
    added_at: datetime | None = None
