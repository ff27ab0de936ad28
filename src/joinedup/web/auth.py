"""Who a request acts as: the signed-in user of a session cookie (pages) or of a Bearer
token (the API), and the :class:`~joinedup.app.context.Caller` built from them."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from joinedup.app.context import Caller
from joinedup.app.errors import JoinedupError
from joinedup.app.signed_in import SignedIn, session_holder, token_holder
from joinedup.web.security import csrf_ok, csrf_token, session_cookie_name
from joinedup.web.state import state

# Background polls: each needs a live session, but none restarts its idle clock (a tab left
# open still times out for inactivity). FastAPI route paths; the one place that lists them.
POLLS = frozenset(
    {
        "/notifications/count",  # the header's count, every 60 s
        "/concerns/{submission_id}/routes",  # who has read a concern, every 15 s
        "/analysis/runs/{run_id}/progress",  # an analysis run, every 3 s
        "/admin/imports/{run_id}/progress",  # an import, every 1 s
        "/audit/chain/status",  # the audit chain's verification, every 2 s
    }
)
POLLED_BY_HTMX = frozenset({"/notifications"})  # a page, and its list polled every 60 s


def is_poll(request: Request) -> bool:
    """Whether ``request`` is a background poll (see :data:`POLLS`), not the user's act."""
    path = getattr(request.scope.get("route"), "path", None)
    if path in POLLS:
        return True
    return path in POLLED_BY_HTMX and request.headers.get("HX-Request") == "true"


class SignedOut(JoinedupError):
    """No live session (never signed in, signed out, or timed out)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("signed out")
        self.expired = expired


class NoPurpose(JoinedupError):
    """Signed in, but no purpose chosen yet for this session."""


class BadCsrf(JoinedupError):
    """A state-changing request without the session's CSRF token."""


@dataclass(frozen=True)
class Visitor:
    """A signed-in person on a page: who, their session secret, its CSRF token."""

    user: SignedIn
    secret: str

    @property
    def csrf(self) -> str:
        """The token every form of this session carries."""
        return csrf_token(self.secret)

    @property
    def caller(self) -> Caller:
        """Who the page's use case acts as (the purpose chosen for the session)."""
        if self.user.purpose is None:
            raise NoPurpose()
        return Caller(self.user.username, self.user.purpose, self.user.origin)


def visitor(request: Request, *, need_purpose: bool = True) -> Visitor:
    """The signed-in visitor, or :class:`SignedOut`; :class:`NoPurpose` when
    ``need_purpose`` and none is chosen yet. The session's idle clock restarts, except for a
    background poll (:func:`is_poll`)."""
    secret = request.cookies.get(session_cookie_name(request))
    if not secret:
        raise SignedOut()
    user = session_holder(state(request).rt, secret, extend=not is_poll(request))
    if user is None:
        raise SignedOut(expired=True)
    if need_purpose and user.purpose is None:
        raise NoPurpose()
    return Visitor(user, secret)


def check_csrf(request: Request, found: Visitor, presented: str | None) -> None:
    """Refuse a state-changing request whose form field (or HTMX header) is not the
    session's CSRF token."""
    presented = presented or request.headers.get("X-CSRF-Token")
    if not csrf_ok(found.secret, presented):
        raise BadCsrf()


def api_caller(request: Request) -> Caller:
    """The holder of the ``Authorization: Bearer`` token, acting for the purpose in the
    ``X-Purpose`` header (default: the first their role allows); :class:`SignedOut` else."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignedOut()
    user = token_holder(state(request).rt, token.strip(), request.headers.get("X-Purpose"))
    if user is None or user.purpose is None:
        raise SignedOut(expired=True)
    return Caller(user.username, user.purpose, user.origin)
