"""Reading delimited text exports robustly: encodings, BOMs, bad rows, hostile content.

:func:`read_delimited` gives every record of a file with the verbatim text it came from and,
where the record cannot be trusted, a :class:`Problem`. It never drops a record: blank lines
are counted, over-long fields, stray bytes and ragged rows become problems on that record.
A file that is not delimited text at all (mostly binary content, too large) raises
:class:`FileUnreadable` before any record is read. A row with a control character, or with
text not valid in the file's encoding (:mod:`joinedup.ingest.encodings`), is a problem on that
row; a file that ends inside a quoted field has its last row marked ``truncated_row``. Files
are opened only through :func:`joinedup.ingest.files.open_regular`.

Records come one at a time (:class:`Record`) or in batches of cell lists (:class:`RowBatch`,
the fast ingest path's unit). The csv reader takes its lines from :class:`LineWindow`, which
reads the file in large blocks and keeps the lines of the current batch, so a record's
verbatim text is cut out only when it is needed. A batch is screened for the problems of
:func:`joinedup.ingest.checks.check_values` in one pass; only a batch that might hold one is
checked record by record.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from joinedup.ingest.checks import (
    CONTROL,
    FORMULA_FIELD,
    MAX_FIELD_CHARS,
    Problem,
    bad_chars,
    check_values,
    storable,
)
from joinedup.ingest.encodings import (
    C0_BYTES,
    ESCAPE,
    looks_binary,
    single_byte,
    sniff_encoding,
    utf8_pairs,
)
from joinedup.ingest.files import FileUnreadable, open_regular

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

MAX_FILE_BYTES = 4 * 1024**3
_SAMPLE = 64 * 1024
BATCH_ROWS = 5000
_BLOCK_CHARS = 1 << 20
_END_CHECK = "\x1etruncation check\x1e"

__all__ = [
    "MAX_FIELD_CHARS",
    "FileUnreadable",
    "Problem",
    "check_values",
    "sniff_encoding",
    "storable",
]


@dataclass
class Record:
    """One record as read: its number, its fields by column, its verbatim text."""

    number: int
    line: int
    values: dict[str, str]
    raw: str
    problem: Problem | None = None


@dataclass
class FileInfo:
    """What was learnt about a file while opening it."""

    encoding: str
    delimiter: str
    header: list[str]
    blank_lines: int = 0
    warnings: list[str] = field(default_factory=list)


Opener = Callable[[Path, Any], tuple[FileInfo, Iterator[Record]]]
"""Opens a file for a layout: (what was learnt, its records)."""


class LineWindow:
    """Feeds a csv reader the lines of a text file, keeping those not yet released."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._lines: list[str] = []
        self._first = 0  # number of lines released before self._lines[0]
        self.chars = 0  # characters read so far
        self.ended = False  # whether the csv reader has asked for a line past the end

    def feed(self) -> Iterator[str]:
        """Every line of the file, in order (give this to ``csv.reader``)."""
        return chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[list[str]]:
        while True:
            block = self._handle.readlines(_BLOCK_CHARS)
            if not block:
                self.ended = True
                return
            self._lines.extend(block)
            self.chars += sum(map(len, block))
            yield block

    def release(self, upto: int) -> None:
        """Forget the lines before line ``upto`` (0-based; the next record starts there)."""
        del self._lines[: upto - self._first]
        self._first = upto

    def lines(self, start: int, end: int) -> list[str]:
        """Lines ``start`` to ``end - 1`` (0-based, not yet released)."""
        return self._lines[start - self._first : end - self._first]

    def text(self, start: int, end: int) -> str:
        """The verbatim text of lines ``start`` to ``end - 1`` (0-based, not yet released)."""
        return "".join(self.lines(start, end))

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


