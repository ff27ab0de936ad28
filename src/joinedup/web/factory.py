"""The application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from joinedup.app.context import Settings, from_environment, using
from joinedup.app.people_index import index_for
from joinedup.app.runtime import Runtime
from joinedup.web import (
    account_pages,
    action_pages,
    admin_pages,
    analysis_pages,
    api,
    assessment_pages,
    concern_pages,
    directory_pages,
    dpo_pages,
    errors,
    flag_pages,
    import_pages,
    intelligence_pages,
    language_pages,
    notification_pages,
    ops,
    panel_pages,
    quarantine_pages,
    review_pages,
    sharing_pages,
    signin_pages,
    thing_pages,
    work_pages,
)
from joinedup.web.security import security_headers
from joinedup.web.state import HERE, WebState, make_templates

log = logging.getLogger("joinedup.web")
CallNext = Callable[[Request], Awaitable[Response]]


def _warm(rt: Runtime) -> None:
    """Build the search index before the first search needs it."""
    try:
        index_for(rt)
    except Exception:  # the first search will try again, and show its own error
        log.exception("could not build the search index at start-up")


def create_app(settings: Settings | None = None, *, warm: bool = True) -> FastAPI:
    """The web application on the store and keys of ``settings`` (default: the
    environment, as the CLI reads it). ``warm``: build the search index in the background
    at start-up."""
    web = WebState(Runtime(settings or from_environment()), make_templates())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm, args=(web.rt,), daemon=True).start()
        yield

    app = FastAPI(
        title="joinedup", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.web = web

    @app.middleware("http")
    async def one_runtime(request: Request, call_next: CallNext) -> Response:
        with using(web.rt):  # every use case of the request shares the app's engine
            return await call_next(request)

    app.middleware("http")(security_headers)
    errors.install(app)
    app.include_router(signin_pages.router)
    app.include_router(account_pages.router)
    app.include_router(work_pages.router)
    app.include_router(ops.router)
    app.include_router(sharing_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(flag_pages.router)
    app.include_router(concern_pages.router)
    app.include_router(intelligence_pages.router)
    app.include_router(thing_pages.router)
    app.include_router(notification_pages.router)
    app.include_router(directory_pages.router)  # administrator: agencies, panels, revoke
    app.include_router(import_pages.router)  # administrator: uploads
    app.include_router(dpo_pages.router)  # data protection officer: chain, erasure

    app.include_router(assessment_pages.router)
    app.include_router(language_pages.router)  # the language check of every form

    app.include_router(panel_pages.router)
    app.include_router(action_pages.router)

    app.include_router(review_pages.router)
    app.include_router(quarantine_pages.router)

    app.include_router(analysis_pages.router)
    sub = api.create_api()
    sub.state.web = web
    app.mount("/api/v1", sub)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
