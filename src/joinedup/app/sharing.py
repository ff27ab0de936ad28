"""Use cases: information-sharing agreements (record, approve, staff, end, list)."""

from __future__ import annotations

from typing import Any

from joinedup.access import agreements
from joinedup.access.agreements import AgreementTerms, AgreementView
from joinedup.app.context import Caller, session
from joinedup.model.policy import policy
from joinedup.model.sharing import EXTENTS, SharingAgreement

__all__ = [
    "EXTENTS",
    "AgreementTerms",
    "AgreementView",
    "add_agreement",
    "add_member",
    "agreement_rows",
    "approve_agreement",
    "end_agreement",
    "list_agreements",
    "sharing_actions",
]


SHARING_ACTIONS = (
    "grants.approve",
    "agreements.approve",
    "grants.add",
    "grants.revoke",
    "agreements.add",
)


def sharing_actions(role: str) -> frozenset[str]:
    """Which of the grant and agreement actions ``role`` may take (for showing buttons; the
    door decides again when one is pressed)."""
    rules = policy()
    return frozenset(a for a in SHARING_ACTIONS if rules.allows_action(role, a))


def add_agreement(who: Caller, terms: AgreementTerms) -> SharingAgreement:
    """Record an agreement; it is live once every party agency approves it."""
    with session(who) as opened:
        return agreements.add_agreement(opened, terms)


def approve_agreement(who: Caller, name: str) -> None:
    """Approve an agreement for the caller's own agency."""
    with session(who) as opened:
        agreements.approve_agreement(opened, name)


def add_member(who: Caller, name: str, username: str) -> None:
    """Add a user to the team working under an agreement."""
    with session(who) as opened:
        agreements.add_member(opened, name, username)


def end_agreement(who: Caller, name: str, reason: str) -> None:
    """End an agreement now."""
    with session(who) as opened:
        agreements.end_agreement(opened, name, reason)


def list_agreements(who: Caller) -> list[AgreementView]:
    """Every agreement with its parties, approvals and members (names, not ids)."""
    with session(who) as opened:
        return agreements.list_agreements(opened)


def agreement_rows(views: list[AgreementView]) -> list[dict[str, Any]]:
    """The agreements as plain rows (for tables and JSON)."""
    rows = []
    for view in views:
        a = view.agreement
        rows.append(
            {
                "name": a.name,
                "lead_agency": view.lead_agency,
                "purpose": a.purpose,
                "extent": a.extent,
                "basis": a.basis,
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat(),
                "live": view.live,
                "ended": a.ended_at.isoformat(timespec="minutes") if a.ended_at else None,
                "parties": [
                    {"agency_id": agency_id, "agency": agency, "approved_by": by, "approved_at": at}
                    for agency_id, agency, by, at in view.parties
                ],
                "members": [{"username": u, "agency": ag} for u, ag in view.members],
            }
        )
    return rows
