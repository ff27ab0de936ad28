"""Reading delimited text exports robustly: encodings, BOMs, bad rows, hostile content.

:func:`read_delimited` yields every record of a file with the verbatim text it came from and,
where the record cannot be trusted, a :class:`Problem`. It never drops a record: blank lines
are counted, over-long fields, stray bytes and ragged rows become problems on that record.
A file that is not delimited text at all (binary content, too large) raises
:class:`FileUnreadable` before any record is read.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from joinedup.ingest.values.text import FORMULA_PATTERN, looks_like_formula

MAX_FILE_BYTES = 4 * 1024**3
MAX_FIELD_CHARS = 1_000_000
_SAMPLE = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class FileUnreadable(ValueError):
    """The file cannot be read as delimited text at all."""


@dataclass(frozen=True)
class Problem:
    """Why a record cannot be accepted: a stable code, the field (if one), a message."""

    code: str
    message: str
    field: str | None = None


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


def sniff_encoding(sample: bytes, declared: str | None) -> str:
    """The encoding to read with: a BOM wins, then the declared one, then detection."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if declared and declared.lower() not in ("auto", ""):
        codecs.lookup(declared)  # raises LookupError for an unknown encoding
        return declared
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best is not None else "cp1252"


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return len(sample) > 0 and controls / len(sample) > 0.05


class _LineTap:
    """Feeds lines to the csv reader while remembering the ones the current record used."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self.taken: list[str] = []
        self.line = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = self._handle.readline()
        if not line:
            raise StopIteration
        self.line += 1
        self.taken.append(line)
        return line


_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")
_FORMULA_ANYWHERE = re.compile("(?:^|\x1f)" + FORMULA_PATTERN)


def _bad_chars(value: str) -> bool:
    return _ESCAPED_BYTES.search(value) is not None


def storable(raw: str) -> str:
    """``raw`` with any undecodable bytes shown as ``\\xNN`` escapes (so it can be stored)."""
    if _ESCAPED_BYTES.search(raw) is None:
        return raw
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def check_values(values: dict[str, str]) -> Problem | None:
    joined = "\x1f".join(values.values())
    if (
        len(joined) <= MAX_FIELD_CHARS
        and _ESCAPED_BYTES.search(joined) is None
        and _FORMULA_ANYWHERE.search(joined) is None
    ):
        return None  # the common case, decided in one pass
    for name, value in values.items():
        if len(value) > MAX_FIELD_CHARS:
            return Problem("field_too_large", f"field is over {MAX_FIELD_CHARS:,} characters", name)
        if _bad_chars(value):
            return Problem("encoding", "bytes that are not valid in the file's encoding", name)
        if looks_like_formula(value):
            return Problem(
                "formula", "value starts like a spreadsheet formula (injection risk)", name
            )
    return None


def read_delimited(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[FileInfo, Iterator[Record]]:
    """Open ``path`` and return what was learnt plus an iterator over its records."""
    try:
        size = path.stat().st_size
        with path.open("rb") as binary:
            sample = binary.read(_SAMPLE)
    except OSError as exc:
        raise FileUnreadable(f"{path}: cannot be opened ({exc.strerror})") from exc
    if size > MAX_FILE_BYTES:
        raise FileUnreadable(f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit")
    try:
        chosen = sniff_encoding(sample, encoding)
    except LookupError as exc:
        raise FileUnreadable(f"{path}: unknown encoding {encoding!r}") from exc
    if _looks_binary(sample, chosen):
        raise FileUnreadable(f"{path}: binary content, not a delimited text file")
    text_sample = sample.decode(chosen, errors="replace")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text_sample.split("\n", 1)[0], ",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(MAX_FIELD_CHARS * 64, 2**26))
    handle = path.open("r", encoding=chosen, errors="surrogateescape", newline="")
    tap = _LineTap(handle)
    reader = csv.reader(tap, delimiter=delimiter)
    info = FileInfo(encoding=chosen, delimiter=delimiter, header=[])
    header = _read_header(reader, tap, info)
    info.header = header
    return info, _records(reader, tap, info, handle)


def _read_header(reader: Iterator[list[str]], tap: _LineTap, info: FileInfo) -> list[str]:
    for row in reader:
        tap.taken.clear()
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


def _records(
    reader: Iterator[list[str]], tap: _LineTap, info: FileInfo, handle: IO[str]
) -> Iterator[Record]:
    number = 0
    header = info.header
    try:
        while True:
            start_line = tap.line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                raw = "".join(tap.taken)
                tap.taken.clear()
                yield Record(
                    number, start_line, {}, raw, Problem("unparseable", f"not valid CSV: {exc}")
                )
                continue
            raw = "".join(tap.taken)
            tap.taken.clear()
            if not row or (len(row) == 1 and not row[0].strip()):
                info.blank_lines += 1
                continue
            number += 1
            values = dict(zip(header, row, strict=False))
            problem: Problem | None = None
            if len(row) != len(header):
                problem = Problem(
                    "field_count",
                    f"row has {len(row)} fields; the header has {len(header)}"
                    + (" (truncated or unbalanced quote?)" if raw.count('"') % 2 else ""),
                )
            elif len(set(header)) != len(header):
                problem = Problem("duplicate_column", "the header names a column twice")
            problem = problem or check_values(values)
            yield Record(number, start_line, values, raw, problem)
    finally:
        handle.close()
