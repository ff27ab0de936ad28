"""What every route needs: the runtime (store, keys, door) and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from joinedup.app.permissions import actions_of
from joinedup.app.runtime import Runtime

HERE = Path(__file__).parent


@dataclass
class WebState:
    """Built once by :func:`joinedup.web.create_app`."""

    rt: Runtime
    templates: Jinja2Templates


def make_templates() -> Jinja2Templates:
    """The page templates (autoescaped); ``actions_of(role)`` decides what the menu offers
    (each page still checks)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["actions_of"] = actions_of
    return templates


def state(request: Request) -> WebState:
    """The app's :class:`WebState`."""
    found: WebState = request.app.state.web
    return found
