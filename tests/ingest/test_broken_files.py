"""A corpus of broken files: each gets a clear message, none crashes, nothing is lost.

For every file: rows read = rows accepted + rows quarantined, and the quarantined rows carry
file, row number, field and reason.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from joinedup.ingest.batch import BatchReport, ingest_file
from joinedup.ingest.layout import Column, Layout
from joinedup.ingest.quarantine import dismiss, resubmit, show
from joinedup.ingest.reader import MAX_FIELD_CHARS, FileUnreadable, Problem
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.hooks import Saved
from tests.ingest.conftest import PEOPLE_COLUMNS, IngestStore

LAYOUT = Layout(
    format="test_people",
    record_type="person",
    key="ref",
    columns=PEOPLE_COLUMNS,
    date_formats=("%d/%m/%Y",),
    encoding="utf-8",
)
HEADER = "ref,forename,surname,dob,phone,note\r\n"
GOOD = "R{i},Amber,Lowe,03/04/2005,07700 900123,seen near the takeaway\r\n"


def _write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _run(ing: IngestStore, path: Path, layout: Layout = LAYOUT) -> BatchReport:
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        report = ingest_file(s, path, "Police", layout)
    assert report.rows_read == report.accepted + report.quarantined
    return report


def _quarantined(ing: IngestStore) -> list[QuarantinedRow]:
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        return s.list(QuarantinedRow)


def test_good_file_is_accepted_with_normalised_and_encrypted_fields(
    ing: IngestStore, tmp_path: Path
) -> None:
    report = _run(
        ing, _write(tmp_path / "f.csv", HEADER + "".join(GOOD.format(i=i) for i in range(5)))
    )
    assert (report.rows_read, report.accepted, report.quarantined) == (5, 5, 0)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        rec = s.list(SourceRecord)[0]
    assert rec.normalised["phone"] == "+447700900123"
    assert rec.normalised["date_of_birth"] == "2005-04-03"
    assert rec.payload["forename"] == "Amber"  # verbatim
    assert "takeaway" not in rec.payload["note"]  # free text encrypted at rest
    assert (
        ing.cipher.decrypt(
            rec.payload["note"], table="source_record", column="payload.note", row_id=rec.id
        )
        == "seen near the takeaway"
    )


def test_truncated_file_quarantines_the_cut_row(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER + GOOD.format(i=1) + GOOD.format(i=2)[:20]
    report = _run(ing, _write(tmp_path / "cut.csv", text))
    assert (report.accepted, report.quarantined) == (1, 1)
    assert report.quarantine_reasons == {"field_count": 1}


def test_wrong_delimiter_quarantines_every_row_naming_the_column(
    ing: IngestStore, tmp_path: Path
) -> None:
    text = (HEADER + GOOD.format(i=1)).replace(",", ";")
    report = _run(ing, _write(tmp_path / "semi.csv", text))
    assert report.quarantined == 1 and report.quarantine_reasons == {"missing_column": 1}
    assert any("missing" in w for w in report.warnings)


def test_cp1252_file_read_as_declared(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER + "R1,Zoë,Ní Bhriain,03/04/2005,,café\r\n"
    layout = Layout(**{**LAYOUT.__dict__, "encoding": "cp1252"})
    report = _run(ing, _write(tmp_path / "w.csv", text.encode("cp1252")), layout)
    assert report.accepted == 1
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(SourceRecord)[0].normalised["forename"] == "Zoë"


def test_mixed_encoding_quarantines_only_the_bad_rows(ing: IngestStore, tmp_path: Path) -> None:
    content = (HEADER + GOOD.format(i=1)).encode("utf-8") + "R2,Zoë,Lowe,03/04/2005,,x\r\n".encode(
        "cp1252"
    )
    report = _run(ing, _write(tmp_path / "mixed.csv", content))
    assert (report.accepted, report.quarantined) == (1, 1)
    assert report.quarantine_reasons == {"encoding": 1}
    assert _quarantined(ing)[0].field == "forename"


def test_bom_is_removed_from_the_first_column(ing: IngestStore, tmp_path: Path) -> None:
    content = codecs.BOM_UTF8 + (HEADER + GOOD.format(i=1)).encode("utf-8")
    report = _run(ing, _write(tmp_path / "bom.csv", content))
    assert report.accepted == 1 and report.encoding == "utf-8-sig"


def test_utf16_with_bom(ing: IngestStore, tmp_path: Path) -> None:
    report = _run(ing, _write(tmp_path / "u16.csv", (HEADER + GOOD.format(i=1)).encode("utf-16")))
    assert report.accepted == 1


def test_missing_required_column(ing: IngestStore, tmp_path: Path) -> None:
    text = "ref,surname\r\nR1,Lowe\r\nR2,Dunn\r\n"
    report = _run(ing, _write(tmp_path / "nofore.csv", text))
    assert report.quarantined == 2 and report.quarantine_reasons == {"missing_column": 2}
    assert {q.field for q in _quarantined(ing)} == {"forename"}


def test_extra_columns_are_kept_encrypted_and_reported(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER.replace("\r\n", ",shoe_size\r\n") + GOOD.format(i=1).replace("\r\n", ",6\r\n")
    report = _run(ing, _write(tmp_path / "extra.csv", text))
    assert report.accepted == 1 and any("shoe_size" in w for w in report.warnings)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        rec = s.list(SourceRecord)[0]
    # a column the layout does not classify is treated as free text: stored only encrypted
    assert rec.payload["shoe_size"] != "6"
    assert (
        ing.cipher.decrypt(
            rec.payload["shoe_size"],
            table="source_record",
            column="payload.shoe_size",
            row_id=rec.id,
        )
        == "6"
    )


def test_empty_file(ing: IngestStore, tmp_path: Path) -> None:
    report = _run(ing, _write(tmp_path / "empty.csv", b""))
    assert report.rows_read == 0 and any("empty" in w for w in report.warnings)


def test_binary_garbage_is_unreadable_with_a_clear_message(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = _write(tmp_path / "garbage.csv", bytes(range(256)) * 100)
    with pytest.raises(FileUnreadable, match="binary content"):
        _run(ing, path)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(SourceRecord) == [] and s.list(QuarantinedRow) == []


def test_undecodable_header_is_unreadable_with_a_clear_message(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = _write(tmp_path / "h.csv", HEADER.replace("surname", "sur\xffname").encode("latin-1"))
    with pytest.raises(FileUnreadable, match="header has bytes that are not valid utf-8"):
        _run(ing, path)


def test_duplicate_header(ing: IngestStore, tmp_path: Path) -> None:
    text = "ref,forename,forename,dob\r\nR1,Amber,Ann,03/04/2005\r\n"
    report = _run(ing, _write(tmp_path / "dup.csv", text))
    assert report.quarantine_reasons == {"duplicate_column": 1}
    assert any("duplicate column" in w for w in report.warnings)


def test_formula_injection_is_quarantined(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER + "R1,Amber,Lowe,03/04/2005,,\"=cmd|' /C calc'!A0\"\r\n" + GOOD.format(i=2)
    report = _run(ing, _write(tmp_path / "formula.csv", text))
    assert report.quarantine_reasons == {"formula": 1} and report.accepted == 1
    assert _quarantined(ing)[0].field == "note"


def test_ten_megabyte_field(ing: IngestStore, tmp_path: Path) -> None:
    huge = "x" * (10 * 1024 * 1024)
    text = HEADER + f"R1,Amber,Lowe,03/04/2005,,{huge}\r\n" + GOOD.format(i=2)
    report = _run(ing, _write(tmp_path / "huge.csv", text))
    assert report.quarantine_reasons == {"field_too_large": 1} and report.accepted == 1
    row = _quarantined(ing)[0]
    assert row.field == "note" and MAX_FIELD_CHARS < 10 * 1024 * 1024
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert len(show(s, row.id).raw) > 10 * 1024 * 1024  # kept whole


def test_bad_values_in_required_and_optional_fields(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER + "R1,R2D2,Lowe,03/04/2005,,\r\n" + "R2,Amber,Lowe,31/02/2005,12,\r\n"
    report = _run(ing, _write(tmp_path / "values.csv", text))
    assert report.quarantine_reasons == {"bad_name": 1} and report.accepted == 1
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        issues = s.list(SourceRecord)[0].normalised["_issues"]
    assert issues == {"dob": "bad_date", "phone": "bad_phone"}


def test_duplicate_keys_and_repeated_rows(ing: IngestStore, tmp_path: Path) -> None:
    text = HEADER + GOOD.format(i=1) + GOOD.format(i=1) + GOOD.format(i=2)
    report = _run(ing, _write(tmp_path / "dupkeys.csv", text))
    assert report.quarantine_reasons == {"duplicate_key": 1}
    assert report.accepted == 2 and report.duplicates == 1  # R2 repeats R1's content


def test_reimport_changes_nothing_and_a_changed_file_is_a_new_batch(
    ing: IngestStore, tmp_path: Path
) -> None:
    path = _write(tmp_path / "same.csv", HEADER + GOOD.format(i=1))
    first = _run(ing, path)
    again = _run(ing, path)
    assert again.status == "already_imported" and again.batch_id == first.batch_id
    _write(path, HEADER + GOOD.format(i=1) + GOOD.format(i=2))
    changed = _run(ing, path)
    assert changed.status == "imported" and changed.batch_id != first.batch_id
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert len(s.list(SourceRecord)) == 3


def test_quarantined_rows_can_be_corrected_resubmitted_or_dismissed(
    ing: IngestStore, tmp_path: Path
) -> None:
    text = HEADER + "R1,,Lowe,03/04/2005,,\r\n" + "R2,=HYPERLINK(1),Lowe,,,\r\n"
    _run(ing, _write(tmp_path / "fix.csv", text))
    missing, formula = sorted(_quarantined(ing), key=lambda q: q.row_number)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        still = resubmit(s, missing.id, {"surname": "Lowe"})
        assert isinstance(still, Problem) and still.code == "missing_value"
        done = resubmit(s, missing.id, {"forename": "Amber"})
        assert isinstance(done, Saved) and isinstance(done.saved, str)
        record_id = done.saved
        dismiss(s, formula.id, "hostile content, reported to the sending agency")
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.get(SourceRecord, record_id).agency_key == "R1"
        states = {q.row_number: (q.status, q.record_id) for q in s.list(QuarantinedRow)}
    assert states == {1: ("resubmitted", record_id), 2: ("dismissed", None)}


@pytest.mark.slow
def test_a_million_row_file(ing: IngestStore, tmp_path: Path) -> None:
    if ing.store.engine.dialect.name != "sqlite":
        pytest.skip("the million-row file is read once, on the default store")
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("ref,forename\n")
        handle.writelines(f"M{i},Amber\n" for i in range(1_000_000))
        handle.write("M5,Duplicate\n")
    layout = Layout(
        format="narrow",
        record_type="person",
        key="ref",
        columns=(Column("ref"), Column("forename", canonical="forename")),
    )
    report = _run(ing, path, layout)
    assert (report.rows_read, report.accepted, report.quarantined) == (1_000_001, 1_000_000, 1)
