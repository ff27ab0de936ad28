"""The data protection officer in the browser: the audit chain's status (verified in the
background) and erasure requests tracked to a decision (issue 17). Grants live and expired
with their reasons are on /sharing; who looked on /audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import chain_status, erasure
from joinedup.common.errors import InputError
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.directory_pages import page

router = APIRouter()


@router.get("/audit/chain")
def chain_page(request: Request) -> Response:
    """The last verifications of the audit chain, the checkpoint and the anchor."""
    me = visitor(request)
    return page(request, me, "audit_chain.html", status=chain_status.chain_status(me.caller))


@router.get("/audit/chain/status")
def chain_fragment(request: Request) -> Response:
    """The verification fragment HTMX polls while a verification runs."""
    me = visitor(request)
    return page(request, me, "_chain_runs.html", status=chain_status.chain_status(me.caller))


@router.post("/audit/chain/verify")
def verify(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Start verifying the chain in the background (at most one at a time)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    chain_status.start_verification(me.caller)
    return RedirectResponse("/audit/chain", status_code=303)


def _erasure_page(request: Request, me: Visitor, error: str = "") -> Response:
    return page(
        request,
        me,
        "erasure_requests.html",
        requests=erasure.list_requests(me.caller),
        grounds=erasure.grounds(),
        today=date.today().isoformat(),
        error=error,
    )


@router.get("/audit/erasure")
def erasure_page(request: Request) -> Response:
    """Erasure requests, open first, with their decisions; the form to record one."""
    me = visitor(request)
    return _erasure_page(request, me)


@router.post("/audit/erasure")
def record_request(
    request: Request,
    person: Annotated[str, Form(max_length=64)] = "",
    requester: Annotated[str, Form(max_length=500)] = "",
    received_on: Annotated[str, Form(max_length=10)] = "",
    grounds: Annotated[str, Form(max_length=64)] = "",
    detail: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record an erasure request (whose data, who asked, when, on which grounds)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        received = date.fromisoformat(received_on.strip()) if received_on.strip() else date.today()
        erasure.record_request(me.caller, person, requester, received, grounds, detail)
    except ValueError as exc:  # InputError is a ValueError, and so is a bad date
        text = str(exc) if isinstance(exc, InputError) else "Give the date as YYYY-MM-DD"
        return _erasure_page(request, me, text.splitlines()[0][:300])
    return RedirectResponse("/audit/erasure", status_code=303)


@router.post("/audit/erasure/{request_id}")
def decide_request(
    request: Request,
    request_id: str,
    decision: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Decide a request: erase, restrict, or refuse, with the reason."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        erasure.decide_request(me.caller, request_id[:64], decision, reason)
    except InputError as exc:
        return _erasure_page(request, me, str(exc).splitlines()[0][:300])
    return RedirectResponse("/audit/erasure", status_code=303)
