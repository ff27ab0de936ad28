"""The administrator's directory in the browser: agencies (list, add), panels and their
members (add, remove), and revoking a grant from /sharing (issue 17, administrator). Each
page and form calls one app function, which decides who may (:class:`Forbidden`, shown as
the 404 page); the page only renders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import administration
from joinedup.app.errors import NotFound
from joinedup.common.errors import InputError
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.state import state

router = APIRouter()


def page(request: Request, me: Visitor, template: str, **context: Any) -> Response:
    """A signed-in page; 400 when it shows an error."""
    return state(request).templates.TemplateResponse(
        request, template, {"me": me, **context}, status_code=400 if context.get("error") else 200
    )


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else "That was refused"


def _agencies_page(request: Request, me: Visitor, error: str = "") -> Response:
    found = administration.agency_directory(me.caller)
    return page(
        request, me, "admin_agencies.html", agencies=found.agencies, kinds=found.kinds, error=error
    )


@router.get("/admin/agencies")
def agencies_page(request: Request) -> Response:
    """The partner agencies and their kinds; a form to register one."""
    me = visitor(request)
    return _agencies_page(request, me)


@router.post("/admin/agencies")
def add_agency(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Register a partner agency."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if not name.strip():
        return _agencies_page(request, me, "Give the agency's name")
    try:
        administration.add_agency(me.caller, name.strip(), kind)
    except (InputError, ValueError) as exc:
        return _agencies_page(request, me, _first_line(exc))
    return RedirectResponse("/admin/agencies", status_code=303)


def _panels_page(request: Request, me: Visitor, error: str = "") -> Response:
    found = administration.panel_directory(me.caller)
    return page(
        request,
        me,
        "admin_panels.html",
        panels=found.panels,
        agencies=found.agencies,
        users=found.users,
        error=error,
    )


@router.get("/admin/panels")
def panels_page(request: Request) -> Response:
    """The standing panels, their hosts and members; forms to add a panel and to seat or
    unseat a member."""
    me = visitor(request)
    return _panels_page(request, me)


@router.post("/admin/panels")
def add_panel(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    agency: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create a standing panel hosted by an agency."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if not name.strip():
        return _panels_page(request, me, "Give the panel's name")
    try:
        administration.add_panel(me.caller, name.strip(), agency)
    except (InputError, NotFound, ValueError) as exc:
        return _panels_page(request, me, _first_line(exc))
    return RedirectResponse("/admin/panels", status_code=303)


@router.post("/admin/panels/members")
def change_member(
    request: Request,
    panel: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    change: Annotated[str, Form(max_length=16)] = "add",
    reason: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Seat a user on a panel, or take them off it (with a reason)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        if change == "remove":
            if not reason.strip():
                return _panels_page(request, me, "Say why the member leaves the panel")
            administration.remove_panel_member(me.caller, panel, username.strip(), reason)
        else:
            administration.add_panel_member(me.caller, panel, username.strip())
    except (InputError, NotFound, ValueError) as exc:
        return _panels_page(request, me, _first_line(exc))
    return RedirectResponse("/admin/panels", status_code=303)


@router.post("/sharing/grants/{grant_id}/revoke")
def revoke_grant(
    request: Request, grant_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Revoke a grant now: it stops working at once (kept on the page, marked revoked)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        administration.revoke_grant(me.caller, grant_id)
    except (InputError, NotFound):
        return RedirectResponse("/sharing?error=revoke", status_code=303)
    return RedirectResponse("/sharing", status_code=303)
