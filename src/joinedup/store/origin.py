"""Where the acting person came from and how they were authenticated, for the audit trail.

An interface sets the origin for the work it does on a person's behalf (the command line: "cli,
token <id>" or "cli, not authenticated"; later the web: the session); every audit row written
meanwhile, through the door or the identity path, carries it in its detail as ``origin``.
A context variable, so concurrent requests of a web server each keep their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_ORIGIN: ContextVar[str | None] = ContextVar("joinedup_origin", default=None)


def current() -> str | None:
    """The origin set for the work under way (None: none was set)."""
    return _ORIGIN.get()


@contextmanager
def acting_from(origin: str | None) -> Iterator[None]:
    """Set the origin for the work done inside the block."""
    token = _ORIGIN.set(origin)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def stamped(detail: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """``detail`` with the current origin added (unchanged when none is set, or when the
    detail names an origin of its own, such as a new session's)."""
    origin = _ORIGIN.get()
    if origin is None:
        return detail
    return {"origin": origin, **(detail or {})}
