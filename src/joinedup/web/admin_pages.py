"""Administration in the browser: users (add, deactivate, reset password or second factor)
and grant requests (issue 17, administrator). Each page and form calls one app function,
which decides who may (:class:`Forbidden`, shown as the 404 page); the page only renders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import accounts, administration
from joinedup.app.errors import Forbidden, NotFound
from joinedup.common.errors import InputError, JoinedupError
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.state import state

router = APIRouter()
CHANGES = ("deactivate", "reset-password", "email", "reset-second-factor")


def _users_page(request: Request, me: Visitor, *, error: str = "", shown: str = "") -> Response:
    found = administration.user_directory(me.caller)
    return state(request).templates.TemplateResponse(
        request,
        "admin_users.html",
        {
            "me": me,
            "users": found.users,
            "agencies": found.agencies,
            "roles": found.roles,
            "error": error,
            "shown": shown,
        },
        status_code=400 if error else 200,
    )


@router.get("/admin/users")
def users_page(request: Request) -> Response:
    """Every account: who, role, agency, active; forms to add and to change."""
    return _users_page(request, visitor(request))


@router.post("/admin/users")
def add_user(
    request: Request,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    agency: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create an account (no password yet: reset it to hand one over)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        administration.add_user(
            me.caller,
            username.strip(),
            agency,
            role,
            display_name.strip() or None,
            email=email.strip() or None,
        )
    except (InputError, ValueError) as exc:
        return _users_page(request, me, error=str(exc).splitlines()[0][:300])
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/{change}")
def change_user(
    request: Request,
    username: str,
    change: str,
    reason: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Deactivate an account, or reset its password or second factor (each ends its
    sessions and tokens at once), or set the email address notifications go to."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if change not in CHANGES:
        raise NotFound(f"no change {change!r} to an account")
    rt = state(request).rt
    actor = me.user.username
    try:
        if change == "deactivate":
            if not reason.strip():
                return _users_page(request, me, error="Say why the account is deactivated")
            accounts.deactivate_user(rt, actor, username, reason.strip())
        elif change == "reset-password":
            made = accounts.reset_password(rt, actor, username)
            return _users_page(
                request, me, shown=f"New password for {username} (shown once): {made.password}"
            )
        elif change == "email":
            administration.set_user_email(me.caller, username, email)
        else:  # reset-second-factor
            accounts.reset_second_factor(rt, actor, username)
    except (InputError, JoinedupError) as exc:
        if isinstance(exc, Forbidden):
            raise
        return _users_page(request, me, error=str(exc).splitlines()[0][:300])
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/sharing/grants")
def request_grant(
    request: Request,
    username: Annotated[str, Form()] = "",
    agency: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    days: Annotated[int, Form(ge=1, le=365)] = 7,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Request a grant (the owning agency approves it on this same page)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if not reason.strip():
        return RedirectResponse("/sharing?error=reason", status_code=303)
    until = datetime.now(UTC) + timedelta(days=days)
    try:
        administration.add_grant(me.caller, username.strip(), agency, purpose, reason, until)
    except (InputError, ValueError):
        return RedirectResponse("/sharing?error=request", status_code=303)
    return RedirectResponse("/sharing", status_code=303)
