"""Reads and disclosures do not vanish when the transaction that made them fails (issue 13,
point 3): the door logs them again in a transaction of their own, marked as failed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from joinedup.model.records import SourceRecord
from tests.conftest import Store
from tests.store.chain import verify


def _rows_after(store: Store, seq: int) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        found = conn.execute(
            text("SELECT * FROM audit_event WHERE seq > :seq ORDER BY seq"), {"seq": seq}
        )
        return [dict(r) for r in found.mappings()]


def _head(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT last_seq FROM audit_head")).scalar_one())


def _setup(store: Store) -> SourceRecord:
    police = store.agency("Police")
    store.user("ana", "Police", "analyst")
    with store.door.session("ana", "analysis") as s:
        return s.add(
            SourceRecord(agency_id=police, record_type="person", agency_key="P1", payload={})
        )


def test_reads_of_a_failed_transaction_stay_on_the_chain(store: Store) -> None:
    record = _setup(store)
    before = _head(store)
    with pytest.raises(RuntimeError), store.door.session("ana", "analysis") as s:
        s.get(SourceRecord, record.id)
        s.list(SourceRecord)
        s.export(SourceRecord, recipient="Operation Heron")
        s.add(
            SourceRecord(
                agency_id=record.agency_id, record_type="person", agency_key="P2", payload={}
            )
        )
        raise RuntimeError("the command failed after reading")
    logged = _rows_after(store, before)
    assert [(r["operation"], r["access"]) for r in logged] == [
        ("consultation", "get"),
        ("consultation", "list"),
        ("disclosure", "export"),
    ]  # the collection did not happen, so it is not logged
    assert all(json.loads(str(r["object_ids"])) == [record.id] for r in logged)
    assert logged[2]["recipient"] == "Operation Heron"
    for row in logged:
        detail = json.loads(str(row["detail"]))
        assert detail == {"outcome": "rolled back", "error": "RuntimeError"}
    result = verify(store)
    assert result.ok, result.problem
    point = store.door.checkpoint().read()
    assert point is not None and point.seq == _head(store)


def test_a_failed_transaction_with_no_reads_logs_nothing(store: Store) -> None:
    record = _setup(store)
    before = _head(store)
    with pytest.raises(ValueError), store.door.session("ana", "analysis") as s:
        s.add(
            SourceRecord(
                agency_id=record.agency_id, record_type="person", agency_key="P3", payload={}
            )
        )
        raise ValueError("bad input")
    assert _head(store) == before


def test_a_failed_scan_is_logged_with_its_count(store: Store) -> None:
    _setup(store)
    before = _head(store)
    with pytest.raises(KeyError), store.door.session("ana", "analysis") as s:
        for _chunk in s.scan(SourceRecord, ["agency_key"]):
            raise KeyError("crash in the middle of a scan")
    (row,) = _rows_after(store, before)
    assert (row["access"], row["object_ids"]) == ("scan", "[]")
    assert json.loads(str(row["detail"])) == {
        "rows": 1,
        "outcome": "rolled back",
        "error": "KeyError",
    }
