"""The log says who looked at a child (issue 13, point 4): what was shown to a person is a
consultation naming it; what was scanned to compute it is counted, not listed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from joinedup.model.pole import Person
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.store import audit
from tests.conftest import Store


def _new_rows(store: Store, after: int) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        found = conn.execute(
            text("SELECT * FROM audit_event WHERE seq > :s ORDER BY seq"), {"s": after}
        )
        return [dict(r) for r in found.mappings()]


def _head(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT last_seq FROM audit_head")).scalar_one())


def _records(store: Store, n: int) -> list[SourceRecord]:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        return s.add_all(
            [
                SourceRecord(
                    agency_id=police, record_type="persons", agency_key=f"P{i}", payload={}
                )
                for i in range(n)
            ]
        )


def test_a_scan_counts_the_rows_it_read_and_names_none(store: Store) -> None:
    records = _records(store, 40)
    store.user("ana", "Police", "analyst")
    before = _head(store)
    with store.door.session("ana", "safeguarding") as s:
        read = [row for chunk in s.scan(SourceRecord, ["agency_key"], chunk=25) for row in chunk]
        s.record_shown("person", ["person-7"])
        s.record_shown("source_record", [records[3].id])
    assert len(read) == 40
    logged = _new_rows(store, before)
    scans = [r for r in logged if r["access"] == "scan"]
    assert [json.loads(str(r["detail"]))["rows"] for r in scans] == [25, 15]
    assert all(r["object_ids"] == "[]" for r in scans)
    assert all(r["operation"] == "consultation" for r in scans)
    shown = [(r["object_type"], r["object_ids"]) for r in logged if r["access"] == "show"]
    assert shown == [("person", '["person-7"]'), ("source_record", json.dumps([records[3].id]))]
    with Session(store.engine) as orm:
        looked_at_other = audit.events_for_record(orm, records[5].id)
        looked_at_shown = audit.events_for_record(orm, records[3].id)
    # record 5 was only scanned: its history names who added it, not the analyst
    assert [e.actor_name for e in looked_at_other] == ["joinedup-service"]
    assert [(e.actor_name, e.access) for e in looked_at_shown][-1] == ("ana", "show")


def test_a_filtered_scan_names_its_filter(store: Store) -> None:
    _records(store, 3)
    before = _head(store)
    with store.door.session("joinedup-service", "data_ingest") as s:
        list(s.scan(SourceRecord, ["payload"], where={"record_type": "persons"}))
    (row,) = _new_rows(store, before)
    assert json.loads(str(row["detail"])) == {"rows": 3, "where": {"record_type": "persons"}}


def test_an_unlogged_scan_keeps_to_scope_and_writes_nothing(store: Store) -> None:
    """``logged=False``: for the header's count of one's own notifications alone, a number
    that shows nothing of any row (docs/security.md); the reader's scope still applies."""
    _records(store, 5)
    store.agency("Health", "health")
    store.user("ana", "Police", "analyst")
    store.user("nurse", "Health", "analyst")
    before = _head(store)
    with store.door.session("ana", "safeguarding") as s:
        mine = [
            row for chunk in s.scan(SourceRecord, ["agency_key"], logged=False) for row in chunk
        ]
    with store.door.session("nurse", "safeguarding") as s:
        theirs = [
            row for chunk in s.scan(SourceRecord, ["agency_key"], logged=False) for row in chunk
        ]
    assert len(mine) == 5 and theirs == []  # Police's records are not in Health's scope
    assert _new_rows(store, before) == []


def test_an_unlogged_scan_reads_only_operational_fields(store: Store) -> None:
    """Nothing of a person or their case is read without a log row: ``logged=False`` asking
    for a record's payload, a person's name or a flag's evidence is refused."""
    _records(store, 2)
    before = _head(store)
    for model, column in ((SourceRecord, "payload"), (Person, "surname"), (Flag, "evidence")):
        with (
            store.door.session("joinedup-service", "data_ingest") as s,
            pytest.raises(ValueError, match="reads only operational fields"),
        ):
            list(s.scan(model, [column], logged=False))
    assert _new_rows(store, before) == []
