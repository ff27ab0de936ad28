from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from joinedup.cli.estimate import estimate as estimate_cmd
from joinedup.estimate import TableError, read_table, table_from_rows


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.csv"
    p.write_text(text)
    return p


BAD = [
    ("a,b,count\n1,2,5\n0,1,3\n", "row 2, column 'b'"),
    ("a,b,count\n1,0,-5\n0,1,3\n", "row 2, column 'count': negative"),
    ("a,b,n\n1,0,5\n", "missing 'count' column"),
    ("a,b,count\n1,0,5\n0,1,3\n1,0,2\n", "row 4: duplicate pattern (first given in row 2)"),
    ("a,b,count\n1,0,5\n0,0,3\n", "row 3: all-zero pattern"),
    ("a,b,count\n1,0,x\n", "row 2, column 'count': expected a whole number"),
    ("a,b,count\n1,0\n", "row 2: expected 3 fields"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_malformed_tables_name_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TableError) as err:
        read_table(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(("text", "message"), BAD)
def test_cli_reports_malformed_table_without_traceback(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    result = CliRunner().invoke(estimate_cmd, ["--table", str(path), "--json"])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click error, not an uncaught exception


def test_cli_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(estimate_cmd, ["--table", str(tmp_path / "none.csv")])
    assert result.exit_code != 0
    assert "cannot read file" in result.output


def test_reading_fills_missing_patterns_and_hashes(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y,z,count\n1,0,0,5\n1,1,1,2\n")
    table = read_table(path)
    assert table.n_lists == 3
    assert table.n_observed == 7
    assert table.counts.tolist() == [5, 0, 0, 0, 0, 0, 2]
    assert len(table.sha256) == 64


def test_drop_list_collapses_counts() -> None:
    table = table_from_rows(["a", "b", "c"], [((1, 0, 0), 4), ((1, 0, 1), 3), ((0, 0, 1), 2)])
    dropped = table.drop_list(2)
    assert dropped.list_names == ("a", "b")
    assert dropped.n_observed == 7  # the person only on c is no longer observed
    assert np.allclose(dropped.counts, [7, 0, 0])
