"""Engines for SQLite (default, a file) and PostgreSQL (by URL)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings the store relies on.

    SQLite: foreign keys on, WAL for files, a busy timeout, and every transaction begun with
    ``BEGIN IMMEDIATE`` (every session writes audit rows, so it takes the write lock up front
    rather than failing to upgrade a read lock later). A new database file gets 16 KiB pages
    (fewer, larger writes when an import commits; an existing file keeps its page size).
    The database file is created readable by its owner only (SQLite gives its -wal and -shm
    files the database file's mode), and an existing one of ours that is looser is tightened.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **kwargs)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory and not database.startswith("file:"):
        private_sqlite_file(Path(database))
    engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA page_size=16384")  # takes effect only while the file is empty
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk index inserts
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def private_sqlite_file(path: Path) -> None:
    """Create ``path`` (an empty file is an empty SQLite database) with mode 0600, or tighten
    it and its -wal, -shm and -journal files to 0600 when they are ours and looser."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except FileNotFoundError:
        return  # the folder does not exist: SQLite will say so when it connects
    else:
        os.close(fd)
        return
    for each in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            info = each.stat()
        except FileNotFoundError:
            continue
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(each, 0o600)


def redacted(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)
