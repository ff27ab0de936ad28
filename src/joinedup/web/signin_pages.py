"""Sign-in, the session's purpose, sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import signin
from joinedup.app.errors import Forbidden
from joinedup.app.my_account import sign_in_or_enrol
from joinedup.app.signin import Attempt, SignInRefused
from joinedup.web.auth import BadCsrf, check_csrf, visitor
from joinedup.web.security import (
    csrf_ok,
    csrf_token,
    enrol_cookie_name,
    new_secret,
    session_cookie_name,
    set_cookie,
    signin_cookie_name,
)
from joinedup.web.state import state

router = APIRouter()
Field = Annotated[str, Form()]


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def address(request: Request) -> str:
    """The client's address as uvicorn saw it (behind a proxy: from its forwarded header)."""
    return request.client.host if request.client else "unknown"


def _form(
    request: Request, secret: str, *, error: str | None, username: str = "", next_: str = "/"
) -> Response:
    response = state(request).templates.TemplateResponse(
        request,
        "sign_in.html",
        {
            "csrf": csrf_token(secret),
            "error": error,
            "username": username,
            "next": safe_next(next_),
            "expired": request.query_params.get("expired") == "1",
            "signed_out": request.query_params.get("signed_out") == "1",
        },
        status_code=401 if error else 200,
    )
    set_cookie(request, response, signin_cookie_name(request), secret)
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    """The sign-in form: Username, Password, Security code."""
    secret = request.cookies.get(signin_cookie_name(request)) or new_secret()
    return _form(request, secret, error=None, next_=next)


@router.post("/sign-in")
def sign_in(
    request: Request,
    username: Field,
    password: Field,
    csrf_token: Field,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the three; start a server-side session; then choose a purpose. An account
    without a second factor whose password is right is sent to enrol one first."""
    pre = request.cookies.get(signin_cookie_name(request))
    if not csrf_ok(pre, csrf_token):
        raise BadCsrf()
    where = address(request)
    try:
        started = sign_in_or_enrol(
            state(request).rt,
            Attempt(username.strip(), password, code.strip(), where),
            f"web {where}",
        )
    except SignInRefused as refused:
        return _form(request, new_secret(), error=str(refused), username=username, next_=next)
    if started.enrol:
        response = RedirectResponse("/enrol?next=" + safe_next(next), status_code=303)
        set_cookie(request, response, enrol_cookie_name(request), started.secret)
    else:
        response = RedirectResponse("/purpose?next=" + safe_next(next), status_code=303)
        set_cookie(request, response, session_cookie_name(request), started.secret)
    response.delete_cookie(signin_cookie_name(request), path="/")
    return response


@router.get("/purpose")
def purpose_page(request: Request, next: str = "/") -> Response:
    """Choose the purpose this session acts for (once; changeable from the header)."""
    found = visitor(request, need_purpose=False)
    return state(request).templates.TemplateResponse(
        request,
        "purpose.html",
        {"me": found, "purposes": found.user.purposes, "next": safe_next(next), "error": None},
    )


@router.post("/purpose")
def choose_purpose(
    request: Request,
    purpose: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Set the session's purpose to one the role allows."""
    found = visitor(request, need_purpose=False)
    check_csrf(request, found, csrf_token)
    if purpose not in found.user.purposes:
        return state(request).templates.TemplateResponse(
            request,
            "purpose.html",
            {
                "me": found,
                "purposes": found.user.purposes,
                "next": safe_next(next),
                "error": "Select the purpose of your work",
            },
            status_code=400,
        )
    try:
        signin.choose_purpose(state(request).rt, found.secret, purpose)
    except Forbidden:
        return RedirectResponse("/purpose", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session and forget its cookie."""
    found = visitor(request, need_purpose=False)
    check_csrf(request, found, csrf_token)
    signin.sign_out(state(request).rt, found.secret)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(session_cookie_name(request), path="/")
    return response
