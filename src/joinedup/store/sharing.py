"""The information-sharing agreements an actor works under, read once per session.

An agreement is live from ``valid_from`` to ``valid_to`` (inclusive, UTC dates) when it has
not been ended and every party agency has approved it. A member works under it only for the
agreement's purpose. The scope predicate (store/scope.py) applies the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from joinedup.model.access import Actor
from joinedup.store.tables.admin import AgreementMemberRow, AgreementPartyRow, AgreementRow


@dataclass(frozen=True)
class Sharing:
    """What live agreements give an actor for one purpose: the party agencies of each extent
    and the agreements' ids and names."""

    open_cases: frozenset[str] = frozenset()
    aggregate: frozenset[str] = frozenset()
    agreements: dict[str, str] = field(default_factory=dict)  # id -> name

    def agencies_of(self, extent: str) -> frozenset[str]:
        """The party agencies shared under ``extent``."""
        return self.open_cases if extent == "open_cse_cases" else self.aggregate


NOTHING = Sharing()


def live_agreements(now: datetime) -> object:
    """The WHERE clause of agreements live at ``now`` (every party has approved)."""
    today = now.date()
    party = aliased(AgreementPartyRow)
    unapproved = exists().where(party.agreement_id == AgreementRow.id, party.approved_at.is_(None))
    return and_(
        AgreementRow.ended_at.is_(None),
        AgreementRow.valid_from <= today,
        AgreementRow.valid_to >= today,
        ~unapproved,
    )


def sharing_for(orm: Session, actor: Actor, purpose: str, now: datetime) -> Sharing:
    """The live agreements ``actor`` is a member of for ``purpose``."""
    rows = orm.execute(
        select(AgreementRow.id, AgreementRow.name, AgreementRow.extent, AgreementPartyRow.agency_id)
        .join(AgreementMemberRow, AgreementMemberRow.agreement_id == AgreementRow.id)
        .join(AgreementPartyRow, AgreementPartyRow.agreement_id == AgreementRow.id)
        .where(
            AgreementMemberRow.user_id == actor.user_id,
            AgreementRow.purpose == purpose,
            live_agreements(now),  # type: ignore[arg-type]
        )
    ).all()
    if not rows:
        return NOTHING
    open_cases = frozenset(r.agency_id for r in rows if r.extent == "open_cse_cases")
    aggregate = frozenset(r.agency_id for r in rows if r.extent == "aggregate")
    return Sharing(open_cases, aggregate, {r.id: r.name for r in rows})


def naming_agreements(
    sharing: Sharing, aggregate: bool, detail: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """An audit row's ``detail`` naming the agreements a session works under (and whether it
    is an aggregate session); unchanged when it works under none."""
    if not sharing.agreements:
        return detail
    named: dict[str, Any] = {"agreements": sorted(sharing.agreements.values())}
    if aggregate:
        named["aggregate"] = True
    return {**(detail or {}), **named}
