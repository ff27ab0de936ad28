"""Tamper evidence: the triggers refuse changes; with them dropped, verify names the bad row."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from joinedup.model.records import SourceRecord
from joinedup.store import immutability
from tests.conftest import Store
from tests.store.chain import attack, fill, rows, verify


def test_intact_chain_verifies(store: Store) -> None:
    fill(store)
    result = verify(store)
    assert result.ok and result.rows_checked == rows(store) and result.first_bad_seq is None


@pytest.mark.parametrize("table", immutability.APPEND_ONLY_TABLES)
def test_triggers_refuse_update_and_delete(store: Store, table: str) -> None:
    fill(store, 2)
    column = "agency_key" if table == "source_record" else "purpose"
    for sql in (f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    if store.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
    assert verify(store).ok


def test_edit_is_detected_and_named(store: Store) -> None:
    fill(store)
    attack(store, "UPDATE audit_event SET purpose = 'analysis' WHERE seq = 4")
    result = verify(store)
    assert not result.ok and result.first_bad_seq == 4
    assert "row 4" in (result.problem or "") and "altered" in (result.problem or "")


def test_edit_of_ids_is_detected(store: Store) -> None:
    fill(store)
    attack(store, "UPDATE audit_event SET object_ids = '[]' WHERE seq = 5")
    assert verify(store).first_bad_seq == 5


def test_deletion_is_detected_and_named(store: Store) -> None:
    fill(store)
    attack(store, "DELETE FROM audit_event WHERE seq = 3")
    result = verify(store)
    assert not result.ok and result.first_bad_seq == 3 and "missing" in (result.problem or "")


def test_reordering_is_detected_and_named(store: Store) -> None:
    fill(store)
    attack(
        store,
        "UPDATE audit_event SET seq = -1 WHERE seq = 3",
        "UPDATE audit_event SET seq = 3 WHERE seq = 4",
        "UPDATE audit_event SET seq = 4 WHERE seq = -1",
    )
    result = verify(store)
    assert not result.ok and result.first_bad_seq == 3


def test_truncation_is_detected_by_the_checkpoint(store: Store) -> None:
    fill(store)
    total = rows(store)
    attack(store, f"DELETE FROM audit_event WHERE seq > {total - 2}")
    result = verify(store)
    assert not result.ok and result.first_bad_seq == total - 1
    assert "truncated" in (result.problem or "")


def test_truncate_then_append_is_still_detected(store: Store) -> None:
    records = fill(store)
    total = rows(store)
    attack(
        store,
        f"DELETE FROM audit_event WHERE seq > {total - 2}",
        f"UPDATE audit_head SET last_seq = {total - 2}, "
        f"last_mac = (SELECT mac FROM audit_event WHERE seq = {total - 2})",
    )
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.get(SourceRecord, records[0].id)  # appends rows total-1 .. with fresh MACs
    result = verify(store)
    assert not result.ok


def test_forged_checkpoint_is_refused(store: Store) -> None:
    fill(store)
    path = store.door.checkpoint().path
    body = json.loads(path.read_text())
    body["seq"] = 1
    path.write_text(json.dumps(body))
    result = verify(store)
    assert not result.ok and "signature" in (result.problem or "")


def test_missing_checkpoint_is_reported(store: Store) -> None:
    fill(store)
    store.door.checkpoint().path.unlink()
    result = verify(store)
    assert not result.ok and "checkpoint" in (result.problem or "")


def test_wrong_key_fails_at_the_first_row(store: Store) -> None:
    fill(store)
    with store.engine.connect() as conn:
        from joinedup.store import audit

        result = audit.verify(conn, b"k" * 32, store.door.checkpoint())
    assert not result.ok


def test_audit_rows_hold_no_case_content(store: Store) -> None:
    fill(store)
    with store.engine.connect() as conn:
        dump = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM audit_event"))], default=str
        )
    assert "Secret Name" not in dump
