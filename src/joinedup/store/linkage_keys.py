"""The drop index through the door: its HMAC key, and which stored records hold which keyed
hashes (a mixin of :class:`joinedup.store.actor_session.ActorSession`).

The index (``linkage_key``, :mod:`joinedup.linkage.drop_index`) holds, for each stored person
record, HMACs of its blocking-key values, context tokens and neighbours' ids. Its reads are
scans, scoped and logged like any (one consultation row per chunk naming the filter, which
holds only hashes); its writes are bulk collections and deletions by id, logged.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import delete

from joinedup.model.linkage import LinkageKey, LinkageStatistics
from joinedup.store.checks import Forbidden
from joinedup.store.hooks import SessionHooks
from joinedup.store.kinds import kind_of
from joinedup.store.logged import Logged

__all__ = ["LinkageKeys"]

_CHUNK = 900  # values per IN (...) list


def _chunks(values: Iterable[str]) -> Iterable[builtins.list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class LinkageKeys(Logged):
    """:meth:`linkage_index_key`, :meth:`records_holding`, :meth:`index_rows`,
    :meth:`drop_derived_rows`."""

    if TYPE_CHECKING:
        _hooks: SessionHooks
        _orm: Any

        def scan(
            self,
            model: Any,
            columns: Sequence[str],
            where: Any = None,
            chunk: int = 50_000,
            *,
            logged: bool = True,
        ) -> Any: ...

        def require_operation(self, operation: Any, category: Any) -> None: ...

        def _count_in_scope(self, kind: Any, ids: Sequence[str], operation: Any) -> int: ...

    def linkage_index_key(self) -> bytes | None:
        """The drop index's HMAC key, or None when the door was opened without it."""
        load = self._hooks.linkage_key
        return None if load is None else load()

    def records_holding(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """``key -> ids of the stored records in scope holding it``, for these keyed hashes."""
        out: dict[str, set[str]] = {}
        for part in _chunks(keys):
            for rows in self.scan(LinkageKey, ["record_id", "key"], where={"key": part}):
                for _id, record_id, key in rows:
                    out.setdefault(key, set()).add(record_id)
        return out

    def record_keys_of(self, record_ids: Iterable[str], kind: str) -> dict[str, set[str]]:
        """``record_id -> its keys of one kind`` (``t``: the hashes of its context tokens)."""
        rows = self.index_rows(record_ids, kind)
        return {record: {key for _kind, key in found} for record, found in rows.items()}

    def index_rows(
        self, record_ids: Iterable[str] | None = None, kind: str | None = None
    ) -> dict[str, dict[tuple[str, str], str]]:
        """``record_id -> {(kind, key): row id}`` of the index rows in scope (every record's
        when ``record_ids`` is None; of one ``kind`` only when given)."""
        out: dict[str, dict[tuple[str, str], str]] = {}
        parts: Iterable[Any] = [None] if record_ids is None else _chunks(record_ids)
        for part in parts:
            where: dict[str, Any] = {} if part is None else {"record_id": part}
            if kind is not None:
                where["kind"] = kind
            columns = ["record_id", "kind", "key"]
            for rows in self.scan(LinkageKey, columns, where=where or None):
                for row_id, record_id, found, key in rows:
                    out.setdefault(record_id, {})[(found, key)] = row_id
        return out

    def drop_derived_rows(self, model: type[BaseModel], row_ids: Sequence[str]) -> None:
        """Delete rows of the drop index or of the kept statistics by id (a record's value
        changed, a full run's statistics replace the last): rows derived by linkage, not a
        record or a person's data, so an alteration logged once for them all, not an erasure
        kept in ``erasure``. Any other kind is refused."""
        if model not in (LinkageKey, LinkageStatistics):
            raise ValueError(f"only the drop index's rows are deleted this way, not {model}")
        if not row_ids:
            return
        kind = kind_of(model)
        self.require_operation("alteration", kind.category)
        table = kind.table
        for part in _chunks(row_ids):
            if self._count_in_scope(kind, part, "alteration") != len(part):
                raise Forbidden(f"a {kind.name} row to delete is out of scope")
            self._orm.execute(delete(table).where(table.id.in_(part)))  # type: ignore[attr-defined]
        self._log("alteration", "update", kind.name, list(row_ids), detail={"deleted": True})
