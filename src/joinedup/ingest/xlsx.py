"""Reading XLSX workbooks row by row (openpyxl, read-only), into the same records as CSV.

A workbook is a zip of XML files, so a small file can hold a very large one (a zip bomb: a
196 KB workbook with one 200 MB shared string). Before openpyxl sees it, the zip directory is
checked: at most :data:`MAX_XLSX_MEMBERS` members, each stored or deflated, none over
:data:`MAX_XLSX_MEMBER_BYTES` decompressed (the shared strings, which openpyxl holds in memory,
over :data:`MAX_SHARED_STRINGS_BYTES`), all together under :data:`MAX_XLSX_BYTES`. The bytes
are counted again as they are decompressed, so a directory that lies is caught too. A cell
over Excel's own limit of :data:`MAX_CELL_CHARS` characters, a row beyond Excel's
:data:`MAX_XLSX_ROWS`, or a sheet of more than :data:`MAX_XLSX_CELLS` cells (rows are as wide
as their cells, whatever the sheet's ``<dimension>`` claims) refuses the workbook. XML
entities are refused by defusedxml, which openpyxl uses when it is installed (a dependency).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Literal

from joinedup.ingest.files import FileUnreadable, open_regular
from joinedup.ingest.layout import Layout
from joinedup.ingest.reader import MAX_FILE_BYTES, FileInfo, Problem, Record, check_values

MAX_XLSX_BYTES = 512 * 1024**2
MAX_XLSX_MEMBER_BYTES = 256 * 1024**2
MAX_SHARED_STRINGS_BYTES = 64 * 1024**2
MAX_XLSX_MEMBERS = 10_000
MAX_CELL_CHARS = 32_767
MAX_XLSX_CELLS = 50_000_000
MAX_XLSX_ROWS = 1_048_576  # Excel's own
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class _Counted(io.RawIOBase):
    """A zip member's stream that counts the bytes it gives against the caps."""

    def __init__(self, inner: IO[bytes], owner: GuardedZip, name: str, limit: int) -> None:
        super().__init__()
        self._inner, self._owner, self._name, self._limit = inner, owner, name, limit
        self._given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        self._given += len(data)
        self._owner.total += len(data)
        if self._given > self._limit:
            raise self._owner.refused(
                f"member {self._name!r} is over {self._limit:,} bytes decompressed"
            )
        if self._owner.total > MAX_XLSX_BYTES:
            raise self._owner.refused(f"the workbook is over {MAX_XLSX_BYTES:,} bytes decompressed")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class GuardedZip(zipfile.ZipFile):
    """A workbook's zip, its directory checked against the caps and its reads counted."""

    def __init__(self, handle: IO[bytes], path: Path) -> None:
        super().__init__(handle)
        self.path = path
        self.total = 0
        self.shared_strings: str | None = None
        members = self.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise self.refused(f"the workbook has over {MAX_XLSX_MEMBERS:,} members")
        for member in members:
            if member.compress_type not in _METHODS:
                raise self.refused(f"member {member.filename!r} is not stored or deflated")
            if member.file_size > MAX_XLSX_MEMBER_BYTES:
                raise self.refused(
                    f"member {member.filename!r} is over {MAX_XLSX_MEMBER_BYTES:,} bytes "
                    "decompressed"
                )
        if sum(m.file_size for m in members) > MAX_XLSX_BYTES:
            raise self.refused(f"the workbook is over {MAX_XLSX_BYTES:,} bytes decompressed")

    def refused(self, why: str) -> FileUnreadable:
        """The error refusing this workbook for ``why`` (a limit, named)."""
        return FileUnreadable(f"{self.path}: refused: {why} (a zip bomb?)")

    def limit_shared_strings(self, name: str) -> None:
        """Hold the member ``name`` (the shared strings) to :data:`MAX_SHARED_STRINGS_BYTES`."""
        self.shared_strings = name
        if name in self.namelist() and self.getinfo(name).file_size > MAX_SHARED_STRINGS_BYTES:
            raise self.refused(
                f"the shared strings are over {MAX_SHARED_STRINGS_BYTES:,} bytes decompressed"
            )

    def open(
        self,
        name: Any,
        mode: Literal["r", "w"] = "r",
        pwd: bytes | None = None,
        *,
        force_zip64: bool = False,
    ) -> IO[bytes]:
        inner = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return inner
        member = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        limit = MAX_SHARED_STRINGS_BYTES if member == self.shared_strings else MAX_XLSX_MEMBER_BYTES
        return io.BufferedReader(_Counted(inner, self, member, limit))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()  # a date cell: Excel stores dates as datetimes
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _refusal(exc: BaseException) -> FileUnreadable | None:
    """A refusal of ours that openpyxl wrapped in its own error, if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, FileUnreadable):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _open_workbook(path: Path, handle: IO[bytes]) -> Any:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    try:
        archive = GuardedZip(handle, path)  # the directory checked before openpyxl reads it
        reader = ExcelReader(handle, read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise _refusal(exc) or FileUnreadable(
            f"{path}: not a readable XLSX workbook ({_first_line(exc)})"
        ) from exc
    reader.archive.close()  # openpyxl's own view of the zip: replaced by the guarded one
    reader.archive, reader.valid_files = archive, archive.namelist()
    try:
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)  # type: ignore[no-untyped-call]
        if strings is not None:
            archive.limit_shared_strings(strings.PartName[1:])
        reader.read()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        archive.close()
        raise _refusal(exc) or FileUnreadable(
            f"{path}: not a readable XLSX workbook ({_first_line(exc)})"
        ) from exc
    if any(len(text) > MAX_CELL_CHARS for text in reader.shared_strings):
        archive.close()
        raise FileUnreadable(
            f"{path}: refused: a cell is over the {MAX_CELL_CHARS:,}-character limit of a cell"
        )
    return reader.wb


def read_xlsx(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    """Open a workbook's sheet (the layout's ``sheet`` or the first) as records."""
    handle = open_regular(path)
    try:
        if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
            raise FileUnreadable(f"{path}: over the {MAX_FILE_BYTES:,}-byte limit")
        workbook = _open_workbook(path, handle)
    except BaseException:
        handle.close()
        raise
    sheet_name = layout.extra.get("sheet")
    if sheet_name and sheet_name not in workbook.sheetnames:
        workbook.close()
        handle.close()
        raise FileUnreadable(f"{path}: no worksheet named {sheet_name!r}")
    sheet: Any = workbook[sheet_name] if sheet_name else next(iter(workbook.worksheets), None)
    if not hasattr(sheet, "reset_dimensions"):
        workbook.close()
        handle.close()
        raise FileUnreadable(f"{path}: no worksheet to read")
    sheet.reset_dimensions()  # rows as wide as their cells, not as a <dimension> claims
    return _Sheet(path, sheet.iter_rows(values_only=True), workbook, handle).open()


class _Sheet:
    """One worksheet's rows as records, within the cell limits."""

    def __init__(self, path: Path, rows: Iterator[tuple[object, ...]], *closing: Any) -> None:
        self.path, self.rows, self.closing = path, rows, closing
        self.cells = 0
        self.line = 0
        self.info = FileInfo(encoding="xlsx", delimiter="", header=[])

    def _next(self) -> list[str] | None:
        row = next(self.rows, None)
        if row is None:
            return None
        self.line += 1
        self.cells += max(len(row), 1)
        if self.line > MAX_XLSX_ROWS:
            raise FileUnreadable(f"{self.path}: refused: over Excel's {MAX_XLSX_ROWS:,} rows")
        if self.cells > MAX_XLSX_CELLS:
            raise FileUnreadable(f"{self.path}: refused: over {MAX_XLSX_CELLS:,} cells")
        cells = [_cell_text(v) for v in row]
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            raise FileUnreadable(
                f"{self.path}: refused: row {self.line} has a cell over the "
                f"{MAX_CELL_CHARS:,}-character limit of a cell"
            )
        return cells

    def close(self) -> None:
        """Close the workbook and the file."""
        for thing in self.closing:
            thing.close()

    def open(self) -> tuple[FileInfo, Iterator[Record]]:
        """Read up to the header: what was learnt, and the records after it."""
        try:
            while (cells := self._next()) is not None:
                if any(c.strip() for c in cells):
                    self.info.header = [c.strip() for c in cells]
                    break
                self.info.blank_lines += 1
        except BaseException:
            self.close()
            raise
        return self.info, self._records()

    def _records(self) -> Iterator[Record]:
        info, number = self.info, 0
        try:
            while (cells := self._next()) is not None:
                while cells and cells[-1] == "" and len(cells) > len(info.header):
                    cells.pop()
                if not any(c.strip() for c in cells):
                    info.blank_lines += 1
                    continue
                number += 1
                values = dict(zip(info.header, cells, strict=False))
                raw = json.dumps(cells, ensure_ascii=False)
                problem = (
                    Problem(
                        "field_count",
                        f"row has {len(cells)} cells; the header has {len(info.header)}",
                    )
                    if len(cells) > len(info.header)
                    else check_values(values)
                )
                yield Record(number, self.line, values, raw, problem)
        finally:
            self.close()
