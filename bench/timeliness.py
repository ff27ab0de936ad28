"""Timeliness on a simulated borough: its dated drops replayed through the worker.

    python bench/timeliness.py [--scale 0.05] [--seed 7] [--cadence weekly]
                               [--end-date 2026-01-01] [--drops-from 2025-01-01]
                               [--window-years N] [--keep DIR] [--json]

Simulates the default borough (``--window-years``: its window shortened to N years, so the
same number of victims falls in fewer years: more victims per year of drops) with its
history ending on ``--end-date`` (the scenario's window then ends the year before: the last
year of activity is the year of drops), cuts it
into ``--cadence`` drops from ``--drops-from`` (the first drop carries the history before
it: the first load), initialises a fresh SQLite store and runs
``joinedup evaluate timeliness --from <day after the first drop> --json`` as a user would (a
subprocess). Prints the time to simulate and cut, the first load's and each drop's seconds
(p50, p95), the peak resident memory of the replay (its process or any process it started)
and the timeliness figures against the status quo, with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from joinedup.common.documents import packaged
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cadence", choices=("weekly", "monthly"), default="weekly")
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--drops-from", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument("--window-years", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="Keep borough and store here.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="timeliness-"))
    borough, home = work / "borough", work / "home"
    started = time.perf_counter()
    scenario = "default"
    if args.window_years:
        text = packaged("joinedup.simulate", "scenarios", "default.yml").read_text("utf-8")
        short = work / "scenario.yml"
        short.parent.mkdir(parents=True, exist_ok=True)
        short.write_text(text.replace("years: 15}", f"years: {args.window_years}}}"), "utf-8")
        scenario = str(short)
    simulate(borough, seed=args.seed, scenario=scenario, scale=args.scale, end_date=args.end_date)
    cut = write_drops(borough, args.cadence, start=args.drops_from)
    simulated = time.perf_counter() - started
    assert cut.first is not None
    env = {
        **os.environ,
        "JOINEDUP_DATABASE_URL": f"sqlite:///{home / 'store.db'}",
        "JOINEDUP_HOME": str(home),
    }
    home.mkdir(parents=True, exist_ok=True)
    _cli(env, "init")
    started = time.perf_counter()
    out = _cli(
        env,
        "evaluate",
        "timeliness",
        "--truth",
        str(borough / "truth"),
        "--drops",
        str(borough / "drops"),
        "--from",
        (cut.first + timedelta(days=1)).isoformat(),
        "--json",
    )
    replay = time.perf_counter() - started
    result: dict[str, Any] = json.loads(out)
    result.pop("per_victim")
    figures = {
        "scale": args.scale,
        "seed": args.seed,
        "cadence": args.cadence,
        "window_years": args.window_years or 15,
        "drops": cut.summary(),
        "simulate_and_cut_seconds": round(simulated, 1),
        "replay_seconds": round(replay, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_average": os.getloadavg(),
        "timeliness": result,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    t, q = result, result["status_quo"]
    print(f"scale {args.scale}, seed {args.seed}, {args.cadence} drops {cut.first} to {cut.last}")
    print(f"simulate and cut: {simulated:.1f} s; replay {replay:.1f} s")
    print(
        f"first load {t['first_load_seconds']} s; {t['drops_replayed']} drops: p50 "
        f"{t['drop_seconds_p50']} s, p95 {t['drop_seconds_p95']} s; peak RSS "
        f"{figures['peak_rss_mb']} MB; load average {os.getloadavg()[0]:.1f}"
    )
    for key in (
        "victims",
        "median_days_to_flag",
        "p90_days_to_flag",
        "share_within_7_days",
        "share_within_30_days",
        "never_flagged",
    ):
        print(f"{key:24} platform {t[key]!s:>8}   status quo {q[key]!s:>8}")


def _cli(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "joinedup", *args], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"joinedup {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


if __name__ == "__main__":
    main()
