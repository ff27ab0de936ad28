"""Information-sharing agreements through the door: record, approve, staff, end, list.

An agreement is recorded by an administrator with its party agencies, purpose, extent, basis
and dates; each party agency's data protection officer (or information governance lead)
approves it for their agency; it is live once every party has approved, between its dates,
until ended. Every step is an audited write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.access.directory import agency_by_name, user_by_name
from joinedup.common.errors import InputError
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.policy import policy
from joinedup.model.sharing import EXTENTS, AgreementMember, AgreementParty, SharingAgreement
from joinedup.model.vocab import vocabulary
from joinedup.store.actor_session import ActorSession, NotFound

_MAX_YEARS = 3  # an agreement is reviewed at least every three years (ICO data sharing code)


@dataclass(frozen=True)
class AgreementTerms:
    """What an agreement says: its name, lead agency, parties, purpose, extent, basis, dates."""

    name: str
    lead_agency: str
    agencies: tuple[str, ...]
    purpose: str
    extent: str
    basis: str
    valid_from: date
    valid_to: date


def agreement_by_name(session: ActorSession, name: str) -> SharingAgreement:
    """The agreement called ``name``."""
    found = session.list(SharingAgreement, where={"name": name})
    if not found:
        raise NotFound(f"no information-sharing agreement named {name!r}")
    return found[0]


def _check(terms: AgreementTerms) -> None:
    vocabulary("purposes").check(terms.purpose)
    if terms.extent not in EXTENTS:
        raise InputError(f"extent must be one of {', '.join(EXTENTS)}, not {terms.extent!r}")
    if terms.valid_to < terms.valid_from:
        raise InputError("an agreement must end on or after the day it starts")
    if (terms.valid_to - terms.valid_from).days > 366 * _MAX_YEARS:
        raise InputError(f"an agreement runs for at most {_MAX_YEARS} years before review")
    if len(set(terms.agencies)) < 2:
        raise InputError("an agreement is between at least two agencies")
    if not terms.basis.strip():
        raise InputError("an agreement states its lawful basis")


def add_agreement(session: ActorSession, terms: AgreementTerms) -> SharingAgreement:
    """Record an agreement (live only once every party agency approves it)."""
    session.require("agreements.add")
    _check(terms)
    if session.list(SharingAgreement, where={"name": terms.name}):
        raise InputError(f"an agreement named {terms.name!r} already exists")
    parties = [agency_by_name(session, a) for a in dict.fromkeys(terms.agencies)]
    lead = agency_by_name(session, terms.lead_agency)
    if lead.id not in {p.id for p in parties}:
        raise InputError("the lead agency must be a party to the agreement")
    agreement = session.add(
        SharingAgreement(
            name=terms.name,
            agency_id=lead.id,
            purpose=terms.purpose,
            extent=terms.extent,
            basis=terms.basis.strip(),
            valid_from=terms.valid_from,
            valid_to=terms.valid_to,
            created_by=session.actor.user_id,
            created_at=utcnow(),
        )
    )
    for party in parties:
        session.add(AgreementParty(agreement_id=agreement.id, agency_id=party.id))
    return agreement


def approve_agreement(session: ActorSession, name: str) -> AgreementParty:
    """Approve agreement ``name`` for the approver's own agency."""
    session.require("agreements.approve")
    agreement = agreement_by_name(session, name)
    mine = session.list(
        AgreementParty,
        where={"agreement_id": agreement.id, "agency_id": session.actor.agency_id},
    )
    if not mine:
        raise InputError(f"your agency is not a party to {name!r}")
    if mine[0].approved_at is not None:
        raise InputError(f"your agency already approved {name!r}")
    return session.update(
        AgreementParty, mine[0].id, approved_by=session.actor.user_id, approved_at=utcnow()
    )


def add_member(session: ActorSession, name: str, username: str) -> AgreementMember:
    """Add ``username`` to the team working under agreement ``name``."""
    session.require("agreements.add_member")
    agreement = agreement_by_name(session, name)
    user = user_by_name(session, username)
    parties = {
        p.agency_id for p in session.list(AgreementParty, where={"agreement_id": agreement.id})
    }
    if user.agency_id not in parties:
        raise InputError(f"{username} works for an agency that is not a party to {name!r}")
    rules = policy()
    if not rules.allows_purpose(user.role, agreement.purpose) or "agreement" not in rules.reaches(
        user.role, "consultation", "case"
    ):
        raise InputError(
            f"{username}'s role {user.role!r} cannot work under an agreement for "
            f"{agreement.purpose!r}"
        )
    if session.list(AgreementMember, where={"agreement_id": agreement.id, "user_id": user.id}):
        raise InputError(f"{username} is already a member of {name!r}")
    return session.add(
        AgreementMember(
            agreement_id=agreement.id,
            user_id=user.id,
            added_by=session.actor.user_id,
            added_at=utcnow(),
        )
    )


def end_agreement(session: ActorSession, name: str, reason: str) -> SharingAgreement:
    """End agreement ``name`` now (its reach stops at once)."""
    session.require("agreements.end")
    if not reason.strip():
        raise InputError("say why the agreement ends")
    agreement = agreement_by_name(session, name)
    if agreement.ended_at is not None:
        raise InputError(f"{name!r} already ended")
    return session.update(
        SharingAgreement, agreement.id, ended_at=utcnow(), ended_reason=reason.strip()[:500]
    )


@dataclass(frozen=True)
class AgreementView:
    """An agreement as the data protection officer reads it: names, not ids."""

    agreement: SharingAgreement
    lead_agency: str
    parties: list[tuple[str, str, str | None, str | None]]  # agency id, name, approved by, at
    members: list[tuple[str, str]]  # username, agency
    live: bool


def list_agreements(session: ActorSession) -> list[AgreementView]:
    """Every agreement the reader may see, with parties, approvals and members (refused to
    a role that may not read administrative records at all)."""
    session.require_operation("consultation", "admin")
    agencies = {a.id: a.name for a in session.list(Agency)}
    today = utcnow().date()
    views = []
    for agreement in session.list(SharingAgreement):
        parties = session.list(AgreementParty, where={"agreement_id": agreement.id})
        members = session.list(AgreementMember, where={"agreement_id": agreement.id})
        people = session.colleagues(
            [m.user_id for m in members] + [p.approved_by for p in parties if p.approved_by]
        )
        live = (
            agreement.ended_at is None
            and agreement.valid_from <= today <= agreement.valid_to
            and all(p.approved_at for p in parties)
        )
        views.append(
            AgreementView(
                agreement,
                agencies.get(agreement.agency_id, agreement.agency_id),
                [
                    (
                        p.agency_id,
                        agencies.get(p.agency_id, p.agency_id),
                        people[p.approved_by].username if p.approved_by in people else None,
                        p.approved_at.isoformat(timespec="minutes") if p.approved_at else None,
                    )
                    for p in parties
                ],
                [
                    (people[m.user_id].username, agencies.get(people[m.user_id].agency_id, ""))
                    for m in members
                    if m.user_id in people
                ],
                live,
            )
        )
    return views
