"""The one spreadsheet writer (issue 13, point 8): no cell the platform writes can run.

The payloads are the ones that passed ingest's check and reached the i2 CSV.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.common.spreadsheet import FORMULA_LEADS, neutralise, write_csv

PAYLOADS = [
    "-2+3+cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "\n=1+1",
    '\r\n=HYPERLINK("http://example.invalid")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\x00=1+1",
    "-",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_written_as_text(payload: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "out.csv", ["name", "n"], [[payload, 3]])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["'" + payload, "3"]


def test_ordinary_values_and_numbers_are_written_as_they_are(tmp_path: Path) -> None:
    row = ["Amber O'Neil", "", None, -3, 2.5, True, "a=b", 'café, "quoted"']
    path = write_csv(tmp_path / "out.csv", [f"c{i}" for i in range(len(row))], [row])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["Amber O'Neil", "", "", "-3", "2.5", "True", "a=b", 'café, "quoted"']
    assert neutralise(-3) == -3 and neutralise("'=x") == "'=x"


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(), min_size=1, max_size=5))
def test_no_written_cell_starts_like_a_formula(values: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "out.csv", [f"c{i}" for i in range(len(values))], [values])
        with path.open(encoding="utf-8-sig", newline="") as handle:
            written = list(csv.reader(handle))[1]
    for value, cell in zip(values, written, strict=True):
        assert not cell.startswith(FORMULA_LEADS)
        assert cell in (value, "'" + value)
