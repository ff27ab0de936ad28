"""The door: one audit row per operation, in the same transaction; errors that leak nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.door import UnknownActor
from tests.conftest import Store


def _audit(store: Store) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_event ORDER BY seq")).mappings().all()
    return [dict(r) for r in rows]


def _record(agency: str, key: str) -> SourceRecord:
    return SourceRecord(agency_id=agency, record_type="person", agency_key=key, payload={"k": key})


def test_each_operation_writes_one_audit_row(store: Store) -> None:
    police = store.agency("Police")
    store.user("ana", "Police", "analyst")
    before = len(_audit(store))
    with store.door.session("ana", "analysis") as s:
        rec = s.add(_record(police, "P1"))
        s.get(SourceRecord, rec.id)
        s.list(SourceRecord)
        s.search(SourceRecord, "p1")
        s.export(SourceRecord, recipient="Brackenfield Licensing")
    rows = _audit(store)[before:]
    assert [(r["operation"], r["access"]) for r in rows] == [
        ("collection", "add"),
        ("consultation", "get"),
        ("consultation", "list"),
        ("consultation", "search"),
        ("disclosure", "export"),
    ]
    assert all(json.loads(str(r["object_ids"])) == [rec.id] for r in rows)
    assert rows[-1]["recipient"] == "Brackenfield Licensing"
    assert {r["purpose"] for r in rows} == {"analysis"}
    assert {r["actor_name"] for r in rows} == {"ana"} and {r["role"] for r in rows} == {"analyst"}


def test_a_failed_transaction_leaves_no_audit_row(store: Store) -> None:
    police = store.agency("Police")
    store.user("ana", "Police", "analyst")
    before = len(_audit(store))
    with pytest.raises(RuntimeError), store.door.session("ana", "analysis") as s:
        s.add(_record(police, "P1"))
        raise RuntimeError("crash after the write")
    assert len(_audit(store)) == before
    with store.door.session("ana", "analysis") as s:
        assert s.list(SourceRecord) == []


def test_out_of_scope_and_missing_are_indistinguishable(store: Store) -> None:
    other = store.agency("Other")
    store.user("ana", "Police", "analyst")
    with store.door.session("joinedup-service", "data_ingest") as s:
        hidden = s.add(_record(other, "X"))
    messages = []
    for obj_id in (hidden.id, "00000000-0000-4000-8000-000000000000"):
        before = len(_audit(store))
        with store.door.session("ana", "analysis") as s, pytest.raises(NotFound) as caught:
            s.get(SourceRecord, obj_id)
        messages.append(str(caught.value).replace(obj_id, "ID"))
        assert len(_audit(store)) == before  # neither leaves a trace that differs
    assert messages[0] == messages[1]


def test_adding_for_another_agency_is_forbidden(store: Store) -> None:
    other = store.agency("Other")
    store.user("sw", "Police", "social_worker")
    with pytest.raises(Forbidden), store.door.session("sw", "safeguarding") as s:
        s.add(_record(other, "X"))
    with store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(SourceRecord) == []


def test_update_cannot_move_a_row_out_of_scope(store: Store) -> None:
    police = store.agency("Police")
    other = store.agency("Other")
    store.user("sw", "Police", "social_worker")
    with store.door.session("sw", "safeguarding") as s:
        flag = s.add(Flag(agency_id=police, rule_id="r", subject_type="person", subject_id="p"))
    with pytest.raises(Forbidden), store.door.session("sw", "safeguarding") as s:
        s.update(Flag, flag.id, agency_id=other)
    with store.door.session("sw", "safeguarding") as s:
        assert s.get(Flag, flag.id).agency_id == police


def test_erased_rows_vanish_from_every_query(store: Store) -> None:
    police = store.agency("Police")
    store.user("dpo", "Police", "auditor")
    with store.door.session("joinedup-service", "data_ingest") as s:
        rec = s.add(_record(police, "P1"))
    with store.door.session("dpo", "audit") as s:
        s.erase(SourceRecord, rec.id, reason="retention period ended")
    with store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(SourceRecord) == []
        with pytest.raises(NotFound):
            s.get(SourceRecord, rec.id)
    ops = [r["operation"] for r in _audit(store)]
    assert "erasure" in ops


def test_unknown_user_and_wrong_purpose_are_refused(store: Store) -> None:
    store.user("ana", "Police", "analyst")
    with pytest.raises(UnknownActor), store.door.session("nobody", "analysis"):
        pass
    with pytest.raises(Forbidden), store.door.session("ana", "administration"):
        pass
    with pytest.raises(ValueError), store.door.session("ana", "curiosity"):
        pass


def test_admin_reads_no_case_data(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add(_record(police, "P1"))
    with store.door.session("admin", "administration") as s:
        assert s.list(SourceRecord) == []
        assert s.search(SourceRecord, "P1") == []


def test_password_hashes_never_leave_the_store(store: Store) -> None:
    from joinedup.access import directory
    from joinedup.model.access import User

    store.agency("Police")
    with store.door.session("admin", "administration") as s:
        directory.add_user(s, "pat", "Police", "analyst", password="a long enough password")
        listed = [u for u in s.list(User) if u.username == "pat"]
    assert listed and listed[0].password_hash is None


def test_audit_trail_answers_who_looked_and_why(store: Store) -> None:
    police = store.agency("Police")
    store.user("ana", "Police", "analyst")
    store.user("dpo", "Police", "auditor")
    with store.door.session("ana", "analysis") as s:
        rec = s.add(_record(police, "P1"))
    with store.door.session("ana", "investigation") as s:
        s.get(SourceRecord, rec.id)
    with store.door.session("dpo", "audit") as s:
        trail = s.audit_trail(rec.id)
    assert [(e.actor_name, e.operation, e.purpose) for e in trail] == [
        ("ana", "collection", "analysis"),
        ("ana", "consultation", "investigation"),
    ]
    with store.door.session("ana", "analysis") as s, pytest.raises(Forbidden):
        s.audit_trail(rec.id)


def test_search_treats_wildcards_literally(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add(_record(police, "AB"))
        assert s.search(SourceRecord, "%") == []
        assert s.search(SourceRecord, "_") == []
