"""``joinedup init``: create or migrate the schema, then the partnership's system accounts.

Creates (once) the database's random id, the partnership agency that hosts system accounts,
the pipeline service account (role ``pipeline``) and optionally a first administrator. Each
creation is written to the audit chain as a collection by the ``system`` actor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.passwords import hash_password
from joinedup.model.base import new_id, utcnow
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store import audit, migrate
from joinedup.store.checkpoint import CheckpointFile
from joinedup.store.tables.admin import AgencyRow, Meta, UserRow

PARTNERSHIP_AGENCY = "Safeguarding partnership"


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did."""

    database_id: str
    revision: str | None
    created: tuple[str, ...]


def _system_entry(object_type: str, object_id: str) -> audit.Entry:
    return audit.Entry(
        actor_id=None,
        actor_name="system",
        agency_id=None,
        role="system",
        operation="collection",
        access="add",
        object_type=object_type,
        object_ids=[object_id],
        purpose="administration",
    )


def initialise(
    engine: Engine,
    audit_key: bytes,
    checkpoint_dir: Path,
    admin: tuple[str, str | None] | None = None,
) -> InitResult:
    """Migrate to the newest schema and create what is missing; safe to run again.

    ``admin`` is ``(username, password or None)`` for a first administrator.
    """
    migrate.upgrade(engine)
    created: list[str] = []
    head: tuple[int, str] | None = None
    with Session(engine) as orm, orm.begin():
        meta = orm.get(Meta, "database_id")
        if meta is None:
            meta = Meta(key="database_id", value=secrets.token_hex(16))
            orm.add(meta)
            created.append("database id")
        database_id = meta.value
        agency = orm.execute(
            select(AgencyRow).where(AgencyRow.name == PARTNERSHIP_AGENCY)
        ).scalar_one_or_none()
        if agency is None:
            agency = AgencyRow(id=new_id(), name=PARTNERSHIP_AGENCY, kind="partnership")
            orm.add(agency)
            orm.flush()
            head = audit.append(orm, audit_key, _system_entry("agency", agency.id), utcnow())
            created.append(f"agency {PARTNERSHIP_AGENCY!r}")
        wanted: list[tuple[str, str, str | None, bool]] = [
            (SERVICE_ACCOUNT, "pipeline", None, True)
        ]
        if admin is not None:
            wanted.append((admin[0], "admin", admin[1], False))
        for username, role, password, is_service in wanted:
            exists = orm.execute(select(UserRow.id).where(UserRow.username == username)).first()
            if exists is not None:
                continue
            user = UserRow(
                id=new_id(),
                username=username,
                display_name="Pipeline service account" if is_service else username,
                agency_id=agency.id,
                role=role,
                password_hash=hash_password(password) if password else None,
                active=True,
                is_service=is_service,
                created_at=utcnow(),
            )
            orm.add(user)
            orm.flush()
            head = audit.append(orm, audit_key, _system_entry("user", user.id), utcnow())
            created.append(f"user {username!r} ({role})")
    checkpoint = CheckpointFile(checkpoint_dir, database_id, audit_key)
    if head is not None:
        checkpoint.advance(*head)
    elif checkpoint.read() is None:
        checkpoint.advance(0, audit.GENESIS_MAC)
    return InitResult(database_id, migrate.current_revision(engine), tuple(created))
