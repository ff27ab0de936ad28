"""The fast ingest path stores and quarantines exactly what the record-by-record path does.

Delimited files are prepared a batch at a time, column by column
(:mod:`joinedup.ingest.columns`); any other reader's records one at a time through
``layout.convert``. Feeding the same file to both (the second through a plain iterator of
records) must give the same source records (payload, normalised JSON, key, row number), the
same quarantined rows (row, line, field, reason, message, verbatim text) and the same counts.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest import columns, prepare
from joinedup.ingest.batch import open_delimited
from joinedup.ingest.layout import Column, Layout
from joinedup.ingest.plan import plan
from joinedup.ingest.reader import FileInfo, FileUnreadable, Record
from joinedup.simulate import simulate
from joinedup.store.bulk import ColumnRows
from tests.ingest.conftest import PEOPLE_COLUMNS

CIPHER = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
LAYOUT = Layout(
    format="test_people",
    record_type="person",
    key="ref",
    columns=(
        *PEOPLE_COLUMNS,
        Column("visits", "int"),
        Column("score", "float"),
        Column("extra", "json"),
        Column("seen", "date", required=True),
        Column("at", "datetime"),
        Column("kind", "code", required=True),
    ),
    date_formats=("%d/%m/%Y", "%Y-%m-%d"),
    encoding="utf-8",
)
GOOD = {
    "ref": "R1",
    "forename": "Amber",
    "surname": "Lowe",
    "dob": "03/04/2005",
    "phone": "07700 900123",
    "note": "seen near the takeaway",
    "visits": "3",
    "score": "1.5",
    "extra": '{"k": [1, 2]}',
    "seen": "2001-02-03",
    "at": "2001-02-03 04:05:06",
    "kind": "X",
}
ODD = [
    "",
    " ",
    " padded ",
    "=1+1",
    "@SUM(A1)",
    "-cmd|' /C calc'!A0",
    'say "hi"',
    "two\nlines",
    "two\r\nlines",
    "Zoë",
    "R2D2",
    "31/02/2005",
    "1899-01-01",
    "12",
    "abc",
    "nan",
    "[1, 2]",
    "{bad",
    "\u2028",
    "x" * 120,
    "Am\x00ber",
    "a\x0bb",
    "\x1f",
    "caf\u00e9 \u00a35",
    "ZoÃ«",
]


def _by_record(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    """The delimited opener, its records handed over one by one (the reference path)."""
    info, records = open_delimited(path, layout)
    return info, (record for record in records)


def _outcome(path: Path, layout: Layout, opener: Any) -> dict[str, Any]:
    target = prepare.Target("agency-1", "batch-1", "user-1", datetime(2026, 1, 1, tzinfo=UTC), "f")
    stream = prepare.prepare(path, layout, opener, CIPHER)
    info = next(stream)
    assert isinstance(info, FileInfo)
    out: dict[str, Any] = {"records": [], "quarantine": [], "read": 0, "duplicates": 0}
    out["reasons"] = {}
    for chunk in stream:
        assert isinstance(chunk, prepare.Chunk)
        for row in chunk.source_records(target, layout):
            payload = json.loads(row["payload"])
            for name in layout.encrypted_names(list(payload)):
                if payload.get(name):
                    payload[name] = CIPHER.decrypt(
                        payload[name],
                        table="source_record",
                        column=f"payload.{name}",
                        row_id=row["id"],
                    )
            shared = [row[k] for k in ("agency_id", "batch_id", "record_type", "source_id")]
            out["records"].append(
                (row["row_number"], row["agency_key"], payload, row["normalised"], shared)
            )
        for q in chunk.quarantined(target):
            raw = CIPHER.decrypt(q["raw"], table="quarantine", column="raw", row_id=q["id"])
            out["quarantine"].append(
                (q["row_number"], q["line"], q["field"], q["reason"], q["message"], raw)
            )
            assert (q["file_name"], q["batch_id"], q["status"]) == ("f", "batch-1", "open")
        out["read"] += chunk.rows_read
        out["duplicates"] += chunk.duplicates
        for reason, count in chunk.reasons.items():
            out["reasons"][reason] = out["reasons"].get(reason, 0) + count
    out["blank"] = info.blank_lines
    assert out["read"] == len(out["records"]) + len(out["quarantine"])
    return out


def _same_both_ways(path: Path, layout: Layout) -> dict[str, Any]:
    try:
        fast = _outcome(path, layout, open_delimited)
    except FileUnreadable as exc:  # e.g. a header that is not valid in the encoding
        with pytest.raises(FileUnreadable, match=re.escape(str(exc))):
            _outcome(path, layout, _by_record)
        return {"unreadable": str(exc)}
    assert fast == _outcome(path, layout, _by_record)
    return fast


@st.composite
def messy_files(draw: st.DrawFn) -> bytes:
    """CSV files with bad values, hostile content, ragged and repeated rows, blank lines,
    control characters, a quoted field left open at the end, rows in UTF-8 and cp1252."""
    header = list(GOOD)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 9)) == 0:
        header = header[:-1]  # a required column missing
    rate = draw(st.sampled_from([0.0, 0.05, 0.3]))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(header)
    keys = [f"R{i}" for i in range(draw(st.integers(0, 40)))]
    for i, key in enumerate(keys):
        row = {**GOOD, "ref": key, "note": f"note {i}"}
        for name in header:
            if draw(st.floats(0, 1)) < rate:
                row[name] = draw(st.sampled_from(ODD))
        cells = [row[name] for name in header]
        shape = draw(st.integers(0, 29))
        if shape == 0:
            cells = cells[:-1]
        elif shape == 1:
            cells.append("more")
        elif shape == 2 and i and "ref" in header:
            cells[header.index("ref")] = keys[i - 1]  # a repeated key
        writer.writerow(cells)
        if shape == 3:
            out.write("\r\n")
        elif shape == 4:
            writer.writerow(cells)  # the same row again
    text = out.getvalue()
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # cut short
    if draw(st.integers(0, 5)) == 0:
        text += 'R999,"left open'
    encodings = draw(st.sampled_from([("utf-8",), ("cp1252",), ("utf-8", "cp1252")]))
    data = b"".join(
        line.encode(draw(st.sampled_from(encodings)), "replace")
        for line in text.splitlines(keepends=True)
    )
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff" + data[at:]  # a byte that is not UTF-8
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=messy_files(),
    batch_rows=st.sampled_from([1, 3, 5000]),
    declared=st.sampled_from(["utf-8", "cp1252", None]),
)
def test_fast_path_matches_record_by_record(
    content: bytes, batch_rows: int, declared: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messy.csv"
        path.write_bytes(content)
        previous, prepare.CHUNK = prepare.CHUNK, batch_rows
        try:
            _same_both_ways(path, Layout(**{**LAYOUT.__dict__, "encoding": declared}))
        finally:
            prepare.CHUNK = previous


def test_fast_path_keeps_issues_and_quarantines_like_the_record_path(tmp_path: Path) -> None:
    rows = [
        dict(GOOD, ref="R1"),
        dict(GOOD, ref="R2", dob="31/02/2005", phone="12"),  # two issues
        dict(GOOD, ref="R3", forename="R2D2"),  # required and wrong
        dict(GOOD, ref=" ", seen=""),  # no key
        dict(GOOD, ref="R1"),  # key again
        dict(GOOD, ref="R5", note="=HYPERLINK(1)"),  # formula
    ]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(GOOD))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "f.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = _same_both_ways(path, LAYOUT)
    assert [r[0] for r in result["records"]] == [1, 2]
    issues = json.loads(result["records"][1][3])["_issues"]
    assert issues == {"dob": "bad_date", "phone": "bad_phone"}
    assert result["reasons"] == {
        "bad_name": 1,
        "missing_key": 1,
        "duplicate_key": 1,
        "formula": 1,
    }
    assert result["records"][0][2]["note"] == "seen near the takeaway"
    assert [q[1] for q in result["quarantine"]] == [4, 5, 6, 7]  # physical lines


def test_a_small_memo_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.csv"
    lines = ["ref,forename,seen,kind,dob"] + [
        f"R{i},Name{chr(97 + i % 26)},2001-02-{1 + i % 28:02d},X,{1 + i % 28:02d}/04/2005"
        for i in range(300)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    full = _same_both_ways(path, LAYOUT)
    monkeypatch.setattr(columns, "MEMO_LIMIT", 7)
    assert _same_both_ways(path, LAYOUT) == full
    assert len(full["records"]) == 300  # "Namea" is a name; digits would not be


@pytest.fixture(scope="module")
def small_borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    simulate(out, seed=5, scale=0.01)
    return out


def test_every_agency_format_fast_path_matches(small_borough: Path) -> None:
    jobs = plan([small_borough], None, None, None)
    assert {job.layout.format for job in jobs} >= {"ssd", "police_pole", "health", "education"}
    for job in jobs:
        result = _same_both_ways(job.path, job.layout)
        assert result["read"] > 0, job.path


def test_new_ids_are_distinct_version_4_uuids() -> None:
    ids = prepare.new_ids(2000)
    assert len(set(ids)) == 2000
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and str(parsed) == value


def test_column_rows_read_as_complete_rows() -> None:
    rows = ColumnRows({"id": ["a", "b", "c"], "n": [1, 2, 3]}, {"agency_id": "x"})
    assert len(rows) == 3
    assert list(rows) == [
        {"agency_id": "x", "id": "a", "n": 1},
        {"agency_id": "x", "id": "b", "n": 2},
        {"agency_id": "x", "id": "c", "n": 3},
    ]
    assert rows[1] == {"agency_id": "x", "id": "b", "n": 2}
    assert list(rows[1:]) == list(rows)[1:]
    assert list(rows.values_in_order(["n", "agency_id"], {"n": str})) == [
        ("1", "x"),
        ("2", "x"),
        ("3", "x"),
    ]
    with pytest.raises(ValueError):
        ColumnRows({"id": ["a"], "n": []}, {})
    with pytest.raises(KeyError):
        list(rows.values_in_order(["missing"], {}))
