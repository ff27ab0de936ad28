"""What every route needs: the runtime (store, keys, door) and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from joinedup.app.permissions import actions_of
from joinedup.app.runtime import Runtime
from joinedup.web.menu import menu_of

HERE = Path(__file__).parent


@dataclass
class WebState:
    """Built once by :func:`joinedup.web.create_app`."""

    rt: Runtime
    templates: Jinja2Templates


def make_templates() -> Jinja2Templates:
    """The page templates (autoescaped); ``menu_of(role)`` is the header's menu grouped by
    task, ``actions_of(role)`` which buttons a page offers (each page's use case still
    decides)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["actions_of"] = actions_of
    templates.env.globals["menu_of"] = menu_of
    return templates


def state(request: Request) -> WebState:
    """The app's :class:`WebState`."""
    found: WebState = request.app.state.web
    return found
