"""Benchmark: time and peak memory of a simulation with at least 1,000,000 person-bearing records.

Usage: .venv/bin/python bench/simulate_1m.py [--scale 1.6] [--out /tmp/joinedup-bench]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from pathlib import Path

from joinedup.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/joinedup-bench"))
    args = parser.parse_args()
    start = time.perf_counter()
    result = simulate(args.out, seed=args.seed, scale=args.scale)
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mib = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file()) / 2**20
    print(
        f"scale {args.scale}: {result.person_rows:,} person-bearing records, "
        f"{result.children:,} children, {result.victims:,} victims"
    )
    print(f"time {elapsed:.1f} s; peak RSS {peak_mib:.0f} MiB; output {size_mib:.0f} MiB")
    print(f"records per second {result.person_rows / elapsed:,.0f}")
    if result.person_rows < 1_000_000:
        print("warning: fewer than 1,000,000 records; raise --scale")
    shutil.rmtree(args.out)


if __name__ == "__main__":
    main()
