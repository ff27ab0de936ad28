"""The upload page: an agency export uploaded, imported in the background by the service
account on the administrator's behalf, its progress polled and its reconciliation shown;
hostile or wrong files refused with a plain reason; nobody but an administrator reaches it."""

from __future__ import annotations

import io
import json
import time
import zipfile

from sqlalchemy import select

from joinedup.ingest.formats import layout_for_file
from joinedup.store import jobs
from joinedup.store.tables.audit import AuditEventRow
from tests.web.conftest import Web
from tests.web.test_admin_pages import admin_web  # noqa: F401 (the fixture)

ROWS = [
    {"attendance_id": "A1", "forename": "Aisha", "surname": "Khan", "dob": "2010-03-04"},
    {"attendance_id": "A2", "forename": "Zara", "surname": "Hussain", "dob": "2009-05-05"},
    {"attendance_id": "", "forename": "Nadia", "surname": "Ali", "dob": "2011-01-01"},
]


def health_csv(rows: list[dict[str, str]] = ROWS) -> bytes:
    """A health attendances export with every column of its format."""
    names = [c.name for c in layout_for_file("health", "attendances.csv").columns]
    lines = [",".join(names)] + [",".join(r.get(n, "") for n in names) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(web: Web, name: str, content: bytes, choice: str = "health/attendances.csv") -> object:
    """Post a file to the upload form."""
    return web.client.post(
        "/admin/imports",
        data={"agency": "Health", "choice": choice, "csrf_token": web.csrf("/admin/imports")},
        files={"export": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def finished(web: Web, location: str, seconds: float = 60) -> str:
    """Poll the progress fragment, as the page does, until the import has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fragment = web.client.get(f"{location}/progress")
        assert fragment.status_code == 200
        if "hx-get" not in fragment.text:
            return fragment.text
        assert "<progress" in fragment.text
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_an_upload_is_imported_in_the_background_with_its_reconciliation(
    admin_web: Web,  # noqa: F811
) -> None:
    web = admin_web
    answer = upload(web, "attendances.csv", health_csv())
    assert answer.status_code == 303  # type: ignore[attr-defined]
    location = answer.headers["location"]  # type: ignore[attr-defined]
    assert web.client.get(location).status_code == 200
    done = finished(web, location)
    assert "Imported" in done and "Reconciliation" in done and "/quarantine" in done
    cells = [c.split(">")[-1] for c in done.split("</td>")]
    read, accepted, quarantined = (int(cells[i]) for i in (3, 4, 5))
    assert (read, accepted, quarantined) == (3, 2, 1) and read == accepted + quarantined
    listing = web.client.get("/admin/imports").text
    assert "attendances.csv" in listing and "3 = 2 + 1" in listing
    with web.store.engine.connect() as conn:  # the service account, on the uploader's behalf
        elevations = conn.execute(
            select(AuditEventRow).where(AuditEventRow.access == "elevate")
        ).all()
    assert elevations


def test_the_same_file_again_is_reported_as_already_imported(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    first = upload(web, "attendances.csv", health_csv())
    finished(web, first.headers["location"])  # type: ignore[attr-defined]
    again = upload(web, "attendances.csv", health_csv())
    assert "Already imported before" in finished(web, again.headers["location"])  # type: ignore[attr-defined]


def test_wrong_and_hostile_files_are_refused_with_a_reason(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    traversal = io.BytesIO()
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("manifest.json", "{}")
        z.writestr("../../evil.csv", "a,b\n")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", "{}")
        z.writestr("zeros.csv", b"0" * 5_000_000)
    cases = {
        ("report.exe", b"MZ\x90\x00"): "not a CSV (.csv), Excel workbook",
        ("attendances.xlsx", b"forename\nAisha\n"): "not a real XLSX",
        ("attendances.csv", bytes(range(32)) * 100): "not text in a known encoding",
        ("attendances.csv", b"forename,surname\nAisha,Khan\n"): "lacks the columns",
        ("export.zip", traversal.getvalue()): "unsafe name",
        ("export.zip", bomb.getvalue()): "zip bomb",
    }
    for (name, content), reason in cases.items():
        answer = upload(web, name, content)
        assert answer.status_code == 400, name  # type: ignore[attr-defined]
        assert reason in answer.text, (name, reason)  # type: ignore[attr-defined]
    listing = web.client.get("/admin/imports").text
    assert listing.count("Not imported") >= 5  # each refusal is kept, with its reason


def test_only_an_administrator_uploads(web: Web) -> None:
    for username in ("an.one", "dpo.one", "ref.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        assert web.client.get("/admin/imports").status_code == 404
        answer = web.client.post(
            "/admin/imports",
            data={"agency": "Health", "choice": "health/attendances.csv", "csrf_token": "x"},
            files={"export": ("attendances.csv", health_csv(), "text/csv")},
        )
        assert answer.status_code == 403  # no token: nothing is read


def test_a_workbook_and_a_zipped_export_folder_are_imported(admin_web: Web) -> None:  # noqa: F811
    from openpyxl import Workbook

    web = admin_web
    names = [c.name for c in layout_for_file("health", "attendances.csv").columns]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(names)
    sheet.append([ROWS[0].get(n, "") for n in names])
    data = io.BytesIO()
    book.save(data)
    first = upload(web, "Health export.xlsx", data.getvalue())
    assert first.status_code == 303  # type: ignore[attr-defined]
    done = finished(web, first.headers["location"])  # type: ignore[attr-defined]
    assert "Imported" in done and "attendances.xlsx" in done
    manifest = {
        "agency": "Health",
        "format": "health",
        "files": [{"path": "attendances.csv", "table": "attendances"}],
    }
    folder = io.BytesIO()
    with zipfile.ZipFile(folder, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("health-export/manifest.json", json.dumps(manifest))
        z.writestr("health-export/attendances.csv", health_csv(ROWS[1:]))
    second = upload(web, "health-export.zip", folder.getvalue(), choice="")
    assert second.status_code == 303  # type: ignore[attr-defined]
    done = finished(web, second.headers["location"])  # type: ignore[attr-defined]
    cells = [c.split(">")[-1] for c in done.split("</td>")]
    assert [int(cells[i]) for i in (3, 4, 5)] == [2, 1, 1]


def test_an_import_whose_server_died_is_shown_interrupted(admin_web: Web) -> None:  # noqa: F811
    web = admin_web
    detail = {"file": "persons.csv", "agency": "Police", "format": "police_pole/persons.csv"}
    detail |= {"uploaded_by": "adm.one", "stage": "importing", "read": {}}
    run_id = jobs.open_run(web.rt.engine, "upload", detail)  # no thread of this server has it
    page = web.client.get(f"/admin/imports/{run_id}")
    assert page.status_code == 200 and "Interrupted" in page.text
    assert f'hx-get="/admin/imports/{run_id}' not in page.text  # no longer polled
    assert "Interrupted" in web.client.get("/admin/imports").text
