"""Errors a person can cause get a GOV.UK-style page (or a JSON body under /api), never a
traceback: not found and not allowed look the same; a signed-out page goes to sign-in (an
HTMX request, such as a poll, is told to take the whole page there)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException

from joinedup.app.errors import Forbidden, NotFound, VocabularyError
from joinedup.web.auth import BadCsrf, NoPurpose, SignedOut
from joinedup.web.state import state

log = logging.getLogger("joinedup.web")

TITLES = {
    400: "There is a problem with what you entered",
    401: "You need to sign in",
    403: "This form has expired",
    404: "Page not found",
    405: "Page not found",
    500: "Sorry, there is a problem with the service",
}
MESSAGES = {
    400: "Check what you entered and try again.",
    401: "Sign in to continue.",
    403: "Go back, reload the page and try again. Nothing was changed.",
    404: "If you typed the web address, check it is correct. If you followed a link, the "
    "page may not exist or you may not have access to it.",
    405: "If you typed the web address, check it is correct.",
    500: "Try again later. Nothing you entered has been lost from the records.",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    """The error page (or JSON under /api) for ``status``."""
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    if _is_api(request):
        return JSONResponse({"error": title, "detail": detail}, status_code=status)
    return state(request).templates.TemplateResponse(
        request,
        "error.html",
        {"title": title, "message": detail or MESSAGES.get(status, ""), "status": status},
        status_code=status,
    )


def _has_nul(request: Request) -> bool:
    query = request.scope.get("query_string", b"").lower()
    return "\x00" in request.scope.get("path", "") or b"%00" in query or b"\x00" in query


async def refuse_nul(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: a web address holding a NUL character is bad input (400), never passed
    on: no store keeps NUL in text (PostgreSQL refuses it), and no name or reference has
    one."""
    if _has_nul(request):
        return error_response(request, 400)
    return await call_next(request)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app`` (and :func:`refuse_nul`)."""
    app.middleware("http")(refuse_nul)

    @app.exception_handler(SignedOut)
    async def signed_out(request: Request, exc: SignedOut) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": TITLES[401]},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        htmx = request.headers.get("HX-Request") == "true"
        shown = urlsplit(request.headers.get("HX-Current-URL", "")).path if htmx else ""
        target = "/sign-in?next=" + quote(shown or request.url.path, safe="/")
        if exc.expired:
            target += "&expired=1"
        if htmx:  # a poll or fragment: the whole page goes to sign-in, nothing is swapped in
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(NoPurpose)
    async def no_purpose(request: Request, exc: NoPurpose) -> Response:
        return RedirectResponse("/purpose", status_code=303)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return error_response(request, 403)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return error_response(request, 404)  # the same as not found: existence is not told

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()})
        return error_response(request, 400, f"Check: {', '.join(fields)}.")

    @app.exception_handler(VocabularyError)
    async def bad_code(request: Request, exc: VocabularyError) -> Response:
        return error_response(request, 400)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = exc.detail if exc.status_code < 500 and exc.status_code != 404 else None
        return error_response(request, exc.status_code, detail if isinstance(detail, str) else None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500)
