"""Who is acting, and the runtime they act through.

A :class:`Caller` is the acting user and the purpose they act for; every use case takes one
and opens the door with it, so the audit trail records who, why and from where.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from joinedup.app.runtime import Runtime
from joinedup.app.signin import NeedsToken, cli_identity
from joinedup.app.signin import NoActorNamed as NoActor
from joinedup.settings import SERVICE_ACCOUNT, Settings, from_environment
from joinedup.store import origin
from joinedup.store.actor_session import ActorSession

__all__ = [
    "Caller",
    "NeedsToken",
    "NoActor",
    "Settings",
    "acting_as",
    "caller",
    "from_environment",
    "pipeline",
    "runtime",
    "session",
    "using",
]

# the runtime a long-lived interface (the web) built once; None: build one per use case
_RUNTIME: ContextVar[Runtime | None] = ContextVar("joinedup_runtime", default=None)


@dataclass(frozen=True)
class Caller:
    """The acting user (a username) and the purpose of processing they act for."""

    username: str
    purpose: str
    origin: str | None = None  # how they were authenticated, for the audit trail

    def for_purpose(self, purpose: str) -> Caller:
        """The same user acting for another purpose."""
        return Caller(self.username, purpose, self.origin)


def caller(username: str | None, purpose: str, *, service_default: bool = False) -> Caller:
    """Who a command acts as: the holder of ``JOINEDUP_TOKEN``; else (dev mode only)
    ``username`` or ``JOINEDUP_USER``; else, for the pipeline's own commands, the service
    account (:func:`joinedup.app.signin.cli_identity`)."""
    who = cli_identity(from_environment(), username, service_default=service_default)
    return Caller(who.username, purpose, who.origin)


@contextmanager
def acting_as(who: Caller) -> Iterator[None]:
    """Every audit row written inside the block says how ``who`` was authenticated."""
    with origin.acting_from(who.origin) if who.origin else _nothing():
        yield


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def pipeline(purpose: str) -> Caller:
    """The platform's own service account, for the automated pipeline's steps."""
    return Caller(SERVICE_ACCOUNT, purpose)


def runtime(create_keys: bool = False) -> Runtime:
    """The runtime for this use case: the one set by :func:`using`, else one from the
    environment (``create_keys``: ``init`` and ``demo`` may create missing keys in dev
    mode)."""
    current = _RUNTIME.get()
    if current is not None and not create_keys:
        return current
    return Runtime(from_environment(), create_keys=create_keys)


@contextmanager
def using(rt: Runtime) -> Iterator[None]:
    """Use cases called inside the block use ``rt`` (one engine and its connection pool for
    a whole web server) instead of building a runtime, and an engine, per call."""
    token = _RUNTIME.set(rt)
    try:
        yield
    finally:
        _RUNTIME.reset(token)


@contextmanager
def session(
    who: Caller, rt: Runtime | None = None, *, shared: bool = False
) -> Iterator[ActorSession]:
    """A door session (one transaction, audited) for ``who``; with ``shared``, an aggregate
    session across the agencies of ``who``'s live aggregate information-sharing agreements
    (for aggregate outputs only: counts, estimates, pseudonymised profiles)."""
    door = (rt or runtime()).door
    opened_by = door.aggregate_session if shared else door.session
    with acting_as(who), opened_by(who.username, who.purpose) as opened:
        yield opened
