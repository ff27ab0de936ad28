"""The one door: every read and write goes through a session bound to an actor and a purpose.

A :class:`Door` opens :class:`ActorSession` objects. Each session is one transaction; each
operation in it applies the scope predicate of :mod:`joinedup.store.scope` and writes one audit
row (:mod:`joinedup.store.audit`) in the same transaction. After commit the signed checkpoint
outside the database is advanced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.model.access import Actor
from joinedup.model.base import utcnow
from joinedup.model.policy import policy
from joinedup.model.vocab import vocabulary
from joinedup.store.actor_session import ActorSession, Forbidden, NotFound
from joinedup.store.checkpoint import CheckpointFile
from joinedup.store.tables.admin import Meta, UserRow

__all__ = ["Door", "Forbidden", "NotFound", "UnknownActor"]


class UnknownActor(PermissionError):
    """No active user has that name."""


class Door:
    """Opens actor-bound sessions on one database."""

    def __init__(
        self,
        engine: Engine,
        audit_key: bytes,
        checkpoint_dir: Path,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self._key = audit_key
        self._checkpoint_dir = checkpoint_dir
        self._clock = clock
        self._database_id: str | None = None

    @property
    def database_id(self) -> str:
        """The random id ``init`` gave this database (names its checkpoint file)."""
        if self._database_id is None:
            with Session(self.engine) as orm:
                value = orm.get(Meta, "database_id")
                if value is None:
                    raise RuntimeError("database is not initialised: run `joinedup init`")
                self._database_id = value.value
        return self._database_id

    def checkpoint(self) -> CheckpointFile:
        """The checkpoint file of this database."""
        return CheckpointFile(self._checkpoint_dir, self.database_id, self._key)

    @contextmanager
    def session(self, username: str, purpose: str) -> Iterator[ActorSession]:
        """A transaction acting as ``username`` for ``purpose``; commits on success."""
        vocabulary("purposes").check(purpose)
        checkpoint = self.checkpoint()
        with Session(self.engine, expire_on_commit=False) as orm:
            user = orm.execute(
                select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
            ).scalar_one_or_none()
            if user is None:
                raise UnknownActor(f"no active user named {username!r}")
            if not policy().allows_purpose(user.role, purpose):
                raise Forbidden(f"role {user.role!r} may not act for purpose {purpose!r}")
            actor = Actor(
                user_id=user.id, username=user.username, agency_id=user.agency_id, role=user.role
            )
            session = ActorSession(orm, actor, purpose, self._key, self._clock)
            try:
                yield session
                orm.commit()
            except BaseException:
                orm.rollback()
                raise
        if session.audit_head is not None:
            checkpoint.advance(*session.audit_head)


def model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Field names of a domain type (used by interfaces to render rows)."""
    return tuple(model.model_fields)
