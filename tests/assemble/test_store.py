"""Assembly over hand-made records on each backend: versions, references, unmapped files,
encrypted text and the audit trail of what was read."""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import date
from typing import Any

from sqlalchemy import text

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.assemble.build import assemble
from joinedup.model.base import new_id
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from tests.conftest import Store

CIPHER = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))


def _record(
    agency: str,
    batch: str,
    table: str,
    key: str,
    payload: dict[str, Any],
    normalised: dict[str, Any],
) -> SourceRecord:
    rid = new_id()
    if "summary" in payload:
        payload["summary"] = CIPHER.encrypt(
            payload["summary"], table="source_record", column="payload.summary", row_id=rid
        )
    return SourceRecord(
        id=rid,
        agency_id=agency,
        batch_id=batch,
        record_type=table,
        agency_key=key,
        payload=payload,
        normalised=normalised,
    )


def _batch(agency: str, fmt: str, table: str) -> Batch:
    return Batch(
        agency_id=agency,
        file_name=f"{table}.csv",
        file_sha256="0" * 64,
        format=fmt,
        record_type=table,
    )


def _nominal(surname: str) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = {"person_ref": "N1", "surname": surname, "forename": "Amy", "phone": "07700 900123"}
    normalised = {
        "surname": surname,
        "forename": "Amy",
        "date_of_birth": "2008-05-17",
        "phone": "+447700900123",
    }
    return payload, normalised


def _load(store: Store) -> str:
    store.door.hooks = dataclasses.replace(store.door.hooks, field_crypto=CIPHER)
    police = store.agency("Police")
    housing = store.agency("Housing", "housing")
    with store.door.session("joinedup-service", "data_ingest") as s:
        first = s.add(_batch(police, "police_pole", "persons"))
        s.add_all([_record(police, first.id, "persons", "N1", *_nominal("Lowe"))])
    with store.door.session("joinedup-service", "data_ingest") as s:
        again = s.add(_batch(police, "police_pole", "persons"))
        events = s.add(_batch(police, "police_pole", "events"))
        links = s.add(_batch(police, "police_pole", "links"))
        tenancies = s.add(_batch(housing, "housing_tenancies", "tenancy"))
        s.add_all(
            [
                _record(police, again.id, "persons", "N1", *_nominal("Lowe-Smith")),
                _record(
                    police,
                    events.id,
                    "events",
                    "INC1",
                    {"event_ref": "INC1", "event_type": "missing_episode", "summary": "Found."},
                    {"occurred_at": "2020-03-01T22:15:00+00:00"},
                ),
                _record(
                    police,
                    links.id,
                    "links",
                    "LK1",
                    {
                        "from_type": "person",
                        "from_ref": "N1",
                        "to_type": "event",
                        "to_ref": "INC1",
                        "link_type": "participant",
                        "role": "missing_person",
                    },
                    {"valid_from": "2020-03-01"},
                ),
                _record(
                    police,
                    links.id,
                    "links",
                    "LK2",
                    {
                        "from_type": "person",
                        "from_ref": "N9",
                        "to_type": "person",
                        "to_ref": "N1",
                        "link_type": "controlling_adult",
                        "basis": "assessment",
                        "grading": "2-B-P",
                    },
                    {"valid_from": "2020-02-01"},
                ),
                _record(
                    housing,
                    tenancies.id,
                    "tenancy",
                    "T1",
                    {},
                    {"forename": "Bob", "surname": "Hart", "postcode": "DM1 1AA"},
                ),
                _record(housing, tenancies.id, "tenancy", "T2", {}, {"postcode": "DM1 1AB"}),
            ]
        )
    return police


def test_assembly_over_hand_made_records(store: Store) -> None:
    _load(store)
    with store.door.session("joinedup-service", "analysis") as s:
        a = assemble(s, person_ids=None)
    [amy] = [p for p in a.persons.values() if "nominal" in p.roles]
    assert amy.surname == "Lowe-Smith" and a.stats["superseded_versions"] == 1
    assert amy.date_of_birth == date(2008, 5, 17) and amy.identifiers["police_ref"] == {"N1"}
    [missing] = a.events
    assert missing.event_type == "missing_episode" and missing.text == "Found."
    assert missing.people("missing_person") == [amy.id] and a.as_of == date(2020, 3, 1)
    [phone] = [link for link in a.links if link.link_type == "uses_phone"]
    assert phone.to_id == "phone:+447700900123" and a.objects[phone.to_id].kind == "phone"
    [adult] = [link for link in a.links if link.link_type == "controlling_adult"]
    assert adult.from_id.startswith("ref:") and adult.to_id == amy.id
    assert adult.basis == "assessment" and adult.grading == "2-B-P"
    assert a.stats["unresolved:police_pole/persons"] == 1
    [bob] = [p for p in a.persons.values() if "record" in p.roles]
    assert bob.forename == "Bob" and bob.postcode == "DM1 1AA"
    assert a.stats["unmapped:housing_tenancies/tenancy"] == 2
    assert a.events_of(amy.id) == [missing] and adult in a.links_of(amy.id)


def test_a_scoped_assembly_is_audited(store: Store) -> None:
    _load(store)
    store.user("ana", "Police", "analyst")
    with store.engine.connect() as conn:
        before = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
    with store.door.session("ana", "analysis") as s:
        a = assemble(s, person_ids={}, decrypt_text=False)
    assert {r.agency_kind for p in a.persons.values() for r in p.records} == {"police"}
    assert a.events[0].text is None
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT operation, object_type, detail FROM audit_event WHERE seq > :s ORDER BY seq"
            ),
            {"s": before},
        ).all()
    # scanned, so counted rather than listed (issue 13)
    read = [json.loads(detail)["rows"] for op, kind, detail in rows if kind == "source_record"]
    assert {op for op, _, _ in rows} == {"consultation"}
    assert sum(read) == 5  # the police records, the superseded one too
