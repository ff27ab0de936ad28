"""Incremental re-assessment and the full rebuild's memory, on a simulated borough's drops.

    python bench/incremental.py [--scale 0.05] [--seed 7] [--drops 8] [--keep DIR] [--json]
        [--drops-only]

Simulates the default borough with its history ending on 1 January 2026, cuts it into weekly
drops from 2025-01-01 (the first drop carries the history before it), and on a fresh SQLite
store runs ``joinedup worker --once --force --as-of DAY`` (a subprocess each, as cron would):

1. the first load (ingest, linkage, the first full assessment by partitions);
2. the next ``--drops`` weekly drops, each re-assessed incrementally: per drop the worker's
   seconds from file to flags (the drops job: ingest, incremental linkage, the drop's notes,
   re-assessment of the touched partitions) and the assessment's own seconds;
3. the full rebuild by partitions (``--full``, the nightly sweep) and, for comparison, the
   whole-borough assessment as one picture (``joinedup assess``), each with its peak RSS.

Peak RSS is the subprocess's own (``wait4``). Prints the figures with the load average.
With ``--keep DIR`` the borough and the store as the first load left it are kept in DIR and
reused by the next run with the same DIR (the drops then start from that copy);
``--drops-only`` skips step 3.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops


def _run(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB, stdout) of one CLI subprocess."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "joinedup", *args], env=env, stdout=out, stderr=subprocess.PIPE
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"joinedup {' '.join(args)} failed ({status}):\n{text}\n{err}")
    return round(seconds, 2), round(usage.ru_maxrss / 1024), text


def _schedule(home: Path, folders: list[Path]) -> None:
    listed = ", ".join(f"'{f}'" for f in folders)
    (home / "schedule.yml").write_text(f"version: 1\ndrop_folders: [{listed}]\n", "utf-8")


def _last_drops(home: Path) -> dict[str, Any]:
    lines = (home / "logs" / "worker.jsonl").read_text("utf-8").splitlines()
    found = [json.loads(x) for x in lines if '"job": "drops"' in x and '"event": "job"' in x]
    last: dict[str, Any] = found[-1]
    return last


def run(root: Path, scale: float, seed: int, n_drops: int, after: bool = True) -> dict[str, Any]:
    """Every stage; the figures as a mapping."""
    started = time.perf_counter()
    borough, home, base = root / "borough", root / "home", root / "first-load"
    if not (borough / "drops").is_dir():  # kept from an earlier run: reused
        simulate(borough, seed=seed, scale=scale, end_date=date(2026, 1, 1))
        write_drops(borough, "weekly", start=date(2025, 1, 1))
    dates = sorted(p for p in (borough / "drops").iterdir() if p.is_dir())
    out: dict[str, Any] = {"scale": scale, "seed": seed, "load": [os.getloadavg()[0]]}
    out["simulate_seconds"] = round(time.perf_counter() - started, 1)
    env = {
        **os.environ,
        "JOINEDUP_DATABASE_URL": f"sqlite:///{home / 'store.db'}",
        "JOINEDUP_HOME": str(home),
    }
    reuse = (base / "store.db").is_file()
    if home.exists():
        shutil.rmtree(home)
    if reuse:  # the store as the first load left it, kept by an earlier run
        shutil.copytree(base, home)
    else:
        home.mkdir(parents=True)
        _run(env, "init")
    drops: list[dict[str, Any]] = []
    for n, folder in enumerate(dates[: n_drops + 1]):
        if n == 0 and reuse:
            out["first_load"] = {"date": folder.name, "reused": str(base)}
            continue
        _schedule(home, [folder])
        seconds, peak, _ = _run(env, "worker", "--once", "--force", "--as-of", folder.name)
        line = _last_drops(home)
        row = {
            "date": folder.name,
            "rows": line.get("rows_read", 0),
            "worker_seconds": seconds,
            "drops_job_seconds": line["seconds"],
            "assessment": line.get("assessment"),
            "records_assessed": line.get("records_assessed"),
            "narrowed_to": line.get("assessed_records"),
            "subjects": line.get("subjects"),
            "whole_because": line.get("whole_because"),
            "assess_seconds": line.get("assess_seconds", {}),
            "stage_seconds": line.get("stage_seconds", {}),
            "peak_mb": peak,
        }
        if n == 0:
            out["first_load"] = row
            shutil.copytree(home, base)  # reused by the next run with the same --keep
        else:
            drops.append(row)
        out["load"].append(os.getloadavg()[0])
    out["drops"] = drops
    jobs = [d["drops_job_seconds"] for d in drops]
    if jobs:
        out["drop_p50"] = round(statistics.median(jobs), 2)
        out["drop_p95"] = round(sorted(jobs)[max(0, round(0.95 * len(jobs)) - 1)], 2)
        out["drop_peak_mb"] = max(d["peak_mb"] for d in drops)
    if not after:
        return out
    last = dates[min(n_drops, len(dates) - 1)].name
    seconds, peak, _ = _run(env, "worker", "--once", "--force", "--full", "--as-of", last)
    out["full_rebuild"] = {"seconds": seconds, "peak_mb": peak, **_last_drops(home)}
    seconds, peak, _ = _run(env, "assess", "--as-of", last)
    out["whole_assess"] = {"seconds": seconds, "peak_mb": peak}
    out["load"].append(os.getloadavg()[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drops", type=int, default=8)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--drops-only", action="store_true", help="skip the full rebuild and whole assessment"
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="incremental-"))
    result = run(root, args.scale, args.seed, args.drops, after=not args.drops_only)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    first = result["first_load"]
    print(f"scale {args.scale} seed {args.seed}; simulate {result['simulate_seconds']} s")
    if "reused" in first:
        print(f"first load: reused from {first['reused']}")
    else:
        print(f"first load: {first['worker_seconds']} s, peak {first['peak_mb']} MB")
    for d in result["drops"]:
        print(
            f"  {d['date']}: {d['rows']:6} rows  drops job {d['drops_job_seconds']:7} s  "
            f"{d['assessment']} over {d['records_assessed']} records  "
            f"(narrowed to {d['narrowed_to']}, {d['subjects']} subjects; "
            f"whole: {d['whole_because'] or '-'})  "
            f"assess {d['assess_seconds'].get('total')} s  peak {d['peak_mb']} MB  "
            f"stages {d['stage_seconds']}"
        )
    print(f"drops p50 {result.get('drop_p50')} s, p95 {result.get('drop_p95')} s")
    print(f"load average: {result['load']}")
    if "full_rebuild" not in result:
        return
    full, whole = result["full_rebuild"], result["whole_assess"]
    print(f"full rebuild by partitions: {full['seconds']} s, peak {full['peak_mb']} MB")
    print(f"whole assessment (joinedup assess): {whole['seconds']} s, peak {whole['peak_mb']} MB")


if __name__ == "__main__":
    main()
