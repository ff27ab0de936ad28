"""The quarantine in the browser (issue 17, the analyst): rows ingest could not accept, by
import batch with the reconciliation; fix a row's values and resubmit it (checked by the same
ingest code: accepted, or quarantined again with the new reason), or dismiss it with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import quarantine as q
from joinedup.app.errors import InputError
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()

STATUSES = ("open", "resubmitted", "dismissed", "all")


@router.get("/quarantine")
def batches(request: Request, status: str = "open") -> Response:
    """Quarantined rows by import batch, each batch's counts reconciled."""
    me = visitor(request)
    status = status if status in STATUSES else "open"
    found = q.by_batch(me.caller, status)
    return page(request, me, "quarantine.html", batches=found, status=status, statuses=STATUSES)


def _row_page(request: Request, me: Visitor, row_id: str, **shown: str) -> Response:
    context = {"saved": "", "warn": "", "error": "", "still": "", "record": "", **shown}
    return page(request, me, "quarantine_row.html", s=q.show_row(me.caller, row_id), **context)


@router.get("/quarantine/{row_id}")
def row(
    request: Request, row_id: str, saved: str = "", warn: str = "", record: str = ""
) -> Response:
    """One row: why it was quarantined (the column and value at fault), its values in a
    form to correct, and dismissal with a reason."""
    me = visitor(request)
    saved = saved if saved in ("resubmitted", "dismissed") else ""
    return _row_page(request, me, row_id, saved=saved, warn="1" if warn else "", record=record[:64])


@router.post("/quarantine/{row_id}")
def act(
    request: Request,
    row_id: str,
    action: Annotated[str, Form()] = "",
    column: Annotated[list[str] | None, Form()] = None,
    value: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Resubmit the row with the values as edited, or dismiss it (a reason is required)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if action == "dismiss":
        if not note.strip():
            return _row_page(request, me, row_id, error="Say why the row is not imported")
        try:
            language = q.dismiss_row(me.caller, row_id, note.strip())
        except InputError as exc:
            return _row_page(request, me, row_id, error=str(exc))
        warn = "1" if language else ""
        return RedirectResponse(f"/quarantine/{row_id}?saved=dismissed&warn={warn}", 303)
    if action != "resubmit":
        return RedirectResponse(f"/quarantine/{row_id}", status_code=303)
    edited = dict(zip(column or [], value or [], strict=False))
    before = q.show_row(me.caller, row_id).values
    corrections = {c: v for c, v in edited.items() if c in before and before[c] != v}
    if not corrections:
        return _row_page(request, me, row_id, error="Correct at least one value first")
    try:
        done = q.resubmit_row(me.caller, row_id, corrections, note.strip() or None)
    except InputError as exc:
        return _row_page(request, me, row_id, error=str(exc))
    if done.record_id is None:
        return _row_page(request, me, row_id, still=done.still_quarantined or "")
    warn = "1" if done.language or done.note_flags else ""
    return RedirectResponse(
        f"/quarantine/{row_id}?saved=resubmitted&warn={warn}&record={done.record_id}", 303
    )
