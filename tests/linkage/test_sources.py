"""Person records for linkage come from the store through the door, in the input contract."""

from __future__ import annotations

import json

from sqlalchemy import text

from joinedup.linkage.sources import person_records, record_keys
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from tests.conftest import Store


def _record(agency: str, key: str, normalised: dict[str, str], batch: str) -> SourceRecord:
    return SourceRecord(
        agency_id=agency,
        batch_id=batch,
        record_type="persons",
        agency_key=key,
        payload={},
        normalised=normalised,
    )


def test_identity_records_become_linkage_input_and_scope_applies(store: Store) -> None:
    police = store.agency("Police")
    health = store.agency("Health", "health")
    with store.door.session("joinedup-service", "data_ingest") as s:
        batch = s.add(Batch(agency_id=police, file_name="persons.csv", file_sha256="0" * 64))
        s.add_all(
            [
                _record(
                    police,
                    "N1",
                    {
                        "forename": "Amber",
                        "surname": "Lowe",
                        "date_of_birth": "2004-03-03",
                        "pnc_id": "09/123456X",
                    },
                    batch.id,
                ),
                _record(
                    police, "N2", {"upn": "A123"}, batch.id
                ),  # identifier only: not a person record
                _record(health, "H1", {"forename": "Amber", "nhs_number": "9434765919"}, batch.id),
            ]
        )
    with store.door.session("joinedup-service", "linkage") as s:
        rows = {r["record_id"]: r for r in person_records(s)}
        keys = record_keys(s)
    assert len(rows) == 2
    amber = next(r for r in rows.values() if r["police_id"])
    assert amber["agency"] == "police" and amber["date_of_birth"] == "2004-03-03"
    assert amber["police_id"] == "09/123456X" and amber["nhs_number"] is None
    assert {k[2] for k in keys.values()} == {"N1", "N2", "H1"}
    assert ("police", "persons.csv", "N1") in keys.values()
    store.user("ana", "Police", "analyst")
    with store.door.session("ana", "linkage") as s:
        assert {r["agency"] for r in person_records(s)} == {"police"}


def test_scan_writes_one_consultation_row_per_chunk(store: Store) -> None:
    police = store.agency("Police")
    with store.door.session("joinedup-service", "data_ingest") as s:
        s.add_all([_record(police, f"N{i}", {"forename": "A"}, "b") for i in range(5)])
    with store.engine.connect() as conn:
        before = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
    with store.door.session("joinedup-service", "linkage") as s:
        chunks = list(s.scan(SourceRecord, ["agency_key"], chunk=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    with store.engine.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT operation, access, object_ids, detail FROM audit_event WHERE seq > :s "
                "ORDER BY seq"
            ),
            {"s": before},
        ).all()
    assert [(op, access) for op, access, _, _ in logged] == [("consultation", "scan")] * 3
    assert {ids for _, _, ids, _ in logged} == {"[]"}  # counted, not listed (issue 13)
    assert sum(json.loads(detail)["rows"] for _, _, _, detail in logged) == 5
