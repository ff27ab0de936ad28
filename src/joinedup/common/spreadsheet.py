"""The one writer of spreadsheet files the platform produces: no cell can run as a formula.

A CSV or XLSX file the platform writes is opened by an analyst in Excel or LibreOffice, and
its cells carry what agencies sent (names, notes, keys) and what people typed. A cell that
starts with ``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed or NUL can be taken for
a formula (``-2+3+cmd|' /C calc'!A0``), so every such text cell is written with a single
quote in front (OWASP's CSV injection rule; ASVS 5.0 requirement 1.2.10), whatever passed
ingest. Numbers are written as numbers: they cannot hold a formula. Quoting of delimiters,
quotes and line breaks follows RFC 4180 (the ``csv`` module).

``defusedcsv`` was considered: it leaves tab, CR and LF leads alone and rewrites ``|`` inside
values, so it does not meet the rule above.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from joinedup.common.files import open_private, private_dir

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralise(value: object) -> str | int | float:
    """``value`` as a cell that cannot run: text starting like a formula gets a ``'`` first.

    None is an empty cell; ints and floats (not bools) stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def safe_row(values: Iterable[object]) -> list[str | int | float]:
    """Every value of a row neutralised (see :func:`neutralise`)."""
    return [neutralise(v) for v in values]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "utf-8-sig",
) -> Path:
    """Write ``header`` and ``rows`` to ``path`` as CSV, every cell neutralised, readable by
    its owner only (0600, in a 0700 folder).

    ``utf-8-sig`` (a byte-order mark) by default, so Excel reads the file as UTF-8.
    """
    private_dir(path.parent)
    with open_private(path, "w", newline="", encoding=encoding) as handle:
        out = csv.writer(handle)
        out.writerow(safe_row(header))
        out.writerows(safe_row(row) for row in rows)
    return path
