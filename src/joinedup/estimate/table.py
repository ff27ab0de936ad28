"""Capture-history tables: reading, validating and holding pattern → count data.

A table has one 0/1 column per list (in list order) followed by a ``count`` column. Every
observable capture history (cell) is identified by a bitmask ``code`` in ``1 .. 2**K - 1``
where bit ``i`` set means "on list ``i + 1``"; cell arrays are indexed by ``code - 1``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from joinedup.common.errors import JoinedupError

MAX_LISTS = 16


class TableError(JoinedupError, ValueError):
    """A malformed capture-history table; the message names file, row and column."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts for every observable capture history of ``K`` lists."""

    list_names: tuple[str, ...]
    counts: NDArray[np.float64]  # length 2**K - 1, index = code - 1
    sha256: str = ""
    source: str = ""
    _codes: NDArray[np.int64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        k = len(self.list_names)
        if self.counts.shape != (2**k - 1,):
            raise ValueError(f"expected {2**k - 1} cell counts for {k} lists")
        object.__setattr__(self, "_codes", np.arange(1, 2**k, dtype=np.int64))

    @property
    def n_lists(self) -> int:
        """Number of lists ``K``."""
        return len(self.list_names)

    @property
    def n_observed(self) -> int:
        """Number of distinct individuals observed on at least one list."""
        return round(float(self.counts.sum()))

    @property
    def codes(self) -> NDArray[np.int64]:
        """Bitmask code of each cell, aligned with ``counts``."""
        return self._codes

    def list_sizes(self) -> NDArray[np.float64]:
        """Number of individuals on each list."""
        return np.array(
            [self.counts[(self._codes >> i) & 1 == 1].sum() for i in range(self.n_lists)]
        )

    def with_counts(self, counts: NDArray[np.float64]) -> CaptureTable:
        """A table with the same lists and new cell counts."""
        return CaptureTable(self.list_names, np.asarray(counts, dtype=np.float64))

    def drop_list(self, index: int) -> CaptureTable:
        """Collapse the table over list ``index`` (0-based), dropping that list."""
        k = self.n_lists
        if k < 3:
            raise ValueError("cannot drop a list from a table with fewer than three lists")
        names = tuple(n for i, n in enumerate(self.list_names) if i != index)
        new = np.zeros(2 ** (k - 1) - 1)
        for code, count in zip(self._codes, self.counts, strict=True):
            low = int(code) & ((1 << index) - 1)
            high = (int(code) >> (index + 1)) << index
            new_code = low | high
            if new_code:
                new[new_code - 1] += count
        return CaptureTable(names, new)

    def observed_patterns(self) -> list[tuple[tuple[int, ...], int]]:
        """Rows ``(pattern, count)`` for the cells with a positive count."""
        rows = []
        for code, count in zip(self._codes, self.counts, strict=True):
            if count > 0:
                bits = tuple(int((int(code) >> i) & 1) for i in range(self.n_lists))
                rows.append((bits, round(float(count))))
        return rows


def table_from_rows(
    list_names: Sequence[str],
    rows: Sequence[tuple[Sequence[int], int]],
) -> CaptureTable:
    """Build a table from ``(pattern, count)`` rows; missing patterns count zero."""
    names = tuple(list_names)
    counts = np.zeros(2 ** len(names) - 1)
    for pattern, count in rows:
        code = sum(int(b) << i for i, b in enumerate(pattern))
        if code == 0:
            raise ValueError("the all-zero pattern is not observable")
        counts[code - 1] += count
    return CaptureTable(names, counts)


def read_table(path: str | Path) -> CaptureTable:
    """Read and validate a pattern → count CSV; raise ``TableError`` naming row and column."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise TableError(f"{p}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"{p}: not UTF-8 text") from None
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableError(f"{p}: empty file, expected a header row") from None
    if "count" not in header:
        raise TableError(f"{p}, row 1: missing 'count' column (header: {','.join(header)})")
    if header[-1] != "count" or header.count("count") > 1:
        raise TableError(f"{p}, row 1: 'count' must be the single last column")
    names = header[:-1]
    if len(names) < 2:
        raise TableError(f"{p}, row 1: need at least two list columns before 'count'")
    if len(names) > MAX_LISTS:
        raise TableError(f"{p}, row 1: {len(names)} lists; at most {MAX_LISTS} supported")
    for j, name in enumerate(names, start=1):
        if not name:
            raise TableError(f"{p}, row 1, column {j}: empty list name")
    if len(set(names)) != len(names):
        raise TableError(f"{p}, row 1: duplicate list names")
    counts = np.zeros(2 ** len(names) - 1)
    seen: dict[int, int] = {}
    for rownum, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise TableError(f"{p}, row {rownum}: expected {len(header)} fields, found {len(row)}")
        code = 0
        for j, (name, cell) in enumerate(zip(names, row, strict=False)):
            value = cell.strip()
            if value not in ("0", "1"):
                raise TableError(
                    f"{p}, row {rownum}, column '{name}': expected 0 or 1, found {value!r}"
                )
            code |= int(value) << j
        value = row[-1].strip()
        try:
            count = int(value)
        except ValueError:
            raise TableError(
                f"{p}, row {rownum}, column 'count': expected a whole number, found {value!r}"
            ) from None
        if count < 0:
            raise TableError(f"{p}, row {rownum}, column 'count': negative count {count}")
        if code == 0:
            raise TableError(
                f"{p}, row {rownum}: all-zero pattern (nobody is observed on no list); "
                "remove the row"
            )
        if code in seen:
            raise TableError(
                f"{p}, row {rownum}: duplicate pattern (first given in row {seen[code]})"
            )
        seen[code] = rownum
        counts[code - 1] = count
    if counts.sum() <= 0:
        raise TableError(f"{p}: no individuals observed (all counts zero)")
    return CaptureTable(tuple(names), counts, hashlib.sha256(raw).hexdigest(), str(p))
