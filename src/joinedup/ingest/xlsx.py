"""Reading XLSX workbooks row by row (openpyxl, read-only), into the same records as CSV."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from joinedup.ingest.layout import Layout
from joinedup.ingest.reader import (
    MAX_FILE_BYTES,
    FileInfo,
    FileUnreadable,
    Problem,
    Record,
    check_values,
)


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


def read_xlsx(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    """Open a workbook's sheet (the layout's ``sheet`` or the first) as records."""
    from openpyxl import load_workbook

    if path.stat().st_size > MAX_FILE_BYTES:
        raise FileUnreadable(f"{path}: over the {MAX_FILE_BYTES:,}-byte limit")
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable(f"{path}: not a readable XLSX workbook ({exc})") from exc
    sheet_name = layout.extra.get("sheet")
    if sheet_name and sheet_name not in workbook.sheetnames:
        workbook.close()
        raise FileUnreadable(f"{path}: no worksheet named {sheet_name!r}")
    sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    info = FileInfo(encoding="xlsx", delimiter="", header=[])
    line = 0
    for row in rows:
        line += 1
        cells = [_cell_text(v).strip() for v in row]
        if any(cells):
            info.header = cells
            break
        info.blank_lines += 1
    return info, _records(rows, info, workbook, line)


def _records(
    rows: Iterator[tuple[object, ...]], info: FileInfo, workbook: object, line: int
) -> Iterator[Record]:
    number = 0
    try:
        for row in rows:
            line += 1
            cells = [_cell_text(v) for v in row]
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
                    "field_count", f"row has {len(cells)} cells; the header has {len(info.header)}"
                )
                if len(cells) > len(info.header)
                else check_values(values)
            )
            yield Record(number, line, values, raw, problem)
    finally:
        workbook.close()  # type: ignore[attr-defined]