@dataclass
class RowBatch:
    """Consecutive records: ``rows[i]`` is record ``first_number + i`` of the file.

    It spans lines ``starts[i]`` to ``ends[i] - 1`` (0-based); ``problems`` holds the reader's
    problems by index. :meth:`raw` works until the next batch is read.
    """

    header: list[str]
    first_number: int
    window: LineWindow
    rows: list[list[str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    problems: dict[int, Problem] = field(default_factory=dict)
    chars: int = 0

    def raw(self, index: int) -> str:
        """The verbatim text of record ``index`` of this batch."""
        return self.window.text(self.starts[index], self.ends[index])

    def record(self, index: int) -> Record:
        """Record ``index`` of this batch as a :class:`Record`."""
        return Record(
            self.first_number + index,
            self.starts[index] + 1,
            dict(zip(self.header, self.rows[index], strict=False)),
            self.raw(index),
            self.problems.get(index),
        )


def _screen(batch: RowBatch, single: str | None) -> None:
    """Add the value problems of :func:`check_values` to ``batch`` (one pass if none)."""
    clean = [i for i in range(len(batch.rows)) if i not in batch.problems]
    if not clean:
        return
    rows = batch.rows if len(clean) == len(batch.rows) else [batch.rows[i] for i in clean]
    parts = list(map("\x1f".join, rows))
    whole = "\x1f" + "\x1f".join(parts)
    try:
        # undecodable bytes are lone surrogates: encoding them fails
        data = whole.encode("ascii") if whole.isascii() else whole.encode("utf-8")
        suspect = (
            max(map(len, parts)) > MAX_FIELD_CHARS
            or len(data) - len(data.translate(None, C0_BYTES)) != sum(map(len, rows))
            or (any(c in whole for c in "=@+-") and bool(FORMULA_FIELD.search(whole)))
            or (single is not None and bool(utf8_pairs(single).search(whole)))
        )
    except UnicodeEncodeError:
        suspect = True
    if not suspect:
        return
    for i in clean:
        problem = check_values(dict(zip(batch.header, batch.rows[i], strict=True)), single)
        if problem is not None:
            batch.problems[i] = problem


def _mark_cut(batch: RowBatch, dialect: Any) -> None:
    """Mark the batch's last record ``truncated_row`` when the file ends inside one of its
    quoted fields (the csv reader then ran to the end of the file to finish it)."""
    last = len(batch.rows) - 1
    lines = batch.window.lines(batch.starts[last], batch.ends[last])
    try:
        rows = list(csv.reader([*lines, _END_CHECK + "\n"], dialect))
    except csv.Error:
        return
    if not rows or rows[-1] != [_END_CHECK]:  # the check line became part of a field
        batch.problems[last] = Problem(
            "truncated_row", "the file ends inside a quoted field: the row was cut off"
        )


def batches(
    reader: CsvReader, window: LineWindow, info: FileInfo, size: int = BATCH_ROWS
) -> Iterator[RowBatch]:
    """The records after the header, ``size`` at a time; blank lines are counted in ``info``.

    The csv reader reads a batch's records in one call. When each took one line (the usual
    case), line numbers follow; otherwise (a quoted line break, or text the csv module
    refuses) the batch's lines are read again record by record, by a new reader: each record
    starts afresh, so it finds the same records, now with their lines.
    """
    duplicated = len(set(info.header)) != len(info.header)
    single = single_byte(info.encoding)
    number = 0
    while True:
        position = reader.line_num
        window.release(position)
        batch = RowBatch(info.header, number + 1, window)
        try:
            rows: list[list[str]] | None = list(islice(reader, size))
        except csv.Error:
            rows = None
        if rows is not None and reader.line_num - position == len(rows):
            if not rows:
                return
            _one_line_each(batch, rows, position, duplicated, info)
        else:
            again = csv.reader(window.lines(position, reader.line_num), reader.dialect)
            _record_by_record(batch, again, position, duplicated, info)
        if batch.rows:
            number += len(batch.rows)
            batch.chars = window.chars
            _screen(batch, single)
            if window.ended:
                _mark_cut(batch, reader.dialect)
            yield batch


def _one_line_each(
    batch: RowBatch, rows: list[list[str]], position: int, duplicated: bool, info: FileInfo
) -> None:
    width = len(info.header)
    if (
        not duplicated
        and {len(row) for row in rows} == {width}
        and (width > 1 or all(row[0].strip() for row in rows))
    ):
        batch.rows = rows
        batch.starts = list(range(position, position + len(rows)))
        batch.ends = list(range(position + 1, position + len(rows) + 1))
        return
    for offset, row in enumerate(rows, position):
        _add(batch, row, offset, offset + 1, duplicated, info)


def _record_by_record(
    batch: RowBatch, reader: CsvReader, position: int, duplicated: bool, info: FileInfo
) -> None:
    start = position
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = position + reader.line_num
            batch.problems[len(batch.rows)] = Problem("unparseable", f"not valid CSV: {exc}")
            batch.rows.append([])
            batch.starts.append(start)
            batch.ends.append(end)
        else:
            end = position + reader.line_num
            _add(batch, row, start, end, duplicated, info)
        start = end


def _add(
    batch: RowBatch, row: list[str], start: int, end: int, duplicated: bool, info: FileInfo
) -> None:
    """Add one parsed record to ``batch`` (a blank line is only counted)."""
    width, fields = len(info.header), len(row)
    if fields == 0 or (fields == 1 and not row[0].strip()):
        info.blank_lines += 1
        return
    if fields != width or duplicated:
        batch.problems[len(batch.rows)] = _shape_problem(
            fields, width, batch.window.text(start, end)
        )
    batch.rows.append(row)
    batch.starts.append(start)
    batch.ends.append(end)


def _shape_problem(fields: int, width: int, raw: str) -> Problem:
    if fields != width:
        return Problem(
            "field_count",
            f"row has {fields} fields; the header has {width}"
            + (" (truncated or unbalanced quote?)" if raw.count('"') % 2 else ""),
        )
    return Problem("duplicate_column", "the header names a column twice")


class DelimitedRecords(Iterator[Record]):
    """A delimited file's records after the header, read once: one at a time by iterating,
    or in batches with :meth:`batches` (the same records); the file closes at the end."""

    def __init__(self, reader: CsvReader, window: LineWindow, info: FileInfo, path: Path) -> None:
        self._reader = reader
        self._window = window
        self._info = info
        self._path = path
        self._records: Iterator[Record] | None = None

    def batches(self, size: int = BATCH_ROWS) -> Iterator[RowBatch]:
        """The records, ``size`` at a time (:class:`FileUnreadable` if the file's encoding
        turns out not to read it after all)."""
        try:
            yield from batches(self._reader, self._window, self._info, size)
        except (UnicodeError, LookupError) as exc:
            raise FileUnreadable(
                f"{self._path}: cannot be read as {self._info.encoding} ({exc})"
            ) from exc
        finally:
            self._window.close()

    def _each(self) -> Iterator[Record]:
        for batch in self.batches():
            for index in range(len(batch.rows)):
                yield batch.record(index)

    def __next__(self) -> Record:
        if self._records is None:
            self._records = self._each()
        return next(self._records)


def read_delimited(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[FileInfo, DelimitedRecords]:
    """Open ``path``: what was learnt, and its records (see :class:`DelimitedRecords`)."""
    binary = open_regular(path)
    try:
        size = os.fstat(binary.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise FileUnreadable(
                f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit"
            )
        sample = binary.read(_SAMPLE)
        binary.seek(0)
        try:
            chosen = sniff_encoding(sample, encoding)
        except LookupError as exc:
            raise FileUnreadable(f"{path}: unknown encoding {encoding!r}") from exc
        try:
            sample.decode(chosen, ESCAPE)  # a codec that cannot read text (base64, idna ...)
        except (UnicodeError, LookupError) as exc:
            raise FileUnreadable(f"{path}: cannot be read as {chosen} ({exc})") from exc
        if looks_binary(sample, chosen):
            raise FileUnreadable(f"{path}: binary content, not a delimited text file")
    except BaseException:
        binary.close()
        raise
    text_sample = sample.decode(chosen, errors="replace")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text_sample.split("\n", 1)[0], ",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(MAX_FIELD_CHARS * 64, 2**26))
    handle = io.TextIOWrapper(binary, encoding=chosen, errors=ESCAPE, newline="")
    window = LineWindow(handle)
    reader = csv.reader(window.feed(), delimiter=delimiter)
    info = FileInfo(encoding=chosen, delimiter=delimiter, header=[])
    try:
        info.header = _read_header(reader, info)
    except (UnicodeError, LookupError) as exc:
        window.close()
        raise FileUnreadable(f"{path}: cannot be read as {chosen} ({exc})") from exc
    if any(bad_chars(name) for name in info.header):
        window.close()
        raise FileUnreadable(f"{path}: the header has bytes that are not valid {chosen}")
    if any(CONTROL.search(name) for name in info.header):
        window.close()
        raise FileUnreadable(f"{path}: the header has control characters")
    return info, DelimitedRecords(reader, window, info, path)


def _read_header(reader: Iterator[list[str]], info: FileInfo) -> list[str]:
    for row in reader:
        if row and any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            seen: set[str] = set()
            for name in header:
                if name in seen:
                    info.warnings.append(f"duplicate column {name!r} in the header")
                seen.add(name)
            return header
        info.blank_lines += 1
    return []
