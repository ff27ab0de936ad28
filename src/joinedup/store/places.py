"""The place directory's reads and writes (a mixin of
:class:`joinedup.store.actor_session.ActorSession`).

The directory (``place_row``, ``place_cite``, ``place_entry``, ``place_key``;
:mod:`joinedup.store.tables.places`) is derived from every record naming a place, so only a
session that may run the rules over all records (``flags.run_rules``, the pipeline) reads or
writes it. Each read writes one consultation row (``scan`` of ``place_directory``, with the
number of rows), each write one collection or erasure row, as a scan of the records would.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from joinedup.store.bulk import bulk_insert
from joinedup.store.logged import Logged
from joinedup.store.tables.admin import ErasureRow
from joinedup.store.tables.places import PlaceCiteRow, PlaceEntryRow, PlaceKeyRow, PlaceRowRow

__all__ = ["PlaceDirectory"]

_CHUNK = 900  # values per IN (...) list
KIND = "place_directory"
ROW_COLUMNS: tuple[str, ...] = (
    *("record_id", "agency_id", "agency_kind", "record_type", "agency_key"),
    *("format", "loaded", "day"),
)
CITE_COLUMNS = ("record_id", "name", "position", "place_id", "pending", "args")


def _chunks(values: Iterable[str]) -> Iterator[builtins.list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class PlaceDirectory(Logged):
    """Read and replace parts of the place directory."""

    if TYPE_CHECKING:

        def require(self, action: str) -> None: ...

    def _directory_read(self, rows: int, what: str) -> None:
        self._log("consultation", "scan", KIND, [], detail={"table": what, "rows": rows})

    def place_directory_size(self) -> int:
        """How many records the directory holds (0: never built)."""
        self.require("flags.run_rules")
        return int(self._orm.execute(select(func.count()).select_from(PlaceRowRow)).scalar_one())

    def place_rows(
        self, *, record_ids: Iterable[str] = (), agency_keys: Iterable[str] = ()
    ) -> builtins.list[tuple[Any, ...]]:
        """``ROW_COLUMNS`` of the records with these ids, and of those with these agency keys
        (the caller picks the agency and file it wants)."""
        self.require("flags.run_rules")
        table = PlaceRowRow.__table__
        out: builtins.list[tuple[Any, ...]] = []
        for column, values in ((table.c.record_id, record_ids), (table.c.agency_key, agency_keys)):
            for chunk in _chunks(values):
                stmt = select(*(table.c[c] for c in ROW_COLUMNS)).where(column.in_(chunk))
                out.extend(tuple(r) for r in self._orm.execute(stmt))
        self._directory_read(len(out), "place_row")
        return out

    def place_cites(
        self,
        *,
        record_ids: Iterable[str] = (),
        place_ids: Iterable[str] = (),
        pending: Iterable[str] = (),
    ) -> builtins.list[tuple[Any, ...]]:
        """``CITE_COLUMNS`` + ``ROW_COLUMNS[1:]`` of the places these records name, of the
        citations of these places, and of the placements waiting at these postcodes."""
        self.require("flags.run_rules")
        cite, row = PlaceCiteRow.__table__, PlaceRowRow.__table__
        columns = [cite.c[c] for c in CITE_COLUMNS] + [row.c[c] for c in ROW_COLUMNS[1:]]
        found: dict[tuple[str, str], tuple[Any, ...]] = {}
        for column, values in (
            (cite.c.record_id, record_ids),
            (cite.c.place_id, place_ids),
            (cite.c.pending, pending),
        ):
            for chunk in _chunks(values):
                stmt = (
                    select(*columns)
                    .join(row, row.c.record_id == cite.c.record_id)
                    .where(column.in_(chunk))
                )
                found.update(((r[0], r[1]), tuple(r)) for r in self._orm.execute(stmt))
        out = builtins.list(found.values())
        self._directory_read(len(out), "place_cite")
        return out

    def place_entries(self, ids: Iterable[str]) -> builtins.list[tuple[Any, ...]]:
        """``(id, postcode, votes, records)`` of these places (those the directory holds)."""
        self.require("flags.run_rules")
        table = PlaceEntryRow.__table__
        out: builtins.list[tuple[Any, ...]] = []
        for chunk in _chunks(ids):
            stmt = select(table.c.id, table.c.postcode, table.c.votes, table.c.records)
            out.extend(tuple(r) for r in self._orm.execute(stmt.where(table.c.id.in_(chunk))))
        self._directory_read(len(out), "place_entry")
        return out

    def place_keys(self, kind: str, keys: Iterable[str]) -> builtins.list[tuple[str, str]]:
        """``(key, place id)`` of these lookup keys of ``kind`` (name, address, postcode)."""
        self.require("flags.run_rules")
        table = PlaceKeyRow.__table__
        out: builtins.list[tuple[str, str]] = []
        for chunk in _chunks(keys):
            stmt = select(table.c.key, table.c.place_id).where(
                table.c.kind == kind, table.c.key.in_(chunk)
            )
            out.extend((r[0], r[1]) for r in self._orm.execute(stmt))
        self._directory_read(len(out), "place_key")
        return out

    def place_keys_of(self, place_ids: Iterable[str]) -> builtins.list[tuple[str, str, str]]:
        """``(kind, key, place id)`` of every lookup of these places."""
        self.require("flags.run_rules")
        table = PlaceKeyRow.__table__
        out: builtins.list[tuple[str, str, str]] = []
        for chunk in _chunks(place_ids):
            stmt = select(table.c.kind, table.c.key, table.c.place_id)
            out.extend(tuple(r) for r in self._orm.execute(stmt.where(table.c.place_id.in_(chunk))))
        self._directory_read(len(out), "place_key")
        return out

    def erased_place_rows(self) -> builtins.list[str]:
        """Ids of records the directory holds that were erased since (hidden from every query)."""
        self.require("flags.run_rules")
        stmt = select(PlaceRowRow.record_id).join(
            ErasureRow,
            (ErasureRow.object_type == "source_record")
            & (ErasureRow.object_id == PlaceRowRow.record_id),
        )
        return sorted(r[0] for r in self._orm.execute(stmt))

    # -- writes ----------------------------------------------------------------------------

    def clear_place_directory(self) -> None:
        """Empty the directory (before a full build)."""
        self.require("flags.run_rules")
        for table in (PlaceKeyRow, PlaceEntryRow, PlaceCiteRow, PlaceRowRow):
            self._orm.execute(delete(table))
        self._log("erasure", "erase", KIND, [], detail={"all": True})

    def drop_place_rows(self, record_ids: Sequence[str]) -> None:
        """Remove these records and their citations (superseded, erased)."""
        self.require("flags.run_rules")
        for chunk in _chunks(record_ids):
            self._orm.execute(delete(PlaceCiteRow).where(PlaceCiteRow.record_id.in_(chunk)))
            self._orm.execute(delete(PlaceRowRow).where(PlaceRowRow.record_id.in_(chunk)))
        if record_ids:
            self._log("erasure", "erase", KIND, builtins.list(record_ids))

    def drop_places(self, place_ids: Iterable[str]) -> None:
        """Remove these places and their lookups (to be written again, or gone)."""
        self.require("flags.run_rules")
        for chunk in _chunks(place_ids):
            self._orm.execute(delete(PlaceKeyRow).where(PlaceKeyRow.place_id.in_(chunk)))
            self._orm.execute(delete(PlaceEntryRow).where(PlaceEntryRow.id.in_(chunk)))

    def settle_place_cites(self, settled: Mapping[tuple[str, str], str | None]) -> None:
        """Set the place of these citations (``(record id, name)``): placements settled again."""
        self.require("flags.run_rules")
        for (record_id, name), place_id in settled.items():
            self._orm.execute(
                update(PlaceCiteRow)
                .where(PlaceCiteRow.record_id == record_id, PlaceCiteRow.name == name)
                .values(place_id=place_id)
            )
        if settled:
            ids = sorted({r for r, _n in settled})
            self._log("alteration", "update", KIND, ids, detail={"cites": len(settled)})

    def add_place_directory(
        self,
        *,
        rows: Sequence[dict[str, Any]] = (),
        cites: Sequence[dict[str, Any]] = (),
        entries: Sequence[dict[str, Any]] = (),
        keys: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Insert records, citations, places and lookups (replaced ones dropped first)."""
        self.require("flags.run_rules")
        connection = self._orm.connection()
        for table, values in (
            (PlaceRowRow, rows),
            (PlaceCiteRow, cites),
            (PlaceEntryRow, entries),
            (PlaceKeyRow, keys),
        ):
            if values:
                bulk_insert(connection, table.__table__, values)  # type: ignore[arg-type]
        counts = {"rows": len(rows), "cites": len(cites), "places": len(entries)}
        self._log("collection", "add", KIND, [], detail=counts)
