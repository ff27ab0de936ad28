"""A small police and licensing world on the web tests' store, imported through ingest as
the agencies would send it: a private hire vehicle stopped at night with a child in the back,
its driver (the licensed proprietor), the takeaway where it was stopped, and the child's
phone. Linkage is stood in for by person links written directly."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from joinedup.app.people_index import rebuild_now
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.model.linkage import LinkageRun, PersonLink
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from tests.access.conftest import cheap_argon2  # noqa: F401 (autouse fixture)
from tests.web.conftest import Web, web  # noqa: F401 (the fixture)

SUMMARY = "Stopped at night with a girl in the back seat; driver evasive."
POLICE = {
    "persons": [
        [
            "person_ref",
            "surname",
            "forename",
            "date_of_birth",
            "sex",
            "ethnicity",
            "aliases",
            "pnc_id",
            "address_ref",
            "phone",
            "created_date",
        ],
        [
            "N1001",
            "Hussain",
            "Zara",
            "05/05/2009",
            "F",
            "A3",
            "",
            "",
            "",
            "07700 900555",
            "01/03/2024",
        ],
        ["N1002", "Javed", "Tariq", "02/02/1985", "M", "A3", "", "", "LOC1", "", "01/03/2024"],
    ],
    "objects": [
        ["object_ref", "object_kind", "vrm", "make", "model", "colour", "phone_number"],
        ["OBJ1", "vehicle", "XY12 ABC", "Toyota", "Prius", "Silver", ""],
    ],
    "locations": [
        ["location_ref", "place_type", "premises_name", "house", "street", "town", "postcode"],
        ["LOC1", "takeaway", "Kebab House", "1", "High Street", "Dunmere", "DM1 1AA"],
    ],
    "events": [
        [
            "event_ref",
            "event_type",
            "occurred_at",
            "reported_at",
            "location_ref",
            "outcome",
            "summary",
        ],
        ["INC1", "vehicle_stop", "01/03/2024 21:00", "01/03/2024 23:00", "LOC1", "NFA", SUMMARY],
    ],
    "links": [
        [
            "link_ref",
            "from_type",
            "from_ref",
            "to_type",
            "to_ref",
            "link_type",
            "role",
            "valid_from",
            "valid_to",
            "basis",
            "grading",
        ],
        ["LK1", "person", "N1002", "object", "OBJ1", "driver_of", "", "01/03/2024", "", "fact", ""],
        [
            "LK2",
            "object",
            "OBJ1",
            "event",
            "INC1",
            "participant",
            "vehicle",
            "01/03/2024",
            "",
            "fact",
            "",
        ],
        [
            "LK3",
            "person",
            "N1001",
            "event",
            "INC1",
            "participant",
            "passenger",
            "01/03/2024",
            "",
            "fact",
            "",
        ],
        [
            "LK4",
            "person",
            "N1002",
            "event",
            "INC1",
            "participant",
            "driver",
            "01/03/2024",
            "",
            "fact",
            "",
        ],
    ],
}
LICENSING = {
    "drivers": [
        [
            "badge_number",
            "licence_type",
            "surname",
            "forenames",
            "dob",
            "address",
            "postcode",
            "phone",
            "licence_issued",
            "licence_expires",
            "status",
            "dbs_check_date",
        ],
        [
            "PH001",
            "private_hire",
            "Javed",
            "Tariq",
            "02.02.1985",
            "9 Oak Close",
            "DM1 4LU",
            "07700 900777",
            "01.01.2023",
            "01.01.2026",
            "active",
            "01.12.2022",
        ],
    ],
    "vehicles": [
        [
            "plate_number",
            "vrm",
            "make",
            "model",
            "colour",
            "licence_type",
            "proprietor_name",
            "proprietor_badge",
            "licence_issued",
            "licence_expires",
        ],
        [
            "PHV1",
            "XY12ABC",
            "Toyota",
            "Prius",
            "Silver",
            "private_hire",
            "Tariq Javed",
            "PH001",
            "01.01.2023",
            "01.01.2025",
        ],
    ],
}
DATES = {"police_pole": ("%d/%m/%Y", "%d/%m/%Y %H:%M"), "licensing": ("%d.%m.%Y", "%d.%m.%Y %H:%M")}
KEYS = {
    "persons": "person_ref",
    "objects": "object_ref",
    "locations": "location_ref",
    "events": "event_ref",
    "links": "link_ref",
    "drivers": "badge_number",
    "vehicles": "plate_number",
}


@dataclass
class World:
    """The web fixture with the police and licensing records in it."""

    web: Web
    records: dict[str, str]  # agency key -> source record id
    zara: str
    tariq: str


def _export(
    folder: Path, name: str, kind: str, fmt: str, tables: dict[str, list[list[str]]]
) -> None:
    folder.mkdir(parents=True)
    files = []
    for table, rows in tables.items():
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
        day, moment = DATES[fmt]
        files.append(
            {
                "path": f"{table}.csv",
                "format": fmt,
                "table": table,
                "key": KEYS[table],
                "encoding": "utf-8",
                "delimiter": ",",
                "date_format": day,
                "datetime_format": moment,
                "notes_column": None,
                "columns": rows[0],
                "rows": len(rows) - 1,
            }
        )
    manifest = {
        "agency": kind,
        "kind": kind,
        "name": name,
        "format": fmt,
        "synthetic": True,
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def build_world(web: Web, tmp_path: Path) -> World:  # noqa: F811 (a plain argument)
    """Import the police and licensing exports into ``web``'s store and link the persons."""
    web.store.agency("Licensing", "licensing")
    _export(tmp_path / "police", "Police", "police", "police_pole", POLICE)
    _export(tmp_path / "licensing", "Licensing", "licensing", "licensing", LICENSING)
    jobs = plan([tmp_path / "police", tmp_path / "licensing"], None, None, None)
    result = run_jobs(web.rt.door, "joinedup-service", "data_ingest", jobs)
    assert all(r.status == "imported" for r in result.reports), result.reports
    zara, tariq = "person-zara", "person-tariq"
    members = {"N1001": zara, "N1002": tariq, "PH001": tariq}
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        records = {
            r.agency_key: r.id
            for r in s.list(SourceRecord)
            if r.agency_key
            in {
                k
                for t in (*POLICE.values(), *LICENSING.values())
                for k in (row[0] for row in t[1:])
            }
        }
        social_care = web.store.agencies["Social care"]
        batch = s.add(
            Batch(
                agency_id=social_care,
                file_name="ssd_address.csv",
                file_sha256="0" * 64,
                format="ssd",
                record_type="ssd_address",
            )
        )
        address = SourceRecord(  # social care's address of the child "Ayesha Khan"
            agency_id=social_care,
            batch_id=batch.id,
            record_type="ssd_address",
            agency_key="ADR1",
            payload={"addr_person_id": "CHID42", "addr_address_postcode": "DM11AA"},
            normalised={"postcode": "DM1 1AA", "addr_address_start_date": "2023-02-01"},
        )
        records["ADR1"] = s.add(address).id
        run = s.add(LinkageRun(agency_id=s.actor.agency_id, backend="test"))
        for key, person in members.items():
            record = s.get(SourceRecord, records[key])
            s.add(
                PersonLink(
                    agency_id=record.agency_id, record_id=record.id, person_id=person, run_id=run.id
                )
            )
    rebuild_now(web.rt)
    return World(web, records, zara, tariq)


@pytest.fixture
def world(web: Web, tmp_path: Path) -> World:  # noqa: F811 (the fixture imported above)
    """The web fixture with the police and licensing world imported."""
    return build_world(web, tmp_path)
