"""A person's own account: their sessions and tokens (ending one), changing their password,
and enrolling their second factor after their password at first sign-in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import my_account
from joinedup.app.my_account import PasswordRefused
from joinedup.web.auth import BadCsrf, SignedOut, check_csrf, visitor
from joinedup.web.security import (
    csrf_ok,
    csrf_token,
    enrol_cookie_name,
    session_cookie_name,
    set_cookie,
)
from joinedup.web.signin_pages import address, safe_next
from joinedup.web.state import state

router = APIRouter()
Field = Annotated[str, Form()]
NOTICES = {
    "ended": "The session has ended.",
    "ended_all": "Your other sessions have ended.",
    "revoked": "The token is revoked.",
    "password": "Your password is changed. Your other sessions have ended and your tokens "
    "are revoked.",
}


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return state(request).templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/account")
def account(request: Request, done: str = "") -> Response:
    """Your sessions (this one marked) and personal access tokens."""
    me = visitor(request, need_purpose=False)
    mine = my_account.my_account(state(request).rt, me.secret)
    if mine is None:
        raise SignedOut(expired=True)
    return _render(request, "account.html", me=me, account=mine, notice=NOTICES.get(done))


@router.post("/account/sessions/{session_id}/end")
def end_session(request: Request, session_id: str, csrf_token: Field = "") -> Response:
    """End another of your sessions (sign out of it)."""
    me = visitor(request, need_purpose=False)
    check_csrf(request, me, csrf_token)
    my_account.end_my_session(state(request).rt, me.secret, session_id)
    return RedirectResponse("/account?done=ended", status_code=303)


@router.post("/account/sessions/end-others")
def end_other_sessions(request: Request, csrf_token: Field = "") -> Response:
    """Sign out everywhere else: end every other session of yours."""
    me = visitor(request, need_purpose=False)
    check_csrf(request, me, csrf_token)
    my_account.end_my_other_sessions(state(request).rt, me.secret)
    return RedirectResponse("/account?done=ended_all", status_code=303)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, csrf_token: Field = "") -> Response:
    """Revoke one of your personal access tokens."""
    me = visitor(request, need_purpose=False)
    check_csrf(request, me, csrf_token)
    my_account.revoke_my_token(state(request).rt, me.secret, token_id)
    return RedirectResponse("/account?done=revoked", status_code=303)


@router.get("/account/password")
def password_form(request: Request) -> Response:
    """Change your password: the current one, then the new one twice."""
    me = visitor(request, need_purpose=False)
    return _render(request, "password.html", me=me, error=None, min_length=my_account.MIN_LENGTH)


@router.post("/account/password")
def change_password(
    request: Request,
    current: Field = "",
    new: Field = "",
    again: Field = "",
    csrf_token: Field = "",
) -> Response:
    """Change the password; every other session ends, and this one is renewed."""
    me = visitor(request, need_purpose=False)
    check_csrf(request, me, csrf_token)
    try:
        fresh = my_account.change_my_password(
            state(request).rt, me.secret, current, new, again, address(request)
        )
    except PasswordRefused as refused:
        return _render(
            request,
            "password.html",
            400,
            me=me,
            error=str(refused),
            min_length=my_account.MIN_LENGTH,
        )
    response = RedirectResponse("/account?done=password", status_code=303)
    set_cookie(request, response, session_cookie_name(request), fresh)
    return response


AGAIN = "/sign-in?expired=1"  # no live enrolment session: sign in again (never a loop)


def _enrol_page(request: Request, raw: str, next_: str, error: str | None) -> Response:
    shown = my_account.pending_enrolment(state(request).rt, raw)
    if shown is None:
        return RedirectResponse(AGAIN, status_code=303)
    return _render(
        request,
        "enrol.html",
        400 if error else 200,
        me=None,
        enrolment=shown,
        csrf=csrf_token(raw),
        next=safe_next(next_),
        error=error,
    )


@router.get("/enrol")
def enrol_page(request: Request, next: str = "/") -> Response:
    """Set up your second factor: the QR code and the secret, then your first code."""
    raw = request.cookies.get(enrol_cookie_name(request))
    return _enrol_page(request, raw, next, None) if raw else RedirectResponse(AGAIN, 303)


@router.post("/enrol")
def enrol(
    request: Request, code: Field = "", csrf_token: Field = "", next: Field = "/"
) -> Response:
    """Confirm the second factor with its first code; then you are signed in."""
    raw = request.cookies.get(enrol_cookie_name(request))
    if not raw:
        return RedirectResponse(AGAIN, status_code=303)
    if not csrf_ok(raw, csrf_token):
        raise BadCsrf()
    fresh = my_account.confirm_enrolment(state(request).rt, raw, code.strip())
    if fresh is None:
        error = "Enter the 6-digit code your authenticator app shows now"
        return _enrol_page(request, raw, next, error)
    response = RedirectResponse("/purpose?next=" + safe_next(next), status_code=303)
    set_cookie(request, response, session_cookie_name(request), fresh)
    response.delete_cookie(enrol_cookie_name(request), path="/")
    return response
