"""The analyst's match-review queue in the browser (issues 17 and 18): the queue in the
stored order, one pair side by side with the evidence that would decide it, confirm or
reject with a reason (the language check points out, never refuses)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.errors import InputError
from joinedup.app.linkage import (
    decide_match,
    evidence_words,
    field_words,
    level_words,
    review_pair,
    review_queue_page,
)
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()

STATUSES = ("open", "confirmed", "rejected")
VERDICTS = {"confirm": "confirmed", "reject": "rejected"}
#: the rows of the side-by-side table: field -> label
SIDE = {
    "forename": "First name",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "pnc_id": "PNC id",
}


@router.get("/review")
def queue(request: Request, status: str = "open", flagged: str = "") -> Response:
    """The review queue, most valuable decision first, and how many pairs are open."""
    me = visitor(request)
    status = status if status in STATUSES else "open"
    shown = review_queue_page(me.caller, status, 100, flagged_only=bool(flagged))  # type: ignore[arg-type]
    return page(
        request,
        me,
        "review_queue.html",
        queue=shown,
        status=status,
        flagged=bool(flagged),
        statuses=STATUSES,
    )


def _pair_page(request: Request, me: Visitor, item_id: str, **shown: str) -> Response:
    detail = review_pair(me.caller, item_id)
    context = {"saved": "", "warn": "", "error": "", **shown}
    return page(
        request,
        me,
        "review_pair.html",
        d=detail,
        p=detail.pair,
        ev=detail.pair.item.evidence or {},
        lines=evidence_words(detail.pair.item.evidence),
        # the table shows each comparison and the weights: the sentences after them follow
        fields_said=len((detail.pair.item.evidence or {}).get("comparisons") or []) + 1,
        field_words=field_words(),
        level_words=level_words,
        side=SIDE,
        **context,
    )


@router.get("/review/{item_id}")
def pair(request: Request, item_id: str, saved: str = "", warn: str = "") -> Response:
    """Two records side by side, the evidence, the decision and what it also settles."""
    me = visitor(request)
    saved = saved if saved in VERDICTS.values() else ""
    return _pair_page(request, me, item_id, saved=saved, warn="1" if warn else "")


@router.post("/review/{item_id}")
def decide(
    request: Request,
    item_id: str,
    verdict: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Confirm (one person) or reject (two people) the pair; a reason is required."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if verdict not in VERDICTS:
        return _pair_page(request, me, item_id, error="Choose: one person, or two people")
    if not reason.strip():
        return _pair_page(request, me, item_id, error="Say why you decided so")
    try:
        saved = decide_match(me.caller, item_id, VERDICTS[verdict], reason)  # type: ignore[arg-type]
    except InputError as exc:
        return _pair_page(request, me, item_id, error=str(exc))
    warn = "1" if saved.language else ""
    return RedirectResponse(
        f"/review/{item_id}?saved={VERDICTS[verdict]}&warn={warn}", status_code=303
    )
