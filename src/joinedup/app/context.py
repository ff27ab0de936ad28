"""Who is acting, and the runtime they act through.

A :class:`Caller` is the acting user and the purpose they act for; every use case takes one
and opens the door with it, so the audit trail records who, why and from where.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from joinedup.app.runtime import Runtime
from joinedup.settings import SERVICE_ACCOUNT, from_environment
from joinedup.store.actor_session import ActorSession

__all__ = ["Caller", "NoActor", "caller", "pipeline", "runtime", "session"]


class NoActor(ValueError):
    """No user was named to act as."""


@dataclass(frozen=True)
class Caller:
    """The acting user (a username) and the purpose of processing they act for."""

    username: str
    purpose: str

    def for_purpose(self, purpose: str) -> Caller:
        """The same user acting for another purpose."""
        return Caller(self.username, purpose)


def caller(username: str | None, purpose: str, *, service_default: bool = False) -> Caller:
    """The caller named by an interface: ``username``, else ``JOINEDUP_USER``, else (for the
    pipeline's own commands) the service account."""
    name = username or from_environment().user or (SERVICE_ACCOUNT if service_default else None)
    if name is None:
        raise NoActor("name the user to act as with --as or JOINEDUP_USER")
    return Caller(name, purpose)


def pipeline(purpose: str) -> Caller:
    """The platform's own service account, for the automated pipeline's steps."""
    return Caller(SERVICE_ACCOUNT, purpose)


def runtime(create_keys: bool = False) -> Runtime:
    """The runtime for this use case, from the environment (``create_keys``: ``init`` and
    ``demo`` may create missing keys in dev mode)."""
    return Runtime(from_environment(), create_keys=create_keys)


@contextmanager
def session(who: Caller, rt: Runtime | None = None) -> Iterator[ActorSession]:
    """A door session (one transaction, audited) for ``who``."""
    with (rt or runtime()).door.session(who.username, who.purpose) as opened:
        yield opened
