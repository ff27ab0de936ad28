"""Fast bulk insertion for the ingest path: values converted once, handed to the driver.

SQLAlchemy's per-row parameter processing dominates when a million rows are inserted; here
each column's conversion (JSON to text, aware datetimes to naive UTC) is decided once per
table and applied in a tight loop, and the rows go to the DBAPI ``executemany`` (SQLite) or
``COPY`` (PostgreSQL, psycopg 3).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Table

from joinedup.store.tables.base import UTCDateTime

Converter = Callable[[Any], Any]


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None)


def _same(value: Any) -> Any:
    return value


def _converters(table: Table) -> list[tuple[str, Converter]]:
    out: list[tuple[str, Converter]] = []
    for column in table.columns:
        if isinstance(column.type, JSON):
            out.append((column.key, _json))
        elif isinstance(column.type, UTCDateTime):
            out.append((column.key, _utc))
        else:
            out.append((column.key, _same))
    return out


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (every column present in each mapping) into ``table``."""
    if not rows:
        return
    converters = _converters(table)
    names = [name for name, _ in converters]
    tuples = [tuple(convert(row[name]) for name, convert in converters) for row in rows]
    dialect = connection.dialect.name
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    target = connection.dialect.identifier_preparer.format_table(table)
    if dialect == "postgresql":
        raw = connection.connection.driver_connection
        if raw is None:
            raise RuntimeError("no driver connection for COPY")
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for values in tuples:
                copy.write_row(values)
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(f"INSERT INTO {target} ({quoted}) VALUES ({marks})", tuples)
