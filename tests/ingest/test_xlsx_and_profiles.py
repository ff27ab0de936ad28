"""Generic exports: XLSX workbooks and CSV files described by a YAML mapping profile."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from joinedup.ingest.batch import ingest_file
from joinedup.ingest.plan import plan
from joinedup.ingest.profile import ProfileError, load_profile
from joinedup.ingest.reader import FileUnreadable
from joinedup.model.records import QuarantinedRow, SourceRecord
from tests.ingest.conftest import IngestStore

PROFILE = """\
format: housing_tenancies
record_type: tenancy
key: Tenancy Ref
sheet: Tenancies
date_formats: ["%d/%m/%Y", "%Y-%m-%d"]
fields:
  forename: {column: First Name, required: true}
  surname: {column: Last Name}
  date_of_birth: {column: DOB}
  postcode: {column: Post Code}
  phone: {column: Tel}
  notes: {column: Comments, encrypt: true}
"""


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cover"
    sheet["A1"] = "Dunmere housing export (synthetic)"
    data = book.create_sheet("Tenancies")
    data.append(["Tenancy Ref", "First Name", "Last Name", "DOB", "Post Code", "Tel", "Comments"])
    data.append(
        ["T1", "Amber", "Lowe", date(2004, 3, 3), "dm6 9yw", "07700 900123", "rent arrears"]
    )
    data.append(["T2", "Kyle", "Dunn", "30/09/1985", "DM9 5LX", None, None])
    data.append([None, None, None, None, None, None, None])
    data.append(["T3", '=HYPERLINK("http://x")', "Lowe", None, None, None, None])
    book.save(path)
    return path


def _import(ing: IngestStore, path: Path, profile: Path):  # type: ignore[no-untyped-def]
    job = plan([path], "Police", None, profile)[0]
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        return ingest_file(s, job.path, job.agency, job.layout, opener=job.opener)


def test_xlsx_sheet_is_read_through_a_profile(ing: IngestStore, tmp_path: Path) -> None:
    profile = tmp_path / "housing.yml"
    profile.write_text(PROFILE)
    report = _import(ing, _workbook(tmp_path / "tenancies.xlsx"), profile)
    assert (report.rows_read, report.accepted, report.quarantined) == (3, 2, 1)
    assert report.quarantine_reasons == {"formula": 1} and report.blank_lines == 1
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        records = {r.agency_key: r for r in s.list(SourceRecord)}
        assert [q.field for q in s.list(QuarantinedRow)] == ["First Name"]
    first = records["T1"].normalised
    assert first["date_of_birth"] == "2004-03-03" and first["postcode"] == "DM6 9YW"
    assert first["phone"] == "+447700900123"
    assert records["T2"].normalised["date_of_birth"] == "1985-09-30"
    assert "arrears" not in records["T1"].payload["Comments"]


def test_csv_through_a_profile_with_sniffed_delimiter(ing: IngestStore, tmp_path: Path) -> None:
    profile = tmp_path / "housing.yml"
    profile.write_text(PROFILE.replace("sheet: Tenancies\n", ""))
    path = tmp_path / "tenancies.csv"
    path.write_text(
        "Tenancy Ref;First Name;Last Name;DOB;Post Code;Tel;Comments\n"
        "T1;Amber;Lowe;03/03/2004;DM6 9YW;;\n",
        encoding="utf-8",
    )
    report = _import(ing, path, profile)
    assert report.accepted == 1


def test_a_missing_sheet_or_a_broken_workbook_is_unreadable(
    ing: IngestStore, tmp_path: Path
) -> None:
    profile = tmp_path / "housing.yml"
    profile.write_text(PROFILE.replace("sheet: Tenancies", "sheet: Missing"))
    with pytest.raises(FileUnreadable, match="no worksheet named 'Missing'"):
        _import(ing, _workbook(tmp_path / "t.xlsx"), profile)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileUnreadable, match="not a readable XLSX"):
        _import(ing, broken, tmp_path / "housing.yml")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("format: Bad Name\nrecord_type: r\nkey: k\nfields: {forename: {column: a}}", "format"),
        ("format: x\nrecord_type: r\nkey: k\nfields: {}", "fields"),
        ("format: x\nrecord_type: r\nkey: k\nfields: {forename: {colum: a}}", "colum"),
        ("format: x\n  bad: [yaml", "not valid YAML"),
    ],
)
def test_invalid_profiles_are_refused_naming_the_problem(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "p.yml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=r"p\.yml") as caught:
        load_profile(path)
    assert fragment in str(caught.value)
