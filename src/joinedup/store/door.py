"""The one door: every read and write goes through a session bound to an actor and a purpose.

A :class:`Door` opens :class:`ActorSession` objects. Each session is one transaction; each
operation in it applies the scope predicate of :mod:`joinedup.store.scope` and writes one audit
row (:mod:`joinedup.store.audit`) in the same transaction. After commit the signed checkpoint
outside the database is advanced (:mod:`joinedup.store.checkpoint`). If the transaction rolls
back, what it had read or disclosed is logged again in a transaction of its own, marked as
failed: data that left the store is a fact whatever became of the transaction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from joinedup.common.errors import JoinedupError, StateError
from joinedup.model.access import Actor
from joinedup.model.base import utcnow
from joinedup.model.policy import policy
from joinedup.model.vocab import vocabulary
from joinedup.store import audit
from joinedup.store.actor_session import ActorSession, Forbidden, NotFound
from joinedup.store.checkpoint import (
    AnchorFile,
    CheckpointError,
    CheckpointFile,
    Sink,
    url_fingerprint,
)
from joinedup.store.hooks import FieldCrypto, NoFieldCrypto, SessionHooks
from joinedup.store.sharing import sharing_for
from joinedup.store.tables.admin import Meta, UserRow
from joinedup.store.tables.audit import AuditEventRow

__all__ = ["Door", "Forbidden", "NotFound", "UnknownActor"]
log = logging.getLogger("joinedup.audit")


class UnknownActor(JoinedupError, PermissionError):
    """No active user has that name."""


class Door:
    """Opens actor-bound sessions on one database."""

    def __init__(
        self,
        engine: Engine,
        audit_key: bytes,
        checkpoint_dir: Path,
        clock: Callable[[], datetime] = utcnow,
        sink: Sink | None = None,
        hooks: SessionHooks | None = None,
    ) -> None:
        self.engine = engine
        self.sink = sink
        # the check of typed text and the field cipher (installed by the composition root)
        self.hooks = hooks or SessionHooks()
        self._key = audit_key
        self._checkpoint_dir = checkpoint_dir
        self._clock = clock

    def field_crypto(self) -> FieldCrypto:
        """The keyring's field cipher, for the bulk paths that encrypt before a session opens
        (ingest preparing a file ahead); :class:`NoFieldCrypto` when none is installed."""
        if self.hooks.field_crypto is None:
            raise NoFieldCrypto("this door was opened without the keyring's field cipher")
        return self.hooks.field_crypto

    @property
    def database_id(self) -> str:
        """The random id ``init`` gave this database (read afresh: it is not trusted)."""
        with Session(self.engine) as orm:
            value = orm.get(Meta, "database_id")
        if value is None:
            raise StateError("database is not initialised: run `joinedup init`")
        return value.value

    def anchor(self) -> AnchorFile:
        """The anchor of this ``JOINEDUP_HOME``."""
        return AnchorFile(self._checkpoint_dir, self._key, self.sink)

    def checkpoint(self) -> CheckpointFile:
        """The checkpoint of the database this home is anchored to (of the database itself
        when there is no readable anchor)."""
        try:
            anchor = self.anchor().read()
        except CheckpointError:
            anchor = None
        database_id = anchor.database_id if anchor else self.database_id
        return CheckpointFile(self._checkpoint_dir, database_id, self._key, self.sink)

    @contextmanager
    def session(self, username: str, purpose: str) -> Iterator[ActorSession]:
        """A transaction acting as ``username`` for ``purpose``; commits on success."""
        who = select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
        with self._open(who, f"no active user named {username!r}", purpose) as session:
            yield session

    @contextmanager
    def aggregate_session(self, username: str, purpose: str) -> Iterator[ActorSession]:
        """A transaction acting as ``username`` for ``purpose`` that also reaches every party
        agency of the live ``aggregate`` agreements the user is a member of for that purpose,
        for computing aggregate outputs (profiles, estimates, network statistics). Its audit
        rows name the agreements; what it returns about a person the user could not reach in
        an ordinary session must be pseudonymised by the caller (joinedup.app)."""
        who = select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
        missing = f"no active user named {username!r}"
        with self._open(who, missing, purpose, aggregate=True) as session:
            if not session.sharing.aggregate:
                raise Forbidden(
                    f"{username} is a member of no live information-sharing agreement for "
                    f"aggregate {purpose} (joinedup agreements list)"
                )
            yield session

    @contextmanager
    def on_behalf(self, person: ActorSession, action: str, reason: str) -> Iterator[ActorSession]:
        """A service-account transaction taking ``action`` on ``person``'s behalf.

        Allowed only when ``roles.yml`` lists ``action`` under ``elevations:`` and the person's
        role may take the action it comes after (e.g. ``intel.route`` after
        ``intel.submit``). Its first audit row (access ``elevate``) names the person, the
        action and the reason; every row it writes has the service account as actor and the
        person in ``on_behalf_of``. ``person`` must be finished (committed or rolled back):
        an open transaction holds the locks this one needs.
        """
        rules = policy()
        after = rules.elevation_after(action)
        if after is None:
            raise Forbidden(
                f"{action} is not an action the service account takes on a person's behalf "
                "(roles.yml, elevations)"
            )
        if person.on_behalf_of is not None or not rules.allows_action(person.actor.role, after):
            raise Forbidden(
                f"role {person.actor.role!r} may not have the service account {action} on its "
                f"behalf: that follows {after}, which it may not take"
            )
        if not person.finished:
            raise RuntimeError("finish the person's session before acting on their behalf")
        if not reason.strip():
            raise ValueError("acting on a person's behalf needs a reason")
        who = (
            select(UserRow)
            .where(
                UserRow.role == rules.service_role(),
                UserRow.is_service.is_(True),
                UserRow.active.is_(True),
            )
            .order_by(UserRow.username)
            .limit(1)
        )
        missing = "no active service account: run `joinedup init`"
        with self._open(who, missing, person.purpose, person.actor) as session:
            session.record_elevation(action, reason.strip()[:500])
            session.require(action)
            yield session

    @contextmanager
    def _open(
        self,
        who: Select[Any],
        missing: str,
        purpose: str,
        for_person: Actor | None = None,
        *,
        aggregate: bool = False,
    ) -> Iterator[ActorSession]:
        vocabulary("purposes").check(purpose)
        with Session(self.engine, expire_on_commit=False) as orm:
            user = orm.execute(who).scalar_one_or_none()
            if user is None:
                raise UnknownActor(missing)
            if (user.role == policy().service_role()) != bool(user.is_service):
                # only `init` makes the service account; a person given its role (or a
                # service flag) by editing the database acts as nobody
                raise UnknownActor(
                    f"{user.username} is not a valid account (role and service flag)"
                )
            if not policy().allows_purpose(user.role, purpose):
                allowed = ", ".join(policy().role(user.role).purposes)
                raise Forbidden(
                    f"role {user.role!r} may not act for purpose {purpose!r} "
                    f"(it may act for: {allowed})"
                )
            actor = Actor(
                user_id=user.id, username=user.username, agency_id=user.agency_id, role=user.role
            )
            session = ActorSession(
                orm,
                actor,
                purpose,
                self._key,
                self._clock,
                self.hooks,
                user.is_service,
                on_behalf_of=for_person,
                sharing=sharing_for(orm, actor, purpose, self._clock()),
                aggregate=aggregate,
            )
            try:
                yield session
                session.check_typed_text()
                orm.commit()
            except BaseException as exc:
                orm.rollback()
                self._record_failed(session.facts, exc)
                raise
            finally:
                session.finished = True
        if session.audit_head is None:
            return
        if session.reanchor:
            self.reanchor(*session.audit_head)
        else:
            self.advance(*session.audit_head)

    def _record_failed(self, facts: list[tuple[audit.Entry, datetime]], exc: BaseException) -> None:
        """Log again, in a transaction of their own, the consultations and disclosures of a
        transaction that rolled back, each marked with the outcome and the error's type."""
        if not facts:
            return
        outcome = {"outcome": "rolled back", "error": type(exc).__name__}
        try:
            with Session(self.engine) as orm, orm.begin():
                head: tuple[int, str] | None = None
                for entry, when in facts:
                    detail = {**(entry.detail or {}), **outcome}
                    again = dataclasses.replace(entry, detail=detail)
                    head = audit.append(orm, self._key, again, when)
        except Exception:
            log.exception("could not log the %d reads of a failed transaction", len(facts))
            return
        if head is not None:
            self.advance(*head)

    def _mac_at(self, seq: int) -> str | None:
        with Session(self.engine) as orm:
            return orm.execute(
                select(AuditEventRow.mac).where(AuditEventRow.seq == seq)
            ).scalar_one_or_none()

    def advance(self, seq: int, mac: str) -> None:
        """Move this database's checkpoint to (seq, mac) if the home is anchored to it and
        the chain still runs through the row the checkpoint recorded; otherwise leave the
        files as they are (so verification keeps failing) and warn."""
        try:
            anchor = self.anchor().read()
        except CheckpointError as exc:
            log.warning("audit checkpoint not advanced: %s", exc)
            return
        database_id = self.database_id
        if anchor is None or anchor.database_id != database_id:
            log.warning(
                "audit checkpoint not advanced: %s does not anchor database %s "
                "(run `joinedup audit verify`)",
                self.anchor().path,
                database_id,
            )
            return
        checkpoint = CheckpointFile(self._checkpoint_dir, database_id, self._key, self.sink)
        status = checkpoint.advance(seq, mac, self._mac_at)
        if status in ("missing", "diverged"):
            log.warning(
                "audit checkpoint %s is %s and was not advanced: run `joinedup audit verify`; "
                "an auditor must look into it and acknowledge it",
                checkpoint.path,
                "missing" if status == "missing" else "no longer on the chain",
            )

    def reanchor(self, seq: int, mac: str) -> None:
        """Anchor this home and reset the checkpoint at (seq, mac): after an auditor's
        logged acknowledgement only."""
        database_id = self.database_id
        self.anchor().write(database_id, url_fingerprint(self.engine.url), seq, mac)
        CheckpointFile(self._checkpoint_dir, database_id, self._key, self.sink).reset(seq, mac)

    def acknowledge_checkpoint(
        self, username: str, reason: str, purpose: str = "audit"
    ) -> audit.Verification:
        """An auditor's logged acknowledgement that the checkpoint or anchor no longer match
        the chain (missing, forged, cut): re-anchors at the acknowledgement's own row.
        Returns what verification found before it."""
        with self.session(username, purpose) as session:
            return session.acknowledge_checkpoint(self.checkpoint(), reason)


def model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Field names of a domain type (used by interfaces to render rows)."""
    return tuple(model.model_fields)
