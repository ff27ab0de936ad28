"""What every route needs: the runtime (store, keys, door) and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from joinedup.app.runtime import Runtime

HERE = Path(__file__).parent


@dataclass
class WebState:
    """Built once by :func:`joinedup.web.create_app`."""

    rt: Runtime
    templates: Jinja2Templates


def make_templates() -> Jinja2Templates:
    """The page templates (autoescaped)."""
    return Jinja2Templates(directory=str(HERE / "templates"))


def state(request: Request) -> WebState:
    """The app's :class:`WebState`."""
    found: WebState = request.app.state.web
    return found
