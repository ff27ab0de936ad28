"""One actor's transaction: scoped reads and writes, each written to the audit chain."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import JSON, Select, Table, func, or_, select
from sqlalchemy.orm import Session

from joinedup.common.errors import JoinedupError
from joinedup.model.access import Actor
from joinedup.model.audit import Access, Operation
from joinedup.model.base import Owned
from joinedup.model.policy import policy
from joinedup.store import audit, origin
from joinedup.store.auditor import AuditorQueries
from joinedup.store.bulk import bulk_insert
from joinedup.store.checks import ActionChecks, Forbidden
from joinedup.store.guarded import TypedTextAndFields
from joinedup.store.hooks import SessionHooks
from joinedup.store.kinds import Kind, kind_of
from joinedup.store.linkage_keys import LinkageKeys
from joinedup.store.places import PlaceDirectory
from joinedup.store.scans import Scans
from joinedup.store.scope import Reader, scope_clause
from joinedup.store.sharing import NOTHING, Sharing, naming_agreements
from joinedup.store.staff import StaffDirectory
from joinedup.store.tables.admin import ErasureRow

__all__ = ["ActorSession", "Forbidden", "NotFound"]

M = TypeVar("M", bound=BaseModel)
_CHUNK = 5000


class NotFound(JoinedupError, LookupError):
    """No such row, or none the actor may reach (the two are deliberately the same)."""


class ActorSession(
    ActionChecks,
    StaffDirectory,
    TypedTextAndFields,
    AuditorQueries,
    Scans,
    PlaceDirectory,
    LinkageKeys,
):
    """Scoped, audited access for one actor and purpose inside one transaction."""

    def __init__(
        self,
        orm: Session,
        actor: Actor,
        purpose: str,
        audit_key: bytes,
        clock: Callable[[], datetime],
        hooks: SessionHooks | None = None,
        is_service: bool = False,
        on_behalf_of: Actor | None = None,
        sharing: Sharing = NOTHING,
        aggregate: bool = False,
    ) -> None:
        self.actor = actor
        # the live information-sharing agreements the actor works under for this purpose, and
        # whether this session computes aggregates under an ``aggregate`` agreement
        self.sharing = sharing
        self.aggregate = aggregate
        self.is_service = is_service
        # the person the service account acts for (Door.on_behalf); named on every audit row
        self.on_behalf_of = on_behalf_of
        self.purpose = purpose
        self._orm = orm
        self._key = audit_key
        self._clock = clock
        self.audit_head: tuple[int, str] | None = None
        # consultations and disclosures logged so far: facts once data has left the store,
        # which the door records again if this transaction rolls back
        self.facts: builtins.list[tuple[audit.Entry, datetime]] = []
        self.reanchor = False  # set by an auditor's acknowledgement of the checkpoint
        self._hooks = hooks or SessionHooks()
        self._entered: builtins.set[str] = set()  # typed text that passed the check
        self._typed: builtins.list[tuple[str, str, str, str]] = []  # kind, id, path, text
        self.finished = False  # set by the door once the transaction committed or rolled back

    # -- audit -----------------------------------------------------------------------------

    def _log(
        self,
        operation: Operation,
        access: Access,
        object_type: str,
        ids: Sequence[str],
        recipient: str | None = None,
        detail: Mapping[str, Any] | None = None,
        *,
        fact: bool = False,
    ) -> None:
        entry = audit.Entry(
            actor_id=self.actor.user_id,
            actor_name=self.actor.username,
            agency_id=self.actor.agency_id,
            role=self.actor.role,
            operation=operation,
            access=access,
            object_type=object_type,
            object_ids=ids,
            purpose=self.purpose,
            recipient=recipient,
            detail=origin.stamped(naming_agreements(self.sharing, self.aggregate, detail)),
            on_behalf_of=self.on_behalf_of.user_id if self.on_behalf_of else None,
        )
        when = self._clock()
        self.audit_head = audit.append(self._orm, self._key, entry, when)
        if fact or operation in ("consultation", "disclosure"):
            self.facts.append((entry, when))

    # -- helpers ---------------------------------------------------------------------------

    def _scope(self, kind: Kind, operation: Operation) -> Any:
        reader = Reader(self.actor, self.purpose, self._clock(), self.sharing, self.aggregate)
        return scope_clause(kind, reader, operation)

    def _scoped(self, kind: Kind, operation: Operation) -> Select[Any]:
        return select(kind.table).where(self._scope(kind, operation))

    def _to_model(self, kind: Kind, row: Any) -> Any:
        data = {name: getattr(row, name) for name in kind.model.model_fields}
        for secret in kind.secret_columns:
            data[secret] = None
        if kind.encrypted_columns:
            self._decrypt(kind, data)
        return kind.model.model_validate(data)

    def _to_values(self, kind: Kind, obj: BaseModel) -> dict[str, Any]:
        values = obj.model_dump(mode="python")
        columns = kind.table.__table__.columns
        json_columns = {c.key for c in columns if isinstance(c.type, JSON)}
        if json_columns:
            values.update(obj.model_dump(mode="json", include=json_columns))
        return values

    def _stamp(self, obj: M) -> M:
        update: dict[str, Any] = {}
        if isinstance(obj, Owned) and obj.created_by is None:
            update["created_by"] = self.actor.user_id
        if kind_of(type(obj)).name == "case" and getattr(obj, "case_id", None) is None:
            update["case_id"] = obj.id  # type: ignore[attr-defined]
        return obj.model_copy(update=update) if update else obj

    def _filtered(
        self, stmt: Select[Any], kind: Kind, where: Mapping[str, Any] | None
    ) -> Select[Any]:
        for name, value in (where or {}).items():
            if name not in kind.model.model_fields:
                raise ValueError(f"{kind.name} has no field {name!r}")
            column = getattr(kind.table, name)
            if isinstance(value, list | tuple | set | frozenset):
                stmt = stmt.where(column.in_(sorted(value)))  # any of these values
            else:
                stmt = stmt.where(column == value)
        return stmt

    def _count_in_scope(self, kind: Kind, ids: Sequence[str], operation: Operation) -> int:
        total = 0
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            total += self._orm.execute(
                select(func.count())
                .select_from(kind.table)
                .where(
                    kind.table.id.in_(chunk),  # type: ignore[attr-defined]
                    self._scope(kind, operation),
                )
            ).scalar_one()
        return total

    def _plainly_in_scope(self, kind: Kind, rows: Sequence[Mapping[str, Any]]) -> bool:
        """Whether new rows are in collection scope without asking the database.

        True only for the two reaches decidable from the rows themselves: ``partnership``
        (every row), and ``own_agency`` when every row is held by the actor's agency. Other
        reaches (grants, panels) are checked by the scope predicate in the database.
        """
        reaches = policy().reaches(self.actor.role, "collection", kind.category)
        if "partnership" in reaches:
            return True
        owner = kind.owner_column
        return (
            "own_agency" in reaches
            and owner is not None
            and all(row[owner] == self.actor.agency_id for row in rows)
        )

    # -- collection and alteration ---------------------------------------------------------

    def add(self, obj: M) -> M:
        """Store a new object (collection); it must fall within the actor's scope."""
        return self.add_all([obj])[0]

    def add_all(self, objs: Sequence[M]) -> builtins.list[M]:
        """Store many objects of one kind in bulk, with one audit row naming every id."""
        if not objs:
            return []
        kind = kind_of(type(objs[0]))
        if any(type(o) is not kind.model for o in objs):
            raise TypeError("add_all takes objects of one kind")
        stamped = [self._stamp(o) for o in objs]
        self.add_values(kind.model, [self._to_values(kind, o) for o in stamped])
        return stamped

    def add_values(
        self, model: type[BaseModel], rows: Sequence[dict[str, Any]], *, encrypted: bool = False
    ) -> None:
        """Bulk collection of pre-validated column values (the ingest fast path).

        The caller guarantees each mapping holds valid values for every column; scope is
        still checked for every new id and one audit row names them all. The kind's
        encrypted columns are encrypted here unless ``encrypted`` (ingest encrypted them).
        """
        if not rows:
            return
        kind = kind_of(model)
        self.require_operation("collection", kind.category)
        if kind.typed_text:
            self._note_typed(kind, rows, rows[0].keys())
        if kind.encrypted_columns and not encrypted:
            rows = [dict(r) for r in rows]
            for row in rows:
                self._encrypt(kind, row, kind.encrypted_columns)
        table: Table = kind.table.__table__  # type: ignore[assignment]
        bulk_insert(self._orm.connection(), table, rows)
        ids = [str(r["id"]) for r in rows]
        if not self._plainly_in_scope(kind, rows) and self._count_in_scope(
            kind, ids, "collection"
        ) != len(ids):
            raise Forbidden(
                f"role {self.actor.role!r} of agency {self.actor.agency_id} may not add "
                f"{kind.name} rows for another agency"
            )
        self._log("collection", "add", kind.name, ids)

    def update(self, model: type[M], obj_id: str, **changes: Any) -> M:
        """Change fields of an object in scope (alteration)."""
        kind = kind_of(model)
        row = self._orm.execute(
            self._scoped(kind, "alteration").where(kind.table.id == obj_id)  # type: ignore[attr-defined]
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no {kind.name} with id {obj_id}")
        if "id" in changes:
            raise ValueError("an object's id cannot change")
        current = self._to_model(kind, row).model_dump()
        for secret in kind.secret_columns:
            current[secret] = getattr(row, secret)
        updated = model.model_validate({**current, **changes})
        values = self._to_values(kind, updated)
        self._note_typed(kind, [values], changes, current)
        self._encrypt(kind, values, changes)
        for name in changes:
            setattr(row, name, values[name])
        self._orm.flush()
        if self._count_in_scope(kind, [obj_id], "alteration") != 1:
            raise Forbidden(f"the change would move {kind.name} {obj_id} out of your scope")
        self._log("alteration", "update", kind.name, [obj_id])
        return updated

    def erase(self, model: type[BaseModel], obj_id: str, reason: str) -> None:
        """Erase an object: it disappears from every query (erasure is logged)."""
        kind = kind_of(model)
        if self._count_in_scope(kind, [obj_id], "erasure") != 1:
            raise NotFound(f"no {kind.name} with id {obj_id}")
        erasure_id = f"erasure-{kind.name}-{obj_id}"
        self._orm.add(
            ErasureRow(
                id=erasure_id,
                object_type=kind.name,
                object_id=obj_id,
                # free text (the field classification): stored only encrypted
                reason=self.field_crypto().encrypt(
                    reason, table="erasure", column="reason", row_id=erasure_id
                ),
                erased_by=self.actor.user_id,
                erased_at=self._clock(),
            )
        )
        self._orm.flush()
        self._log("erasure", "erase", kind.name, [obj_id])

    # -- consultation and disclosure -------------------------------------------------------

    def get(self, model: type[M], obj_id: str) -> M:
        """One object by id; :class:`NotFound` when missing or out of scope."""
        kind = kind_of(model)
        row = self._orm.execute(
            self._scoped(kind, "consultation").where(kind.table.id == obj_id)  # type: ignore[attr-defined]
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no {kind.name} with id {obj_id}")
        self._log("consultation", "get", kind.name, [obj_id])
        result: M = self._to_model(kind, row)
        return result

    def list(
        self,
        model: type[M],
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[M]:
        """Objects in scope matching ``where`` (field equality; a list, tuple or set: any of
        its values), in id order."""
        return self._read(model, "consultation", "list", where, None, limit, offset)

    def search(self, model: type[M], text: str, limit: int | None = 100) -> builtins.list[M]:
        """Objects in scope whose search columns contain ``text`` (case-insensitive)."""
        return self._read(model, "consultation", "search", None, text, limit, 0)

    def export(
        self, model: type[M], recipient: str, where: Mapping[str, Any] | None = None
    ) -> builtins.list[M]:
        """Objects in scope for disclosure to ``recipient`` (logged with the recipient)."""
        self._require_recipient(recipient)
        return self._read(model, "disclosure", "export", where, None, None, 0, recipient)

    def disclosable(self, model: type[BaseModel], ids: Iterable[str]) -> builtins.set[str]:
        """Which of ``ids`` the actor may disclose (a scope check; nothing is read or logged)."""
        kind = kind_of(model)
        wanted = sorted(set(ids))
        allowed: builtins.set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            allowed.update(
                self._orm.execute(
                    select(kind.table.id).where(  # type: ignore[attr-defined]
                        kind.table.id.in_(wanted[start : start + _CHUNK]),  # type: ignore[attr-defined]
                        self._scope(kind, "disclosure"),
                    )
                ).scalars()
            )
        return allowed

    def disclose(self, model: type[BaseModel], ids: Iterable[str], recipient: str) -> None:
        """Record that objects already read went to ``recipient`` (a file built from them,
        such as a network export); every id must be in disclosure scope."""
        self._require_recipient(recipient)
        kind = kind_of(model)
        id_list = sorted(set(ids))
        if self._count_in_scope(kind, id_list, "disclosure") != len(id_list):
            raise NotFound(f"some {kind.name} ids are missing")
        self._log("disclosure", "export", kind.name, id_list, recipient)

    def _read(
        self,
        model: type[M],
        operation: Operation,
        access: Access,
        where: Mapping[str, Any] | None,
        text: str | None,
        limit: int | None,
        offset: int,
        recipient: str | None = None,
    ) -> builtins.list[M]:
        kind = kind_of(model)
        stmt = self._filtered(self._scoped(kind, operation), kind, where)
        if text is not None:
            needle = text.lower()
            columns = [kind.column(c) for c in kind.search_columns]
            if not columns:
                raise ValueError(f"{kind.name} is not searchable")
            stmt = stmt.where(
                or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))
            )
        stmt = stmt.order_by(kind.table.id).offset(offset)  # type: ignore[attr-defined]
        if limit is not None:
            stmt = stmt.limit(limit)
        results: builtins.list[M] = [
            self._to_model(kind, row) for row in self._orm.execute(stmt).scalars()
        ]
        self._log(operation, access, kind.name, [r.id for r in results], recipient)  # type: ignore[attr-defined]
        return results

    # -- combination -------------------------------------------------------------------------

    def combine(self, model: type[BaseModel], ids: Iterable[str]) -> None:
        """Record that objects were combined (record linkage, merges)."""
        kind = kind_of(model)
        id_list = sorted(set(ids))
        if self._count_in_scope(kind, id_list, "combination") != len(id_list):
            raise NotFound(f"some {kind.name} ids are missing")
        self._log("combination", "combine", kind.name, id_list)
