"""The delimited reader against a plain one-line-at-a-time reader of the same rules.

:func:`read_delimited` reads records in batches and cuts a record's verbatim text out of a
window of lines only when asked. The reference below reads line by line, keeping every
record's lines as it goes (the reader's first form); on any file both must give the same
records: number, first line, values, verbatim text and problem, and the same blank lines.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.ingest.reader import Problem, Record, check_values, read_delimited


def _reference(path: Path, delimiter: str) -> tuple[list[str], list[Record], int]:
    """Header, records and blank lines, reading one line at a time.

    A record the csv reader could finish only by running out of lines ended inside a quoted
    field: the file was cut off in it (``truncated_row``).
    """
    taken: list[str] = []
    count = 0
    exhausted = False
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as handle:

        def lines() -> Iterator[str]:
            nonlocal count, exhausted
            while line := handle.readline():
                count += 1
                taken.append(line)
                yield line
            exhausted = True

        rows = csv.reader(lines(), delimiter=delimiter)
        header: list[str] = []
        blank = 0
        for row in rows:
            taken.clear()
            if row and any(cell.strip() for cell in row):
                header = [cell.strip() for cell in row]
                break
            blank += 1
        records: list[Record] = []
        while True:
            start = count + 1
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                raw = "".join(taken)
                taken.clear()
                problem = Problem("unparseable", f"not valid CSV: {exc}")
                records.append(Record(len(records) + 1, start, {}, raw, problem))
                continue
            raw = "".join(taken)
            taken.clear()
            if not row or (len(row) == 1 and not row[0].strip()):
                blank += 1
                continue
            values = dict(zip(header, row, strict=False))
            found: Problem | None = None
            if exhausted:
                found = Problem(
                    "truncated_row", "the file ends inside a quoted field: the row was cut off"
                )
            elif len(row) != len(header):
                found = Problem(
                    "field_count",
                    f"row has {len(row)} fields; the header has {len(header)}"
                    + (" (truncated or unbalanced quote?)" if raw.count('"') % 2 else ""),
                )
            elif len(set(header)) != len(header):
                found = Problem("duplicate_column", "the header names a column twice")
            records.append(
                Record(len(records) + 1, start, values, raw, found or check_values(values))
            )
    return header, records, blank


CELLS = st.sampled_from(
    [
        "a",
        "",
        " ",
        "Amber Lowe",
        '"quoted, with comma"',
        '"two\nlines"',
        '"two\r\nlines"',
        '"cr\ronly"',
        '"unbalanced',
        'mid"quote',
        "=1+1",
        "@SUM(A1)",
        "x" * 150,
        "caf\udcc3",  # an undecodable byte, as the reader sees it
    ]
)


@st.composite
def delimited(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 4))
    lines = [",".join(f"c{i}" for i in range(width))]
    if draw(st.integers(0, 9)) == 0:
        lines[0] = "c0,c0" + lines[0][2:]
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(st.sampled_from(["", " ", ",", "  \t"])))
        else:
            count = width if kind > 2 else draw(st.integers(1, width + 2))
            lines.append(",".join(draw(CELLS) for _ in range(count)))
    if draw(st.booleans()):
        lines.insert(0, "")
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from(["", end]))


@settings(max_examples=150, deadline=None)
@given(text=delimited(), size=st.sampled_from([1, 2, 3, 5000]), limit=st.booleans())
def test_batched_reader_matches_the_line_by_line_reader(text: str, size: int, limit: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        info, records = read_delimited(path, "utf-8", ",")
        old_limit = csv.field_size_limit()
        try:
            if limit:  # fields over 100 characters make the csv module raise
                csv.field_size_limit(100)
            got = [
                batch.record(i) for batch in records.batches(size) for i in range(len(batch.rows))
            ]
            header, expected, blank = _reference(path, ",")
        finally:
            csv.field_size_limit(old_limit)
    assert info.header == header
    assert [(r.number, r.line, r.values, r.raw, r.problem) for r in got] == [
        (r.number, r.line, r.values, r.raw, r.problem) for r in expected
    ]
    assert info.blank_lines == blank


def test_iterating_records_gives_the_batches_records(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,"x\ny"\n\n2,z\n3\n', encoding="utf-8")
    info, records = read_delimited(path, "utf-8", ",")
    got = [(r.number, r.line, r.values, r.problem is None) for r in records]
    assert got == [
        (1, 2, {"a": "1", "b": "x\ny"}, True),
        (2, 5, {"a": "2", "b": "z"}, True),
        (3, 6, {"a": "3"}, False),
    ]
    assert info.blank_lines == 1
