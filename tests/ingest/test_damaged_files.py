"""Damaged files (issue 13, point 6): good rows kept, bad rows quarantined, cut files refused.

A NUL (or another C0 control byte) quarantines its row, not the file; a mostly binary file is
still refused; a file cut inside a quoted field has its last row quarantined as
``truncated_row``; a file whose row count differs from its manifest's is refused whole; rows
in another encoding than the file's are quarantined, so mojibake is never stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.ingest.batch import BatchReport, ingest_file
from joinedup.ingest.files import FileUnreadable, RowCountMismatch
from joinedup.ingest.layout import Layout
from joinedup.ingest.plan import plan
from joinedup.ingest.quarantine import show
from joinedup.ingest.reader import sniff_encoding
from joinedup.ingest.run import run_jobs
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from tests.ingest.conftest import PEOPLE_COLUMNS, IngestStore

LAYOUT = Layout(
    format="test_people",
    record_type="person",
    key="ref",
    columns=PEOPLE_COLUMNS,
    date_formats=("%d/%m/%Y",),
    encoding="utf-8",
)
UNDECLARED = Layout(**{**LAYOUT.__dict__, "encoding": None})
HEADER = "ref,forename,surname,dob,phone,note\r\n"
GOOD = "R{i},Amber,Lowe,03/04/2005,07700 900123,seen near the takeaway\r\n"


def _run(ing: IngestStore, path: Path, layout: Layout = LAYOUT) -> BatchReport:
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        report = ingest_file(s, path, "Police", layout)
    assert report.rows_read == report.accepted + report.quarantined
    return report


def _stored(ing: IngestStore) -> tuple[list[SourceRecord], list[QuarantinedRow]]:
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        return s.list(SourceRecord), s.list(QuarantinedRow)


def _good(count: int, start: int = 1) -> str:
    return "".join(GOOD.format(i=i) for i in range(start, start + count))


def test_a_nul_byte_quarantines_its_row_and_the_others_are_accepted(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(
        (HEADER + _good(300) + "R9000,Am\x00ber,Lowe,03/04/2005,,x\r\n" + _good(224, 301)).encode()
    )
    report = _run(ing, path)
    assert (report.rows_read, report.accepted, report.quarantined) == (525, 524, 1)
    assert report.quarantine_reasons == {"control_character": 1}
    records, quarantined = _stored(ing)
    assert len(records) == 524 and quarantined[0].field == "forename"
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert "\x00" in show(s, quarantined[0].id).raw  # kept verbatim, encrypted


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f\x1e"])
def test_other_control_characters_quarantine_their_row(
    ing: IngestStore, tmp_path: Path, control: str
) -> None:
    path = tmp_path / "ctl.csv"
    text = HEADER + _good(2) + f'R3,Amber,Lowe,03/04/2005,,"a{control}b"\r\n' + "R4,Eve,,,,\t\r\n"
    path.write_text(text, encoding="utf-8")
    report = _run(ing, path)
    assert report.quarantine_reasons == {"control_character": 1} and report.accepted == 3


def test_a_mostly_binary_file_is_still_refused(ing: IngestStore, tmp_path: Path) -> None:
    path = tmp_path / "zeros.csv"
    path.write_bytes(HEADER.encode() + b"\x00" * 4000 + _good(3).encode())
    with pytest.raises(FileUnreadable, match="binary content"):
        _run(ing, path)
    assert _stored(ing) == ([], [])


def test_a_header_with_control_characters_is_refused(ing: IngestStore, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER.replace("surname", "sur\x00name") + _good(2), encoding="utf-8")
    with pytest.raises(FileUnreadable, match="header has control characters"):
        _run(ing, path)


@pytest.mark.parametrize(
    "tail",
    [
        'R3,Amber,Lowe,03/04/2005,,"seen near the',  # cut in the last field
        'R3,Amber,Lowe,03/04/2005,,"seen near the\r\ntake',  # cut after a quoted line break
        'R3,"Am',  # cut early: too few fields as well
        'R3,Amber,Lowe,03/04/2005,,"said ""hello',  # a doubled quote inside, still open
    ],
)
def test_a_file_cut_inside_a_quoted_field_quarantines_the_last_row(
    ing: IngestStore, tmp_path: Path, tail: str
) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(HEADER + _good(2) + tail, encoding="utf-8")
    report = _run(ing, path)
    assert report.quarantine_reasons == {"truncated_row": 1} and report.accepted == 2
    records, quarantined = _stored(ing)
    assert quarantined[0].row_number == 3 and {r.agency_key for r in records} == {"R1", "R2"}


def test_a_complete_last_row_without_a_line_end_is_accepted(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = tmp_path / "end.csv"
    path.write_text(HEADER + _good(2) + 'R3,Amber,Lowe,03/04/2005,,"done"', encoding="utf-8")
    report = _run(ing, path)
    assert report.accepted == 3 and report.quarantined == 0


def _agency_folder(root: Path, rows: int, promised: int) -> Path:
    folder = root / "police"
    folder.mkdir(exist_ok=True)
    lines = "crn,surname,forename\n" + "".join(f"X{i},Lowe,Amber\n" for i in range(rows))
    (folder / "supervision.csv").write_text(lines, encoding="utf-8")
    manifest = {
        "name": "Police",
        "files": [{"path": "supervision.csv", "format": "probation", "rows": promised}],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_file_cut_to_half_is_refused_and_the_whole_file_imports_once(
    ing: IngestStore, tmp_path: Path
) -> None:
    door = ing.store.door
    folder = _agency_folder(tmp_path, rows=50, promised=100)
    half = run_jobs(door, "joinedup-service", "data_ingest", plan([folder], None, None, None))
    assert half.reports == [] and len(half.unreadable) == 1
    assert "manifest says 100 rows but the file holds 50" in half.unreadable[0]
    with door.session("joinedup-service", "data_ingest") as s:
        assert s.list(Batch) == [] and s.list(SourceRecord) == []
    _agency_folder(tmp_path, rows=100, promised=100)  # the whole file, sent again
    for _ in range(2):
        whole = run_jobs(door, "joinedup-service", "data_ingest", plan([folder], None, None, None))
        assert whole.unreadable == []
    assert [r.status for r in whole.reports] == ["already_imported"]
    with door.session("joinedup-service", "data_ingest") as s:
        assert len(s.list(SourceRecord)) == 100 and len(s.list(Batch)) == 1


def test_ingest_file_checks_the_promised_row_count(ing: IngestStore, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + _good(3), encoding="utf-8")
    with (
        pytest.raises(RowCountMismatch, match="says 4 rows but the file holds 3"),
        ing.store.door.session("joinedup-service", "data_ingest") as s,
    ):
        ingest_file(s, path, "Police", LAYOUT, expected_rows=4)
    assert _stored(ing) == ([], [])


UTF8_ROWS = "".join(f"U{i},Zoë,Ní Bhriain,03/04/2005,,café £5\r\n" for i in range(6))
CP1252_ROWS = "".join(f"W{i},Siân,O’Neill,03/04/2005,,£5 – seen\r\n" for i in range(2))


def test_a_mostly_utf8_file_with_cp1252_rows_quarantines_those_rows(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes((HEADER + UTF8_ROWS).encode("utf-8") + CP1252_ROWS.encode("cp1252"))
    report = _run(ing, path, UNDECLARED)
    assert report.encoding == "utf-8" and report.accepted == 6
    assert report.quarantine_reasons == {"encoding": 2}
    records, quarantined = _stored(ing)
    assert {r.normalised["forename"] for r in records} == {"Zoë"}
    assert {q.row_number for q in quarantined} == {7, 8}


def test_a_mostly_cp1252_file_with_utf8_rows_stores_no_mojibake(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    legacy = "".join(f"W{i},Siân,O’Neill,03/04/2005,,£5 – seen\r\n" for i in range(8))
    utf8 = "U1,Zoë,Lowe,03/04/2005,,café\r\n"
    path.write_bytes((HEADER + legacy).encode("cp1252") + utf8.encode())
    report = _run(ing, path, UNDECLARED)
    assert report.encoding == "cp1252" and report.accepted == 8
    assert report.quarantine_reasons == {"encoding": 1}
    records, quarantined = _stored(ing)
    assert {r.normalised["forename"] for r in records} == {"Siân"}
    assert {r.normalised["surname"] for r in records} == {"O’Neill"}
    assert quarantined[0].field == "forename" and "UTF-8 text" in quarantined[0].message
    stored = json.dumps([r.payload | r.normalised for r in records], ensure_ascii=False)
    assert "Ã" not in stored and "Â" not in stored


def test_utf8_rows_in_a_declared_cp1252_file_are_quarantined(
    ing: IngestStore, tmp_path: Path
) -> None:
    layout = Layout(**{**LAYOUT.__dict__, "encoding": "cp1252"})
    path = tmp_path / "w.csv"
    path.write_bytes(
        (HEADER + "R1,Zoë,Lowe,03/04/2005,,x\r\n").encode("cp1252")
        + "R2,Zoë,Lowe,03/04/2005,,x\r\n".encode()
    )
    report = _run(ing, path, layout)
    assert report.accepted == 1 and report.quarantine_reasons == {"encoding": 1}
    assert _stored(ing)[0][0].normalised["forename"] == "Zoë"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ((HEADER + UTF8_ROWS).encode(), "utf-8"),
        ((HEADER + CP1252_ROWS).encode("cp1252"), "cp1252"),
        ((HEADER + UTF8_ROWS).encode() + CP1252_ROWS.encode("cp1252"), "utf-8"),
        ((HEADER + CP1252_ROWS * 4).encode("cp1252") + UTF8_ROWS[:40].encode(), "cp1252"),
        (b"a" + "é".encode() * 40_000, "utf-8"),  # a character cut by the sample's end
    ],
)
def test_sniffing_chooses_the_encoding_most_rows_are_in(content: bytes, expected: str) -> None:
    assert sniff_encoding(content[: 64 * 1024], None) == expected


def test_a_utf16_file_cut_mid_character_quarantines_the_bytes_left_over(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = tmp_path / "u16.csv"
    lone_surrogate = (
        "R3,Amber,Lowe,03/04/2005,,x".encode("utf-16-le") + b"\x00\xd8A\x00\r\x00\n\x00"
    )
    path.write_bytes((HEADER + _good(2)).encode("utf-16") + lone_surrogate + b"\n")
    report = _run(ing, path, UNDECLARED)
    assert report.encoding == "utf-16" and report.accepted == 2
    assert report.quarantined == 2 and set(report.quarantine_reasons) <= {"encoding", "field_count"}
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        shown = [show(s, q.id).raw for q in s.list(QuarantinedRow)]
    assert any("\\x00\\xd8" in raw for raw in shown) and any("\\x0a" in raw for raw in shown)


@pytest.mark.parametrize("declared", ["base64", "rot13", "idna", "undefined", "utf-16", "zlib"])
def test_an_encoding_that_cannot_read_the_file_is_refused(
    ing: IngestStore, tmp_path: Path, declared: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + _good(2), encoding="utf-8")
    with pytest.raises(FileUnreadable, match="cannot be read as"):
        _run(ing, path, Layout(**{**LAYOUT.__dict__, "encoding": declared}))
    assert _stored(ing) == ([], [])
