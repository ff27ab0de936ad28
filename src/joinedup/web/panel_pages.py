"""Panel meetings in the browser (issue 17, panel chair and members): the meetings of my
panels, a meeting's page (the generated agenda with each child by name, attendance and
apologies, decisions with the language check as one types (``/language``), actions with
owner and due date), opening and closing it, and the minutes on paper or as a Word document.
The app decides who may (:class:`Forbidden`, shown as the 404 page); the pages only render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import panel as uc
from joinedup.app.actions import add_action
from joinedup.app.errors import Forbidden, JoinedupError, NotFound
from joinedup.app.meeting_page import (
    MARKS,
    meeting_page,
    minutes_document,
    panel_meetings,
    record_attendance,
)
from joinedup.app.permissions import actions_of
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()
SAVED = {
    "scheduled": "The meeting is scheduled.",
    "agenda": "The agenda is generated.",
    "open": "The meeting is open: decisions and actions can be recorded.",
    "close": "The meeting is closed.",
    "attendance": "Attendance is recorded.",
    "decision": "The decision is recorded.",
    "action": "The action is recorded.",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refused(exc: JoinedupError) -> str:
    """What a person is told when a rule refuses what they asked (not found stays 404)."""
    if isinstance(exc, Forbidden | NotFound):
        raise exc
    return str(exc)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@router.get("/panel")
def meetings(request: Request, error: str = "") -> Response:
    """The meetings of my panels: upcoming, held (open), closed; a chair schedules one."""
    me = visitor(request)
    found = panel_meetings(me.caller)
    return page(
        request,
        me,
        "panel_meetings.html",
        grouped=found.grouped,
        panels=found.panels,
        actions=actions_of(me.user.role),
        error=error,
        today=date.today(),
    )


@router.post("/panel/meetings")
def schedule(
    request: Request,
    panel: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Schedule a meeting of a panel I sit on (a chair)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    day = _day(held_on)
    if day is None:
        return meetings(request, error="Enter the meeting's date, for example 2026-12-14")
    try:
        made = uc.schedule_meeting(me.caller, panel[:200], day)
    except JoinedupError as exc:
        return meetings(request, error=refused(exc))
    return RedirectResponse(f"/panel/meetings/{made.id}?saved=scheduled", status_code=303)


def _meeting(request: Request, me: Visitor, meeting_id: str, **shown: str) -> Response:
    context = {"saved": "", "warn": "", "error": "", **shown}
    return page(
        request,
        me,
        "panel_meeting.html",
        m=meeting_page(me.caller, meeting_id),
        actions=actions_of(me.user.role),
        marks=MARKS,
        **context,
    )


@router.get("/panel/meetings/{meeting_id}")
def meeting(request: Request, meeting_id: str, saved: str = "", warn: str = "") -> Response:
    """One meeting: agenda and briefings, attendance, decisions, actions, minutes."""
    me = visitor(request)
    return _meeting(request, me, meeting_id, saved=SAVED.get(saved, ""), warn="1" if warn else "")


def _done(meeting_id: str, saved: str, warn: bool = False) -> Response:
    flag = "&warn=1" if warn else ""
    return RedirectResponse(
        f"/panel/meetings/{meeting_id}?saved={saved}{flag}#{saved}", status_code=303
    )


@router.post("/panel/meetings/{meeting_id}/attendance")
async def attendance(request: Request, meeting_id: str) -> Response:
    """The chair records who attended and who sent apologies (one choice per member)."""
    me = visitor(request)
    form = await request.form()
    check_csrf(request, me, str(form.get("csrf_token") or ""))
    marks = {
        str(k).removeprefix("mark-"): str(v)[:16]
        for k, v in form.multi_items()
        if str(k).startswith("mark-")
    }
    try:
        record_attendance(me.caller, meeting_id, marks)
    except JoinedupError as exc:
        return _meeting(request, me, meeting_id, error=refused(exc))
    return _done(meeting_id, "attendance")


@router.post("/panel/meetings/{meeting_id}/decisions")
def decide(
    request: Request,
    meeting_id: str,
    text: Annotated[str, Form()] = "",
    item_id: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record a decision of the open meeting; language that may blame the child is pointed
    out, never refused."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if not text.strip():
        return _meeting(request, me, meeting_id, error="Write the decision as the panel agreed it")
    try:
        done = uc.decide(me.caller, meeting_id, text[:5000], item_id=item_id or None)
    except JoinedupError as exc:
        return _meeting(request, me, meeting_id, error=refused(exc))
    return _done(meeting_id, "decision", bool(done.language))


@router.post("/panel/meetings/{meeting_id}/actions")
def new_action(
    request: Request,
    meeting_id: str,
    description: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    decision_id: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record an action agreed at the meeting: what, who (a member), by when (not before the
    meeting)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    due = _day(due_on)
    if due is None or not description.strip() or not owner:
        wrong = "Say what is to be done, who owns it and by when (a date such as 2026-12-14)"
        return _meeting(request, me, meeting_id, error=wrong)
    try:
        added = add_action(
            me.caller,
            meeting_id,
            description[:5000],
            owner[:200],
            due,
            decision_id=decision_id or None,
        )
    except JoinedupError as exc:
        return _meeting(request, me, meeting_id, error=refused(exc))
    return _done(meeting_id, "action", bool(added.language))


@router.post("/panel/meetings/{meeting_id}/{step}")
def step(
    request: Request, meeting_id: str, step: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """The chair generates the agenda, opens the meeting (not before its date) or closes it."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    calls: dict[str, Callable[[], object]] = {
        "agenda": lambda: uc.agenda(me.caller, meeting_id, generate=True),
        "open": lambda: uc.open_meeting(me.caller, meeting_id),
        "close": lambda: uc.close_meeting(me.caller, meeting_id),
    }
    if step not in calls:
        raise NotFound(f"no step {step!r}")
    try:
        calls[step]()
    except JoinedupError as exc:
        return _meeting(request, me, meeting_id, error=refused(exc))
    return _done(meeting_id, step)


@router.get("/panel/meetings/{meeting_id}/minutes")
def printable_minutes(request: Request, meeting_id: str) -> Response:
    """The minutes laid out for paper: agenda, attendance, decisions, actions."""
    me = visitor(request)
    return page(
        request, me, "panel_minutes.html", m=meeting_page(me.caller, meeting_id), marks=MARKS
    )


@router.get("/panel/meetings/{meeting_id}/minutes.docx")
def word_minutes(request: Request, meeting_id: str) -> Response:
    """The minutes as a Word document (logged as a disclosure to the panel's members)."""
    me = visitor(request)
    name, body = minutes_document(me.caller, meeting_id)
    return Response(
        body,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
