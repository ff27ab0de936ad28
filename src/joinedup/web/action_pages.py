"""The actions tracker in the browser (issue 17, panel chair and members): my actions and my
panels', overdue and escalated first; complete one with a note of what was done; a chair
gives one to another member with a new due date. The app decides who may (:class:`Forbidden`,
shown as the 404 page); the pages only render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.actions import complete_action, reassign_action, tracker
from joinedup.app.errors import JoinedupError
from joinedup.app.permissions import actions_of
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.panel_pages import refused
from joinedup.web.work_pages import page

router = APIRouter()
SAVED = {"done": "The action is done.", "reassigned": "The action is reassigned."}


def _tracker(request: Request, me: Visitor, **shown: str) -> Response:
    context = {"saved": "", "warn": "", "error": "", "failed": "", **shown}
    return page(
        request,
        me,
        "actions.html",
        t=tracker(me.caller),
        actions=actions_of(me.user.role),
        today=date.today(),
        **context,
    )


@router.get("/actions")
def actions_tracker(request: Request, saved: str = "", warn: str = "") -> Response:
    """My actions and my panels' actions: overdue and escalated shown first."""
    me = visitor(request)
    return _tracker(request, me, saved=SAVED.get(saved, ""), warn="1" if warn else "")


@router.post("/actions/{action_id}/complete")
def complete(
    request: Request,
    action_id: str,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Complete an action (its owner, or a chair) with a note of what was done."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if not note.strip():
        return _tracker(request, me, error="Say what was done", failed=action_id)
    try:
        done = complete_action(me.caller, action_id, note[:500])
    except JoinedupError as exc:
        return _tracker(request, me, error=refused(exc), failed=action_id)
    warn = "&warn=1" if done.language else ""
    return RedirectResponse(f"/actions?saved=done{warn}", status_code=303)


@router.post("/actions/{action_id}/reassign")
def reassign(
    request: Request,
    action_id: str,
    owner: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Give an action not done to another member of its panel with a new due date (a chair)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        due = date.fromisoformat(due_on.strip())
    except ValueError:
        return _tracker(request, me, error="Enter the new due date", failed=action_id)
    if not reason.strip() or not owner:
        return _tracker(request, me, error="Choose the new owner and say why", failed=action_id)
    try:
        moved = reassign_action(me.caller, action_id, owner[:200], due, reason[:500])
    except JoinedupError as exc:
        return _tracker(request, me, error=refused(exc), failed=action_id)
    warn = "&warn=1" if moved.language else ""
    return RedirectResponse(f"/actions?saved=reassigned{warn}", status_code=303)
