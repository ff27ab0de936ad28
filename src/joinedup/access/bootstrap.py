"""``joinedup init``: create or migrate the schema, then the partnership's system accounts.

Creates (once) the database's random id, the partnership agency that hosts system accounts,
the pipeline service account (the policy's service role) and optionally a first
administrator (the person role that may ``users.add``); puts
back append-only triggers that were dropped or altered; and anchors ``JOINEDUP_HOME`` to the
database (:mod:`joinedup.store.checkpoint`). Each of these is written to the audit chain by
the ``system`` actor.

``init`` refuses to run over a home anchored to another database, or (without an anchor)
holding another database's checkpoint: a database recreated empty, or one whose id was
changed, looks exactly like that. It goes ahead only when told to adopt the database, with a
reason that goes into the new database's chain. It writes a checkpoint only for a database
whose chain it started (or one adopted); a checkpoint missing beside an existing chain stays
missing until an auditor acknowledges it.
"""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from joinedup.access.passwords import hash_password
from joinedup.common.errors import InputError, JoinedupError
from joinedup.model.audit import Access, Operation
from joinedup.model.base import new_id, utcnow
from joinedup.model.policy import policy
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store import audit, immutability, migrate
from joinedup.store.checkpoint import (
    CHECKPOINT_GLOB,
    CHECKPOINT_PREFIX,
    Anchor,
    AnchorFile,
    CheckpointFile,
    Sink,
    url_fingerprint,
)
from joinedup.store.tables.admin import AgencyRow, Meta, UserRow
from joinedup.store.tables.audit import AuditEventRow, AuditHeadRow

PARTNERSHIP_AGENCY = "Safeguarding partnership"


class InitRefused(JoinedupError, RuntimeError):
    """``JOINEDUP_HOME`` is anchored to another database."""


@dataclass(frozen=True)
class InitResult:
    """What ``init`` did, and what it found that needs a person's attention."""

    database_id: str
    revision: str | None
    created: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _system_entry(
    object_type: str,
    object_ids: list[str],
    operation: Operation = "collection",
    access: Access = "add",
    detail: dict[str, Any] | None = None,
) -> audit.Entry:
    return audit.Entry(
        actor_id=None,
        actor_name="system",
        agency_id=None,
        role="system",
        operation=operation,
        access=access,
        object_type=object_type,
        object_ids=object_ids,
        purpose="administration",
        detail=detail,
    )


def _existing_database_id(engine: Engine) -> str | None:
    if not inspect(engine).has_table(Meta.__tablename__):
        return None
    with Session(engine) as orm:
        meta = orm.get(Meta, "database_id")
        return meta.value if meta else None


def _claimed(anchor: Anchor | None, folder: Path, existing: str | None) -> str | None:
    """The database this home vouches for: its anchor's, or (a home from before anchors, or
    one whose anchor was deleted) the first database with a checkpoint file here."""
    if anchor is not None:
        return anchor.database_id
    ids = sorted(p.stem.removeprefix(CHECKPOINT_PREFIX) for p in folder.glob(CHECKPOINT_GLOB))
    return None if not ids or existing in ids else ids[0]


def _refusal(anchor: Anchor | None, anchors: AnchorFile, claimed: str, existing: str | None) -> str:
    found = f"a database with id {existing}" if existing else "a new, empty database"
    held = (
        f"{anchors.path} anchors database {claimed} (URL fingerprint {anchor.url_fingerprint}, "
        f"{anchor.seq} audit rows when anchored)"
        if anchor is not None
        else f"{anchors.path.parent} holds the audit checkpoint of database {claimed}"
    )
    return (
        f"{held}, but this is {found}. If the database was recreated or its id changed, that "
        "is what the anchor is there to catch: run `joinedup audit verify`. To use this home "
        "with this database on purpose, run `joinedup init --adopt-database --reason TEXT` "
        "(logged); otherwise point JOINEDUP_HOME at this database's own folder."
    )


