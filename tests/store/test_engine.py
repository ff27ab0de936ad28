"""The SQLite database file and its -wal and -shm are readable by their owner only (issue 13,
point 11); another local user cannot open it read-only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from joinedup.store import migrate
from joinedup.store.engine import make_engine


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_a_new_database_file_and_its_wal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "joinedup.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
            wal, shm = (path.with_name(path.name + s) for s in ("-wal", "-shm"))
            assert wal.exists() and shm.exists()
            assert (_mode(path), _mode(wal), _mode(shm)) == (0o600, 0o600, 0o600)
            assert conn.execute(text("PRAGMA page_size")).scalar_one() == 16384
    finally:
        engine.dispose()


@pytest.mark.usefixtures("open_umask")
def test_an_existing_loose_database_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
