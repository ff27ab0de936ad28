"""Grants and information-sharing agreements in the browser: what the data protection officer
reviews and approves, what the administrator sees (issues 13.12, 14.6, 16, 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import administration, sharing
from joinedup.app.subject_access import subject_access_report
from joinedup.common.errors import InputError
from joinedup.web.auth import check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()


def _grant_state(row: dict[str, Any], now: datetime) -> str:
    if row["status"] != "approved":
        return str(row["status"]).capitalize()
    if row.get("revoked_at"):
        return "Revoked"
    expires = datetime.fromisoformat(row["expires_at"])
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    return "Live" if expires > now else "Expired"


@router.get("/sharing")
def sharing_page(request: Request, error: str = "") -> Response:
    """Grants (requested, live, expired, refused, revoked, with reasons and who decided) and
    agreements (parties, who approved each, members), with the reader's approvals to give."""
    me = visitor(request)
    grants = administration.list_grants(me.caller)
    agreements = sharing.agreement_rows(sharing.list_agreements(me.caller))
    now = datetime.now(UTC)
    for g in grants:
        g["state"] = _grant_state(g, now)
    my_agency = me.user.agency_id
    return page(
        request,
        me,
        "sharing.html",
        grants=sorted(grants, key=lambda g: (g["state"] != "Requested", g["expires_at"])),
        agreements=agreements,
        my_agency=my_agency,
        actions=(actions := sharing.sharing_actions(me.user.role)),
        agencies=(
            sorted(a["name"] for a in administration.list_agencies(me.caller))
            if "grants.add" in actions
            else []
        ),
        purposes=administration.grant_purposes(),
        error=error,
    )


@router.post("/sharing/grants/{grant_id}")
def decide_grant(
    request: Request,
    grant_id: str,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Approve or refuse a requested grant to the reader's own agency's records."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if decision not in ("approve", "refuse") or not note.strip():
        return RedirectResponse("/sharing?error=note", status_code=303)
    try:
        administration.decide_grant(me.caller, grant_id, decision == "approve", note.strip())
    except InputError:
        return RedirectResponse("/sharing?error=decided", status_code=303)
    return RedirectResponse("/sharing", status_code=303)


@router.post("/sharing/agreements/approve")
def approve_agreement(
    request: Request,
    name: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Approve an agreement for the reader's own agency."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        sharing.approve_agreement(me.caller, name)
    except InputError:
        return RedirectResponse("/sharing?error=approved", status_code=303)
    return RedirectResponse("/sharing", status_code=303)


@router.get("/audit/subject-access")
def subject_access(request: Request, person: str = "") -> Response:
    """A subject access report on one person (DPA 2018 s.45), for the data protection
    officer to review before disclosure; printable."""
    me = visitor(request)
    if not person.strip():
        return RedirectResponse("/audit", status_code=303)
    report = subject_access_report(me.caller, person.strip()[:64])
    return page(request, me, "subject_access.html", report=report)
