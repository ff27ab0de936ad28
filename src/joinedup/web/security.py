"""Security headers on every response, CSRF tokens, and the session cookie's name and flags."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

SESSION_COOKIE = "joinedup_session"
SECURE_SESSION_COOKIE = "__Host-joinedup_session"
SIGNIN_COOKIE = "joinedup_signin"  # a pre-session secret: the sign-in form's CSRF token
SECURE_SIGNIN_COOKIE = "__Host-joinedup_signin"
ENROL_COOKIE = "joinedup_enrol"  # an enrolment session: enrols the second factor, nothing else
SECURE_ENROL_COOKIE = "__Host-joinedup_enrol"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (uvicorn's proxy headers set the scheme)."""
    return request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    """``__Host-`` prefixed over HTTPS (the browser then insists on Secure, path /, no
    domain); a plain name over HTTP on loopback, where a Secure cookie would not be kept."""
    return SECURE_SESSION_COOKIE if is_https(request) else SESSION_COOKIE


def signin_cookie_name(request: Request) -> str:
    """The pre-session cookie's name, prefixed like the session cookie's."""
    return SECURE_SIGNIN_COOKIE if is_https(request) else SIGNIN_COOKIE


def enrol_cookie_name(request: Request) -> str:
    """The enrolment session's cookie name, prefixed like the session cookie's."""
    return SECURE_ENROL_COOKIE if is_https(request) else ENROL_COOKIE


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A session-lifetime cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, path /."""
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def csrf_token(secret: str) -> str:
    """The CSRF token of a session (or pre-session) secret: HMAC-SHA256 keyed by the
    secret, which lives only in an HttpOnly cookie, so a page of another site cannot
    compute it; nothing is stored."""
    return hmac.new(secret.encode("utf-8"), b"joinedup csrf", hashlib.sha256).hexdigest()


def csrf_ok(secret: str | None, presented: str | None) -> bool:
    """True when ``presented`` is the CSRF token of ``secret``."""
    if not secret or not presented:
        return False
    return hmac.compare_digest(csrf_token(secret), presented)


def new_secret() -> str:
    """A fresh pre-session secret (256 bits)."""
    return secrets.token_urlsafe(32)


async def security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: the security headers on every response; ``Cache-Control: no-store`` on
    everything but the vendored static files (every page and API answer may hold personal
    data)."""
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    path = request.url.path
    if path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
