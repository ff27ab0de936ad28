"""The quarantine in the browser: rows by batch with the reconciliation, fix and resubmit
(checked again by the ingest code), dismiss with a reason."""

from __future__ import annotations

from pathlib import Path

from joinedup.ingest.batch import ingest_file
from joinedup.model.records import QuarantinedRow, SourceRecord
from tests.ingest.test_broken_files import HEADER, LAYOUT
from tests.web.conftest import Web

ROWS = (
    "R1,Amber,Lowe,03/04/2005,07700 900123,\r\n"
    "R2,R2D2,Lowe,03/02/2005,,\r\n"
    "R3,,Lowe,03/04/2005,,\r\n"
)


def _import(web: Web, tmp_path: Path) -> dict[str, QuarantinedRow]:
    """A police export with one good row and two quarantined (a first name that is
    not a name, a missing first name): rows by their reference."""
    path = tmp_path / "police-people.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        ingest_file(s, path, "Police", LAYOUT)
        rows = s.list(QuarantinedRow)
    assert len(rows) == 2
    return {("R2" if r.row_number == 2 else "R3"): r for r in rows}


def test_rows_are_listed_by_batch_with_the_reconciliation(web: Web, tmp_path: Path) -> None:
    rows = _import(web, tmp_path)
    web.sign_in("an.one")
    page = web.client.get("/quarantine")
    assert page.status_code == 200
    text = page.text
    assert "police-people.csv" in text and "Police" in text
    assert "3 = 1 accepted + 0 duplicates + 2 quarantined" in text
    assert "2 waiting + 0 resubmitted and accepted + 0 dismissed" in text
    assert f"/quarantine/{rows['R2'].id}" in text and rows["R2"].field in text


def test_a_fixed_row_is_checked_again_then_accepted(web: Web, tmp_path: Path) -> None:
    rows = _import(web, tmp_path)
    row = rows["R2"]
    web.sign_in("an.one")
    page = web.client.get(f"/quarantine/{row.id}")
    assert page.status_code == 200 and "R2D2" in page.text and row.message in page.text
    assert row.field == "forename"
    token = web.csrf(f"/quarantine/{row.id}")
    columns = ["ref", "forename", "surname", "dob", "phone", "note"]

    def send(forename: str) -> object:
        values = ["R2", forename, "Lowe", "03/02/2005", "", ""]
        return web.client.post(
            f"/quarantine/{row.id}",
            data={"action": "resubmit", "column": columns, "value": values, "csrf_token": token},
            follow_redirects=False,
        )

    unchanged = send("R2D2")
    assert "Correct at least one value first" in unchanged.text  # type: ignore[attr-defined]
    still = send("")
    assert "Still quarantined" in still.text and "forename" in still.text  # type: ignore[attr-defined]
    done = send("Jade")
    assert done.status_code == 303  # type: ignore[attr-defined]
    location = done.headers["location"]  # type: ignore[attr-defined]
    assert "saved=resubmitted" in location
    assert "The corrected row was accepted" in web.client.get(location).text
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        stored = s.get(QuarantinedRow, row.id)
        record = s.get(SourceRecord, stored.record_id or "")
    assert stored.status == "resubmitted" and record.agency_key == "R2"
    listing = web.client.get("/quarantine?status=all").text
    assert "1 waiting + 1 resubmitted and accepted + 0 dismissed" in listing


def test_a_row_is_dismissed_only_with_a_reason(web: Web, tmp_path: Path) -> None:
    row = _import(web, tmp_path)["R3"]
    web.sign_in("an.one")
    token = web.csrf(f"/quarantine/{row.id}")
    empty = web.client.post(
        f"/quarantine/{row.id}", data={"action": "dismiss", "note": "", "csrf_token": token}
    )
    assert "Say why the row is not imported" in empty.text
    done = web.client.post(
        f"/quarantine/{row.id}",
        data={"action": "dismiss", "note": "a test row sent by mistake", "csrf_token": token},
    )
    assert "The row is dismissed" in done.text
    with web.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.get(QuarantinedRow, row.id).status == "dismissed"
    assert "0 dismissed" not in web.client.get("/quarantine").text


def test_a_social_worker_has_no_quarantine(web: Web, tmp_path: Path) -> None:
    row = _import(web, tmp_path)["R2"]
    web.sign_in("sw.one")
    assert web.client.get("/quarantine").status_code == 404
    assert web.client.get(f"/quarantine/{row.id}").status_code == 404
