"""Dated drops: each agency's whole export cut into what it would have sent each week or month.

A post-processing step over the finished exports (the simulator's core is unchanged):
``OUT/<agency>/`` is read file by file and every row is written into the drop of the period
in which the agency recorded it, ``OUT/drops/YYYY-MM-DD/<agency>/`` (the drop is dated by
the period's last day: a Sunday for weekly drops, the month's last day for monthly ones;
the last drop is dated by the history's end). Each drop holds the files with rows in that
period, a ``manifest.json`` in the agency's own format with the drop's row counts, and a
``.done`` marker written last. ``truth/drops.csv`` gives, for every row, the date it was
recorded (as dated here) and the drop that carries it.

How a row is dated (:data:`DATING`): by its file's recording-date column (the first of the
listed columns that holds a date); a row that refers to a dated row of another file (a
police link to its event, a vehicle to its proprietor's licence) is sent no earlier than
that row. Rows of a file without a date of its own (police locations and objects, the SSD
person table) go in the first drop in which another row refers to them; an assessment's
factors and a person's disability rows go with the row they belong to. Rows with no date
and no reference go in the first drop; rows recorded before the first drop go in it, and
rows dated after the last drop in the last one. A row carries the values of the whole
export (an episode's close date, a licence's expiry), not updates sent in later drops.

Memory: rows are streamed and buffered per drop up to a bound; only the dates of rows other
rows refer to are held (a key and a day number each).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.common.values.dates import read_datetime
from joinedup.simulate.dating import CADENCES, DATING, Cadence, Dating, Ref, period_end

__all__ = ["CADENCES", "DATING", "Cadence", "DropsResult", "period_end", "write_drops"]

MARKER = ".done"
INDEX = ("agency", "file", "record_key", "recorded", "drop")
BUFFERED_ROWS = 100_000  # rows held across all drops of a file before they are appended


@dataclass
class DropsResult:
    """What was written: drop dates, folders per agency, rows per agency."""

    root: Path
    cadence: Cadence
    first: date | None = None
    last: date | None = None
    drops: set[date] = field(default_factory=set)
    folders: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "cadence": self.cadence,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "drop_dates": len(self.drops),
            "folders": dict(sorted(self.folders.items())),
            "rows": dict(sorted(self.rows.items())),
        }


class _File:
    """One export file of an agency: its manifest entry and how to read its rows."""

    def __init__(self, folder: Path, agency: str, entry: dict[str, Any]) -> None:
        self.path = folder / entry["path"]
        self.name = str(entry["path"])
        self.entry = entry
        self.dating = DATING.get((agency, self.name), Dating())
        self.date_format = str(entry.get("date_format") or "%Y-%m-%d")
        self.datetime_format = str(entry.get("datetime_format") or "%Y-%m-%dT%H:%M:%S")

    def rows(self) -> Iterator[tuple[list[str], dict[str, int]]]:
        """(header, column index) first, then each row."""
        with self.path.open(encoding=self.entry["encoding"], newline="") as handle:
            reader = csv.reader(handle, delimiter=self.entry["delimiter"])
            header = next(reader)
            yield header, {name: i for i, name in enumerate(header)}
            for row in reader:
                yield row, {}

    def own_date(self, row: list[str], index: dict[str, int]) -> date | None:
        """The row's recording date from its own columns (None: none readable)."""
        for column in self.dating.datetimes:
            value = row[index[column]].strip()
            if value:
                try:
                    return read_datetime(value, self.datetime_format).date()
                except ValueError:
                    continue
        for column in self.dating.dates:
            value = row[index[column]].strip()
            if value:
                try:
                    return read_datetime(value, self.date_format).date()
                except ValueError:
                    continue
        if self.dating.academic_year:
            value = row[index[self.dating.academic_year]].strip()
            if value[:4].isdigit():
                return date(int(value[:4]) + 1, 7, 31)
        return None


