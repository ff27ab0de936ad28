"""``init`` and the anchor (issue 13, points 2 and 4): it refuses to start over a home anchored
to another database unless told to adopt it (logged), it never re-creates a missing
checkpoint beside an existing chain, and it puts back dropped append-only triggers."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from joinedup.access.bootstrap import InitRefused, InitResult, initialise
from joinedup.store import audit, immutability, migrate
from tests.conftest import Store
from tests.store.chain import attack, fill, rows, verify


def _recreate_empty(store: Store) -> None:
    """The database dropped and created again at the same URL (every table gone)."""
    config = migrate.alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")


def _init(
    store: Store, admin: tuple[str, str | None] | None = None, adopt_reason: str | None = None
) -> InitResult:
    return initialise(
        store.engine, store.key, store.home / "checkpoints", admin, adopt_reason=adopt_reason
    )


def test_init_refuses_a_recreated_database(store: Store) -> None:
    fill(store)
    old = store.door.database_id
    _recreate_empty(store)
    with pytest.raises(InitRefused, match=f"anchors database {old}") as refused:
        _init(store)
    assert "--adopt-database" in str(refused.value)
    anchor = store.door.anchor().read()
    assert anchor is not None and anchor.database_id == old


def test_init_refuses_a_database_whose_id_was_changed(store: Store) -> None:
    fill(store)
    attack(store, "UPDATE meta SET value = 'abad1dea' WHERE key = 'database_id'")
    with pytest.raises(InitRefused, match="a database with id abad1dea"):
        _init(store)


def test_adopting_a_database_is_deliberate_and_logged(store: Store) -> None:
    fill(store)
    old = store.door.database_id
    _recreate_empty(store)
    with pytest.raises(ValueError, match="reason"):
        _init(store, adopt_reason="  ")
    done = _init(store, adopt_reason="test system rebuilt for training, ticket 77")
    new = store.door.database_id
    assert new != old and done.database_id == new
    kept = list((store.home / "checkpoints").glob(f"anchor-{old}-replaced-*.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text())["database_id"] == old
    result = verify(store)
    assert result.ok, result.problem
    with store.engine.connect() as conn:
        row = conn.execute(
            text("SELECT actor_name, detail FROM audit_event WHERE access = 'anchor'")
        ).one()
    detail = json.loads(row.detail)
    assert row.actor_name == "system" and detail["previous_database_id"] == old
    assert detail["reason"] == "test system rebuilt for training, ticket 77"


def test_init_again_on_the_same_database_changes_nothing(store: Store) -> None:
    fill(store)
    before = rows(store)
    done = _init(store)
    assert done.created == () and done.warnings == ()
    assert rows(store) == before and verify(store).ok


def test_init_does_not_re_create_a_missing_checkpoint(store: Store) -> None:
    fill(store)
    path = store.door.checkpoint().path
    path.unlink()
    done = _init(store, ("second-admin", None))
    assert not path.exists()
    assert any("acknowledge" in w for w in done.warnings)
    assert not verify(store).ok


def test_verify_reports_dropped_triggers_and_init_restores_them(store: Store) -> None:
    fill(store)
    attack(store)  # drops the triggers, changes nothing else
    result = verify(store)
    assert not result.ok
    assert {f.kind for f in result.findings} == {"triggers"}
    messages = " ".join(f.message for f in result.findings)
    assert "audit_event_no_delete" in messages or "audit_event_append_only" in messages
    assert "missing" in (result.problem or "")
    done = _init(store)
    assert any("put back" in w for w in done.warnings)
    assert verify(store).ok
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    with store.engine.connect() as conn:
        restored = conn.execute(
            text("SELECT object_ids FROM audit_event WHERE access = 'restore'")
        ).scalar_one()
    assert "audit_event" in restored


def test_verify_reports_a_disabled_or_rewritten_trigger(store: Store) -> None:
    fill(store)
    dialect = store.engine.dialect.name
    with store.engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION joinedup_refuse_change() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
                )
            )
        else:
            for sql in immutability.drop_statements(dialect, "audit_event"):
                conn.execute(text(sql))
            conn.execute(
                text(
                    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                    "BEGIN SELECT 1; END"
                )
            )
    with store.engine.connect() as conn:
        problems = immutability.problems(conn)
    assert problems
    assert any("disabled" in p or "redefined" in p for p in problems)
    _init(store)
    with store.engine.connect() as conn:
        assert immutability.problems(conn) == []
        assert audit.verify(conn, store.key, store.door.checkpoint()).ok


def test_without_an_anchor_another_databases_checkpoint_still_refuses(store: Store) -> None:
    fill(store)
    old = store.door.database_id
    store.door.anchor().path.unlink()  # deleting the anchor does not open the way either
    _recreate_empty(store)
    with pytest.raises(InitRefused, match=f"holds the audit checkpoint of database {old}"):
        _init(store)
    _init(store, adopt_reason="fresh test database, the old one was retired")
    with store.engine.connect() as conn:
        detail = conn.execute(
            text("SELECT detail FROM audit_event WHERE access = 'anchor'")
        ).scalar_one()
    assert json.loads(detail)["previous_database_id"] == old
    assert verify(store).ok


def test_a_home_from_before_anchors_is_anchored_by_init(store: Store) -> None:
    fill(store)
    store.door.anchor().path.unlink()  # as a home written before the anchor existed
    assert not verify(store).ok
    done = _init(store)
    assert "anchor" in done.created and done.warnings == ()
    result = verify(store)
    assert result.ok, result.problem
