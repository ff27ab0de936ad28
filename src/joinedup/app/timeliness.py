"""Use case of ``joinedup evaluate timeliness``: how soon a child would have been seen.

The simulator's dated drops (``simulate --drops``) are replayed in date order through the
worker (:func:`joinedup.app.worker.run_due`, forced, the clock at each drop's date, the drop
folders that date's folders only); drops before the window are taken in one first run, as
the partnership's first load. After each drop the flags of the rules that say a child may
be exploited (``victim_signal``, among them the prompt for a risk assessment) are read, and
each new one is dated by the drop.

Per victim (from the truth): the first date any agency held an indicator on record (the
recording date, ``truth/drops.csv``, of the victim's first record marked ``cse_related``)
and the date of the first such flag; ``days_to_flag`` is their difference (0 when a flag came
before any indicator). The **status quo** counts a victim as seen only on the date of a
police record marked as a CSE concern. Victims counted are those whose first indicator falls
in the window; a victim not seen by its end is ``never_flagged``. Medians and 90th
percentiles are over the victims seen; the shares are of all victims counted.
"""

from __future__ import annotations

import csv
import math
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.app.schedule import Schedule
from joinedup.app.worker import MARKER, JobResult, run_due
from joinedup.common.errors import InputError
from joinedup.linkage.sources import record_keys
from joinedup.safeguarding.evaluate import FlagFacts, load_truth, stored_flags, truth_person
from joinedup.safeguarding.rules.definitions import RuleSet, default_rules
from joinedup.store.jobs import completed_drops