def _applies(ref: Ref, row: list[str], index: dict[str, int]) -> bool:
    return ref.when is None or row[index[ref.when[0]]] == ref.when[1]


class _Agency:
    """Dates every row of one agency's export (two passes over its files)."""

    def __init__(self, folder: Path, agency: str) -> None:
        self.folder = folder
        self.agency = agency
        self.manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.files = [_File(folder, agency, e) for e in self.manifest["files"]]
        self.by_name = {f.name: f for f in self.files}
        targets = {r.target for f in self.files for r in f.dating.refs}
        targets |= {f.dating.follows.target for f in self.files if f.dating.follows}
        # dated targets: key -> day number; undated targets: key -> first referring day
        self.known: dict[str, dict[str, int]] = {t: {} for t in targets}

    def _order(self) -> list[_File]:
        """Dated files, those referred to first (a dated file refers only to files before
        it or to undated ones)."""
        dated = [f for f in self.files if f.dating.dated]
        targets = {r.target for f in dated for r in f.dating.refs}
        return sorted(dated, key=lambda f: f.name not in targets)

    def date_row(self, file: _File, row: list[str], index: dict[str, int]) -> date | None:
        """The recording date of a row of a dated file (its own, raised to the dated rows
        it refers to)."""
        day = file.own_date(row, index)
        for ref in file.dating.refs:
            target = self.by_name.get(ref.target)
            if target is None or not target.dating.dated or not _applies(ref, row, index):
                continue
            there = self.known[ref.target].get(row[index[ref.column]])
            if there is not None and (day is None or there > day.toordinal()):
                day = date.fromordinal(there)
        return day

    def first_pass(self) -> None:
        """Dates of the rows other rows refer to."""
        for file in self._order():
            rows = file.rows()
            _, index = next(rows)
            keep = self.known.get(file.name)
            key = index[file.entry["key"]]
            undated = [
                r
                for r in file.dating.refs
                if r.target in self.by_name and not self.by_name[r.target].dating.dated
            ]
            for row, _ in rows:
                day = self.date_row(file, row, index)
                if day is None:
                    continue
                number = day.toordinal()
                if keep is not None:
                    keep[row[key]] = number
                for ref in undated:
                    if _applies(ref, row, index):
                        seen = self.known[ref.target]
                        value = row[index[ref.column]]
                        if value and number < seen.get(value, 1 << 30):
                            seen[value] = number

    def date_of(self, file: _File, row: list[str], index: dict[str, int]) -> date | None:
        """Any row's recording date (after :meth:`first_pass`)."""
        if file.dating.dated:
            return self.date_row(file, row, index)
        ref = file.dating.follows
        if ref is not None:
            number = self.known[ref.target].get(row[index[ref.column]])
        else:
            number = self.known.get(file.name, {}).get(row[index[file.entry["key"]]])
        return date.fromordinal(number) if number is not None else None


def _span(out: Path, agencies: list[_Agency], start: date | None) -> tuple[date, date]:
    """The first day counted and the history's last day."""
    summary = out / "truth" / "summary.json"
    end: date | None = None
    if summary.is_file():
        value = json.loads(summary.read_text(encoding="utf-8")).get("end_date")
        end = date.fromisoformat(value) if value else None
    if start is not None and end is not None:
        return start, end
    lo, hi = date.max, date.min
    for agency in agencies:
        for file in agency.files:
            if not file.dating.dated:
                continue
            rows = file.rows()
            _, index = next(rows)
            for row, _ in rows:
                day = file.own_date(row, index)
                if day is not None:
                    lo, hi = min(lo, day), max(hi, day)
    if lo > hi:
        lo = hi = end or date.today()
    return start or lo, end or hi


