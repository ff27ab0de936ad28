"""The checkpoint proves the chain still runs through the row it recorded (issue 13, point 1):
a cut tail stays detected after the chain regrows, and deleting the checkpoint file cannot
launder a cut: only an auditor's logged acknowledgement re-anchors."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import text

from joinedup.access.bootstrap import initialise
from joinedup.model.records import SourceRecord
from joinedup.store import audit
from joinedup.store.actor_session import Forbidden
from tests.conftest import Store
from tests.store.chain import attack, cut_tail, fill, ordinary_commands, rows, verify


def _auditor(store: Store) -> str:
    store.user("dpo", "Data protection office", "auditor")
    return "dpo"


def test_a_cut_tail_stays_detected_after_the_chain_regrows(store: Store) -> None:
    records = fill(store)
    total = rows(store)
    cut_tail(store, total - 2)
    ordinary_commands(store, records[0], 14)  # the chain grows well past the cut
    assert rows(store) > total
    result = verify(store)
    assert not result.ok
    assert f"row {total}" in (result.problem or "") and "regrown" in (result.problem or "")
    ordinary_commands(store, records[0], 3)
    assert not verify(store).ok  # and it stays detected


def test_the_checkpoint_does_not_move_once_the_chain_left_it(store: Store) -> None:
    records = fill(store)
    path = store.door.checkpoint().path
    recorded = json.loads(path.read_text())
    cut_tail(store, rows(store) - 1)
    ordinary_commands(store, records[0], 5)
    assert json.loads(path.read_text()) == recorded


def test_a_verify_that_finds_the_checkpoint_missing_does_not_write_one(store: Store) -> None:
    fill(store)
    path = store.door.checkpoint().path
    path.unlink()
    for _ in range(2):
        with store.door.session("joinedup-service", "audit") as s:
            result = s.verify_chain(store.door.checkpoint())
        assert not result.ok and "missing" in (result.problem or "")
        assert not path.exists()


def test_writes_do_not_re_create_a_missing_checkpoint(store: Store) -> None:
    records = fill(store)
    path = store.door.checkpoint().path
    path.unlink()
    ordinary_commands(store, records[0], 3)
    fill(store, 2)
    assert not path.exists()
    assert not verify(store).ok


def test_deleting_the_checkpoint_cannot_launder_a_cut(store: Store) -> None:
    records = fill(store)
    total = rows(store)
    cut_tail(store, total - 2)
    store.door.checkpoint().path.unlink()
    ordinary_commands(store, records[0], 14)
    result = verify(store)
    assert not result.ok
    assert any(f.kind == "checkpoint" for f in result.findings)


def test_an_auditor_acknowledges_a_missing_checkpoint_with_a_logged_reason(store: Store) -> None:
    records = fill(store)
    dpo = _auditor(store)
    checkpoint = store.door.checkpoint()
    checkpoint.path.unlink()
    found = store.door.acknowledge_checkpoint(dpo, "home folder restored from Tuesday's backup")
    assert any("missing" in f.message for f in found.findings)
    assert checkpoint.path.exists()
    ordinary_commands(store, records[0], 2)  # writes advance from the acknowledgement
    result = verify(store)
    assert result.ok, result.problem
    assert result.acknowledgements == 1
    with store.door.session(dpo, "audit") as s:
        trail = s.audit_trail(checkpoint.database_id)
    ack = next(e for e in trail if e.access == "acknowledge")
    assert (ack.actor_name, ack.role, ack.operation) == ("dpo", "auditor", "alteration")
    assert ack.detail is not None
    assert ack.detail["reason"] == "home folder restored from Tuesday's backup"
    assert any("missing" in f for f in ack.detail["findings"])


def test_an_acknowledged_cut_stays_in_the_log(store: Store) -> None:
    records = fill(store)
    dpo = _auditor(store)
    total = rows(store)
    cut_tail(store, total - 2)
    ordinary_commands(store, records[0], 4)
    store.door.acknowledge_checkpoint(dpo, "cut traced to a test restore; incident 42 opened")
    initialise(store.engine, store.key, store.home / "checkpoints")  # puts the triggers back
    assert verify(store).ok
    with store.engine.connect() as conn:
        detail = conn.execute(
            text("SELECT detail FROM audit_event WHERE access = 'acknowledge'")
        ).scalar_one()
    assert "regrown" in detail or "truncated" in detail


def test_only_an_auditor_acknowledges_and_only_with_a_reason(store: Store) -> None:
    fill(store)
    dpo = _auditor(store)
    store.door.checkpoint().path.unlink()
    for person, purpose in (("admin", "administration"), ("joinedup-service", "audit")):
        with pytest.raises(Forbidden):
            store.door.acknowledge_checkpoint(person, "because", purpose)
    with pytest.raises(ValueError, match="reason"):
        store.door.acknowledge_checkpoint(dpo, "   ")
    assert not store.door.checkpoint().path.exists()


def test_there_is_nothing_to_acknowledge_on_an_intact_chain(store: Store) -> None:
    fill(store)
    dpo = _auditor(store)
    with pytest.raises(ValueError, match="nothing to acknowledge"):
        store.door.acknowledge_checkpoint(dpo, "routine check")


def test_a_broken_row_is_not_settled_by_an_acknowledgement(store: Store) -> None:
    fill(store)
    dpo = _auditor(store)
    attack(store, "UPDATE audit_event SET purpose = 'analysis' WHERE seq = 3")
    store.door.checkpoint().path.unlink()
    store.door.acknowledge_checkpoint(dpo, "checkpoint lost in the move")
    result = verify(store)
    assert not result.ok and result.first_bad_seq == 3


def test_checkpoint_and_anchor_are_private_files(store: Store) -> None:
    fill(store)
    checkpoint = store.door.checkpoint()
    for path in (checkpoint.path, checkpoint.anchor.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(checkpoint.path.parent.stat().st_mode) == 0o700


def test_the_chain_still_verifies_through_a_read_and_its_rows(store: Store) -> None:
    records = fill(store)
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.get(SourceRecord, records[0].id)
    with store.engine.connect() as conn:
        result = audit.verify(conn, store.key, store.door.checkpoint())
    assert result.ok and result.rows_checked == rows(store)
