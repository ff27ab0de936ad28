"""A flag in the browser: why it was raised, the records behind it, its history; acknowledge
it or resolve it with a reason (issue 17, social worker and CSE team)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.permissions import actions_of
from joinedup.app.safeguarding import agency_flags, flag, move_flag
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()
STATUSES = ("open", "acknowledged", "resolved")
LIMIT = 100  # the most pressing; the CLI's `joinedup flags list` lists any number


@router.get("/flags")
def flag_list(request: Request, status: str = "open") -> Response:
    """The flags of my agency (open, acknowledged or resolved): most severe, then oldest."""
    me = visitor(request)
    status = status if status in STATUSES else "open"
    mine = agency_flags(me.caller, status, limit=LIMIT)
    return page(
        request, me, "flags.html", flags=mine, status=status, statuses=STATUSES, limit=LIMIT
    )


def _flag_page(request: Request, me: Visitor, flag_id: str, **shown: str) -> Response:
    context = {"saved": "", "warn": "", "error": "", **shown}
    return page(
        request,
        me,
        "flag.html",
        f=flag(me.caller, flag_id),
        actions=actions_of(me.user.role),
        **context,
    )


@router.get("/flags/{flag_id}")
def flag_page(request: Request, flag_id: str, saved: str = "", warn: str = "") -> Response:
    """One flag: the child, why, the indicators and the records they rest on, its history,
    and what the reader may do with it."""
    me = visitor(request)
    saved = saved if saved in ("acknowledged", "resolved") else ""
    return _flag_page(request, me, flag_id, saved=saved, warn=warn)


@router.post("/flags/{flag_id}")
def act_on_flag(
    request: Request,
    flag_id: str,
    action: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Acknowledge (a note is optional) or resolve (a reason is required) the flag. Language
    that may blame the child is pointed out after saving, never refused."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if action not in ("acknowledge", "resolve"):
        return RedirectResponse(f"/flags/{flag_id}", status_code=303)
    if action == "resolve" and not note.strip():
        return _flag_page(request, me, flag_id, error="Say why the flag is resolved")
    status = "acknowledged" if action == "acknowledge" else "resolved"
    moved = move_flag(me.caller, flag_id, status, note.strip() or None)  # type: ignore[arg-type]
    warn = "1" if moved.language else ""
    return RedirectResponse(f"/flags/{flag_id}?saved={status}&warn={warn}", status_code=303)
