"""The application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from joinedup.app.runtime import Runtime
from joinedup.settings import Settings, from_environment
from joinedup.web import api, errors, signin_pages, work_pages
from joinedup.web.security import security_headers
from joinedup.web.state import HERE, WebState, make_templates


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application on the store and keys of ``settings`` (default: the
    environment, as the CLI reads it)."""
    web = WebState(Runtime(settings or from_environment()), make_templates())
    app = FastAPI(title="joinedup", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.middleware("http")(security_headers)
    errors.install(app)
    app.include_router(signin_pages.router)
    app.include_router(work_pages.router)
    sub = api.create_api()
    sub.state.web = web
    app.mount("/api/v1", sub)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
