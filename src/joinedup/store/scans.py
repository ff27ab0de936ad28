"""The pipeline's large reads: every row in scope, streamed in chunks of plain tuples, one
consultation row per chunk (a mixin of :class:`joinedup.store.actor_session.ActorSession`)."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Select, select

from joinedup.model.audit import Operation
from joinedup.model.classification import classification
from joinedup.store.kinds import Kind, kind_of
from joinedup.store.logged import Logged

__all__ = ["Scans"]


class Scans(Logged):
    """:meth:`scan`, for linkage, analysis and the assembly behind a screen."""

    if TYPE_CHECKING:

        def _scope(self, kind: Kind, operation: Operation) -> Any: ...

        def _filtered(
            self, stmt: Select[Any], kind: Kind, where: Mapping[str, Any] | None
        ) -> Select[Any]: ...

        @staticmethod
        def _encrypted_positions(kind: Kind, columns: Sequence[str]) -> builtins.list[int]: ...

        def _decrypted(
            self, kind: Kind, columns: Sequence[str], at: Sequence[int], row: tuple[Any, ...]
        ) -> tuple[Any, ...]: ...

    def scan(
        self,
        model: type[BaseModel],
        columns: Sequence[str],
        where: Mapping[str, Any] | None = None,
        chunk: int = 50_000,
        *,
        logged: bool = True,
    ) -> Iterator[builtins.list[tuple[Any, ...]]]:
        """Stream ``columns`` (plus ``id`` first) of every row in scope, in chunks.

        For the pipeline's large reads (linkage, analysis, the assembly behind a screen):
        plain tuples rather than domain objects. Each chunk writes one consultation row by
        ``scan`` that counts the rows and names the filter, not every id: what was read to
        compute something is not what was shown to anyone (:meth:`record_shown` logs that).
        Filter values are logged, so filter on ids and codes, never on case content.
        ``logged=False`` (scope still applies) is for a number that shows nothing of any
        row, the header's count of one's own notifications alone (docs/security.md); it
        reads only fields classified operational (ids, dates, statuses, codes): nothing of a
        person or their case is read without a log row.
        """
        kind = kind_of(model)
        for name in columns:
            if name not in kind.model.model_fields:
                raise ValueError(f"{kind.name} has no field {name!r}")
        table = kind.table
        selected = [table.id] + [getattr(table, c) for c in columns]  # type: ignore[attr-defined]
        stmt = self._filtered(
            select(*selected).where(self._scope(kind, "consultation")),
            kind,
            where,
        ).order_by(table.id)  # type: ignore[attr-defined]
        result = self._orm.execute(stmt.execution_options(yield_per=chunk))
        detail: dict[str, Any] = (
            {"where": {k: str(v)[:64] for k, v in where.items()}} if where else {}
        )
        secret = self._encrypted_positions(kind, columns)
        if not logged:
            _only_operational(kind, columns)
        for partition in result.partitions(chunk):
            rows = [tuple(r) for r in partition]
            if secret:
                rows = [self._decrypted(kind, columns, secret, row) for row in rows]
            if logged:
                self._log(
                    "consultation", "scan", kind.name, [], detail={**detail, "rows": len(rows)}
                )
            yield rows


def _only_operational(kind: Kind, columns: Sequence[str]) -> None:
    """Refuse an unlogged read of any field not classified operational, or of a JSON field
    with parts classified otherwise (a record's ``payload`` and ``normalised``, a flag's
    ``evidence``)."""
    data = classification()
    table = str(kind.table.__tablename__)
    for name in columns:
        parts = [
            cls for path, cls in data.tables.get(table, {}).items() if path.startswith(f"{name}.")
        ]
        whole = data.table_class(table, name)
        if (
            whole != "operational"
            or any(c != "operational" for c in parts)
            or (table == "source_record" and name in ("payload", "normalised"))
        ):
            raise ValueError(f"an unlogged scan reads only operational fields, not {table}.{name}")