__all__ = ["evaluate_timeliness", "summarise"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DropRun:
    """One replayed drop date: how long the worker took and what it read."""

    day: date
    seconds: float
    folders: int
    rows_read: int


def _dated_folders(root: Path) -> list[tuple[date, Path]]:
    found = []
    for sub in sorted(root.iterdir()):
        try:
            day = date.fromisoformat(sub.name)
        except ValueError:
            continue
        if sub.is_dir():
            found.append((day, sub))
    if not found:
        raise InputError(
            f"{root}: no dated drop folders (YYYY-MM-DD): write them with "
            "`joinedup simulate --drops weekly`"
        )
    return found


def _replay(folders: tuple[Path, ...], day: date, progress: Progress | None) -> DropRun:
    started = time.perf_counter()
    results = run_due(Schedule(drop_folders=folders), as_of=day, force=True)
    seconds = time.perf_counter() - started
    failed = [r for r in results if r.outcome == "failed"]
    if failed:
        raise InputError(f"the worker failed on the drop of {day}: {_errors(failed)}")
    detail = next((r.detail for r in results if r.job == "drops"), {})
    run = DropRun(day, round(seconds, 2), len(detail.get("drops", [])), detail.get("rows_read", 0))
    if progress is not None:
        progress(f"{day}: {run.folders} drop folders, {run.rows_read:,} rows, {seconds:.1f} s")
    return run


def _errors(failed: list[JobResult]) -> str:
    return "; ".join(f"{r.job}: {r.error}" for r in failed)


def _signal_rules() -> RuleSet:
    rules = default_rules()
    return RuleSet(version=rules.version, rules=tuple(r for r in rules.rules if r.victim_signal))


def evaluate_timeliness(
    who: Caller,
    truth_dir: Path,
    drops_dir: Path,
    *,
    start: date | None = None,
    end: date | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replay the drops through the worker and measure days from first indicator to flag,
    against the status quo. The database must not have taken these drops before."""
    with session(who) as opened:
        opened.require("evaluate.run")
    dated = _dated_folders(drops_dir)
    start = start or dated[0][0]
    end = end or dated[-1][0]
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    taken = completed_drops(runtime().engine)
    if any(str(marker.parent.resolve()) in taken for _, f in dated for marker in f.rglob(MARKER)):
        raise InputError(
            "some of these drops were taken by this database already: replay "
            "into a fresh database (`joinedup init`)"
        )
    signal = _signal_rules()
    seen: dict[tuple[str, str], tuple[date, FlagFacts]] = {}
    runs: list[DropRun] = []

    def replay(folders: tuple[Path, ...], day: date) -> None:
        runs.append(_replay(folders, day, progress))
        with session(who) as opened:
            for facts in stored_flags(opened, signal):
                if facts.status != "resolved" and facts.subject_type != "vehicle":
                    seen.setdefault((facts.rule_id, facts.subject_id), (day, facts))

    before = [(d, f) for d, f in dated if d < start]
    if before:
        replay(tuple(f for _, f in before), before[-1][0])
    for day, folder in dated:
        if start <= day <= end:
            replay((folder,), day)
    with session(who) as opened:
        keys = record_keys(opened)
    truth = load_truth(truth_dir)
    first_flag: dict[str, date] = {}
    for day, facts in seen.values():
        pid = truth_person(facts, keys, truth)
        if pid is not None and (pid not in first_flag or day < first_flag[pid]):
            first_flag[pid] = day
    indicator, police = _indicators(truth_dir, truth.victims)
    victims = sorted(p for p, d in indicator.items() if start <= d <= end)
    platform = [_days(indicator[p], first_flag.get(p)) for p in victims]
    status_quo = [_days(indicator[p], _until(police.get(p), end)) for p in victims]
    per_victim: list[dict[str, Any]] = [
        {
            "person_id": pid,
            "first_indicator": indicator[pid].isoformat(),
            "first_flag": _iso(first_flag.get(pid)),
            "days_to_flag": days,
            "status_quo_seen": _iso(_until(police.get(pid), end)),
            "status_quo_days": quo,
        }
        for pid, days, quo in zip(victims, platform, status_quo, strict=True)
    ]
    seconds = sorted(r.seconds for r in runs if start <= r.day)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        **summarise(platform),
        "status_quo": summarise(status_quo),
        "drops_replayed": len(seconds),
        "drop_seconds_p50": _quantile(seconds, 0.5),
        "drop_seconds_p95": _quantile(seconds, 0.95),
        "first_load_seconds": runs[0].seconds if before else None,
        "per_victim": per_victim,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _until(day: date | None, end: date) -> date | None:
    return day if day is not None and day <= end else None


def _days(indicator: date, seen: date | None) -> int | None:
    return None if seen is None else max(0, (seen - indicator).days)


def _quantile(values: list[float], q: float) -> float | None:
    """Nearest-rank quantile of sorted ``values`` (None when empty)."""
    if not values:
        return None
    return values[max(0, math.ceil(q * len(values)) - 1)]


def summarise(days: list[int | None]) -> dict[str, Any]:
    """The timeliness figures of a list of days to flag (None: never flagged)."""
    flagged = sorted(d for d in days if d is not None)
    n = len(days)
    return {
        "victims": n,
        "median_days_to_flag": statistics.median(flagged) if flagged else None,
        "p90_days_to_flag": _quantile([float(d) for d in flagged], 0.9),
        "share_within_7_days": round(sum(d <= 7 for d in flagged) / n, 4) if n else None,
        "share_within_30_days": round(sum(d <= 30 for d in flagged) / n, 4) if n else None,
        "never_flagged": n - len(flagged),
    }


def _csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _indicators(truth_dir: Path, victims: set[str]) -> tuple[dict[str, date], dict[str, date]]:
    """Per victim: the first recording date of any record marked as CSE-related, and of a
    police one (the status quo)."""
    root = truth_dir / "truth" if (truth_dir / "truth").is_dir() else truth_dir
    if not (root / "drops.csv").is_file():
        raise InputError(f"{root}: no drops.csv: simulate with --drops to date the records")
    wanted: dict[tuple[str, str, str], list[str]] = {}
    for row in _csv(root / "records.csv"):
        if row["cse_related"] == "1" and row["person_id"] in victims:
            key = (row["agency"], row["file"], row["record_key"])
            wanted.setdefault(key, []).append(row["person_id"])
    first: dict[str, date] = {}
    police: dict[str, date] = {}
    for row in _csv(root / "drops.csv"):
        people = wanted.get((row["agency"], row["file"], row["record_key"]))
        if not people or not row["recorded"]:
            continue
        day = date.fromisoformat(row["recorded"])
        for pid in people:
            first[pid] = min(first.get(pid, day), day)
            if row["agency"] == "police":
                police[pid] = min(police.get(pid, day), day)
    return first, police
