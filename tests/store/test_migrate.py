"""Migrations: upgrade to head, down to base and up again; init is idempotent."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import inspect

from joinedup.access.bootstrap import initialise
from joinedup.store import migrate
from joinedup.store.engine import make_engine


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert {"source_record", "audit_event", "person", "flag"} <= set(
            inspect(engine).get_table_names()
        )
        from alembic import command

        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert "source_record" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_init_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    key = secrets.token_bytes(32)
    try:
        first = initialise(engine, key, tmp_path, admin=("root-admin", None))
        second = initialise(engine, key, tmp_path, admin=("root-admin", None))
        assert first.database_id == second.database_id
        assert first.created and second.created == ()
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from joinedup.store.tables import Base

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
