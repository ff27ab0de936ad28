"""Fast bulk insertion for the ingest path: values converted once, handed to the driver.

SQLAlchemy's per-row parameter processing dominates when a million rows are inserted; here
each column's conversion (JSON to text, aware datetimes to naive UTC) is decided once per
table and applied in a tight loop, and the rows go to the DBAPI ``executemany`` (SQLite) or
``COPY`` (PostgreSQL, psycopg 3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table

from joinedup.store.tables.base import UTCDateTime

Converter = Callable[[Any], Any]


def _json(value: Any) -> Any:
    if value is None or isinstance(value, str):  # None, or JSON text serialised by the caller
        return value
    return orjson.dumps(value).decode("utf-8")


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None)


def _converters(table: Table) -> tuple[list[str], list[tuple[int, Converter]]]:
    """Column names in table order, and the positions that need converting."""
    names: list[str] = []
    converting: list[tuple[int, Converter]] = []
    for index, column in enumerate(table.columns):
        names.append(column.key)
        if isinstance(column.type, JSON):
            converting.append((index, _json))
        elif isinstance(column.type, UTCDateTime):
            converting.append((index, _utc))
    return names, converting


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (every column present in each mapping) into ``table``.

    JSON columns take Python values or, already serialised, JSON text (these tables' JSON
    columns hold objects and arrays, never bare strings).
    """
    if not rows:
        return
    names, converting = _converters(table)
    pick = itemgetter(*names)
    tuples: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(pick(row))
        for index, convert in converting:
            values[index] = convert(values[index])
        tuples.append(tuple(values))
    dialect = connection.dialect.name
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    target = connection.dialect.identifier_preparer.format_table(table)
    if dialect == "postgresql":
        raw = connection.connection.driver_connection
        if raw is None:
            raise RuntimeError("no driver connection for COPY")
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for record in tuples:
                copy.write_row(record)
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(f"INSERT INTO {target} ({quoted}) VALUES ({marks})", tuples)