class _Writer:
    """Rows of one file buffered per drop and appended to ``drops/<date>/<agency>/<file>``."""

    def __init__(self, root: Path, agency: str, file: _File, header: list[str]) -> None:
        self.root, self.agency, self.file, self.header = root, agency, file, header
        self.buffer: dict[date, list[list[str]]] = defaultdict(list)
        self.held = 0
        self.counts: Counter[date] = Counter()

    def add(self, drop: date, row: list[str]) -> None:
        self.buffer[drop].append(row)
        self.counts[drop] += 1
        self.held += 1
        if self.held >= BUFFERED_ROWS:
            self.flush()

    def flush(self) -> None:
        entry = self.file.entry
        for drop, rows in sorted(self.buffer.items()):
            folder = self.root / drop.isoformat() / self.agency
            path = folder / self.file.name
            fresh = not path.exists()
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding=entry["encoding"], newline="") as handle:
                writer = csv.writer(handle, delimiter=entry["delimiter"], lineterminator="\r\n")
                if fresh:
                    writer.writerow(self.header)
                writer.writerows(rows)
        self.buffer.clear()
        self.held = 0


def write_drops(
    out: Path | str, cadence: Cadence = "weekly", *, start: date | None = None
) -> DropsResult:
    """Cut the exports in ``out`` into dated drops under ``out/drops`` (replaced if present).

    ``start``: the first drop is the period holding this day and carries everything
    recorded before it (default: the earliest recording date, so every period has its drop).
    """
    if cadence not in CADENCES:
        raise ValueError(f"cadence must be one of {', '.join(CADENCES)}")
    out = Path(out)
    root = out / "drops"
    if root.exists():
        shutil.rmtree(root)
    agencies = [
        _Agency(out / a, a)
        for a in sorted(p.name for p in out.iterdir() if (p / "manifest.json").is_file())
    ]
    lo, end = _span(out, agencies, start)
    first, last = min(period_end(lo, cadence), end), end
    result = DropsResult(root, cadence, first, last)
    root.mkdir(parents=True)
    (out / "truth").mkdir(exist_ok=True)
    with (out / "truth" / "drops.csv").open("w", encoding="utf-8", newline="") as handle:
        index_writer = csv.writer(handle, lineterminator="\r\n")
        index_writer.writerow(INDEX)
        for agency in agencies:
            agency.first_pass()
            counts = _write_agency(agency, root, cadence, (first, last), index_writer)
            _finish_agency(agency, root, counts, result)
            agency.known.clear()
    return result


def _write_agency(
    agency: _Agency, root: Path, cadence: Cadence, bounds: tuple[date, date], index: Any
) -> dict[str, Counter[date]]:
    first, last = bounds
    counts: dict[str, Counter[date]] = {}
    for file in agency.files:
        rows = file.rows()
        header, columns = next(rows)
        key = columns[file.entry["key"]]
        writer = _Writer(root, agency.agency, file, header)
        for row, _ in rows:
            day = agency.date_of(file, row, columns)
            drop = first if day is None else min(max(period_end(day, cadence), first), last)
            writer.add(drop, row)
            index.writerow(
                [agency.agency, file.name, row[key], day.isoformat() if day else "", drop]
            )
        writer.flush()
        counts[file.name] = writer.counts
    return counts


def _finish_agency(
    agency: _Agency, root: Path, counts: dict[str, Counter[date]], result: DropsResult
) -> None:
    """Each drop's manifest (the agency's, with the drop's files and row counts), then its
    marker."""
    drops = sorted({d for per_file in counts.values() for d in per_file})
    for drop in drops:
        files = [
            {**file.entry, "rows": counts[file.name][drop]}
            for file in agency.files
            if counts[file.name][drop]
        ]
        folder = root / drop.isoformat() / agency.agency
        manifest = {**agency.manifest, "files": files}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        (folder / MARKER).write_text("", encoding="utf-8")  # last: the drop is complete
        result.drops.add(drop)
        result.folders[agency.agency] += 1
        result.rows[agency.agency] += sum(f["rows"] for f in files)