def initialise(
    engine: Engine,
    audit_key: bytes,
    checkpoint_dir: Path,
    admin: tuple[str, str | None] | None = None,
    *,
    adopt_reason: str | None = None,
    sink: Sink | None = None,
) -> InitResult:
    """Migrate to the newest schema and create what is missing; safe to run again.

    ``admin`` is ``(username, password or None)`` for a first administrator;
    ``adopt_reason`` re-anchors a home anchored to another database to this one.
    """
    anchors = AnchorFile(checkpoint_dir, audit_key, sink)
    anchor = anchors.read()
    existing = _existing_database_id(engine)
    claimed = _claimed(anchor, checkpoint_dir, existing)
    adopting = claimed is not None and claimed != existing
    if claimed is not None and adopting:
        if adopt_reason is None:
            raise InitRefused(_refusal(anchor, anchors, claimed, existing))
        if not adopt_reason.strip():
            raise InputError("--reason must say why this database is adopted")
    migrate.upgrade(engine)
    created: list[str] = []
    warnings: list[str] = []
    if adopt_reason is not None and not adopting:
        warnings.append("nothing to adopt: this home was not anchored to another database")
    fingerprint = url_fingerprint(engine.url)
    with Session(engine) as orm, orm.begin():
        first = orm.get(AuditHeadRow, 1)
        started_empty = first is not None and first.last_seq == 0
        meta = orm.get(Meta, "database_id")
        if meta is None:
            meta = Meta(key="database_id", value=secrets.token_hex(16))
            orm.add(meta)
            created.append("database id")
        database_id = meta.value
        restored = immutability.restore(orm.connection())
        if restored:
            _append(orm, audit_key, _system_entry("trigger", restored, "alteration", "restore"))
            warnings.append(f"append-only triggers were missing or altered, put back: {restored}")
        created.extend(_accounts(orm, audit_key, admin))
        if anchor is None or adopting:
            detail: dict[str, Any] = {"url_fingerprint": fingerprint, "os_user": _os_user()}
            if adopting:
                detail |= {"reason": adopt_reason, "previous_database_id": claimed}
            entry = _system_entry("audit_anchor", [database_id], access="anchor", detail=detail)
            _append(orm, audit_key, entry)
        head = orm.get(AuditHeadRow, 1)
        assert head is not None
        seq, mac = head.last_seq, head.last_mac
    checkpoint = CheckpointFile(checkpoint_dir, database_id, audit_key, sink)
    if anchor is None or adopting:
        if anchor is not None and adopting:
            kept = anchors.retire(anchor.database_id).name
            created.append(f"anchor (the one of database {anchor.database_id} kept as {kept})")
        else:
            created.append("anchor")
        anchors.write(database_id, fingerprint, seq, mac)
    if started_empty or (adopting and checkpoint.read() is None):
        checkpoint.reset(seq, mac)
    elif checkpoint.advance(seq, mac, lambda n: _mac_at(engine, n)) in ("missing", "diverged"):
        warnings.append(
            f"audit checkpoint {checkpoint.path} is missing or no longer on the chain: run "
            "`joinedup audit verify`; an auditor must acknowledge it "
            "(`joinedup audit acknowledge-checkpoint`)"
        )
    return InitResult(
        database_id, migrate.current_revision(engine), tuple(created), tuple(warnings)
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _append(orm: Session, key: bytes, entry: audit.Entry) -> None:
    audit.append(orm, key, entry, utcnow())


def _mac_at(engine: Engine, seq: int) -> str | None:
    with Session(engine) as orm:
        return orm.execute(
            select(AuditEventRow.mac).where(AuditEventRow.seq == seq)
        ).scalar_one_or_none()


def _accounts(orm: Session, key: bytes, admin: tuple[str, str | None] | None) -> list[str]:
    """The partnership agency, the service account and the first administrator, if missing."""
    created: list[str] = []
    agency = orm.execute(
        select(AgencyRow).where(AgencyRow.name == PARTNERSHIP_AGENCY)
    ).scalar_one_or_none()
    if agency is None:
        agency = AgencyRow(id=new_id(), name=PARTNERSHIP_AGENCY, kind="partnership")
        orm.add(agency)
        orm.flush()
        _append(orm, key, _system_entry("agency", [agency.id]))
        created.append(f"agency {PARTNERSHIP_AGENCY!r}")
    rules = policy()
    wanted: list[tuple[str, str, str | None, bool]] = [
        (SERVICE_ACCOUNT, rules.service_role(), None, True)
    ]
    if admin is not None:
        wanted.append((admin[0], rules.administrator_role(), admin[1], False))
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
        _append(orm, key, _system_entry("user", [user.id]))
        created.append(f"user {username!r} ({role})")
    return created
