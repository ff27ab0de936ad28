"""LCMCR (joinedup.estimate.lcmcr) against the R package LCMCR on published tables.

    .venv/bin/python bench/estimate_lcmcr.py --r-lib /tmp/rlib [--seeds 10] [--json]

Runs R's ``lcmCR`` + ``lcmCR_PostSampl`` and ours with the same prior and run length (K = 10,
a_alpha = b_alpha = 0.25, burn-in 10,000, 1,000 samples thinned by 10) with ``--seeds``
different seeds each, on the Kosovo and Diabetes tables of shared/reference/mse (and New
Orleans with ``--all``). Reports, per table, the mean over seeds of the posterior mean,
median and 2.5%/97.5% quantiles for R and for us, their Monte Carlo standard errors (the
seed-to-seed standard deviation over sqrt(seeds)), z = difference / combined standard error,
and the CPU seconds per run (R's ``proc.time`` around the sampler; ours ``process_time``).
Also the linkage use: 10 tables at once, one chain each, against 10 R runs.

R is not a dependency of the project: build the package in a scratch folder (see
bench/README.md). The R side needs ``Rscript`` on the PATH.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from joinedup.estimate import read_table
from joinedup.estimate.lcmcr import LcmcrSettings, lcmcr
from joinedup.estimate.table import CaptureTable

REF = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mse"
TABLES = {"kosovo": "kosovo_4lists", "diabetes": "diabetes_bruno_4lists"}
EXTRA = {"neworleans": "neworleans_8lists_185"}
STATS = ("mean", "median", "q025", "q975")

R_SCRIPT = """
suppressMessages(library(LCMCR, lib.loc = "{lib}"))
x <- read.csv("{csv}")
names(x)[ncol(x)] <- "Freq"
for (j in 1:(ncol(x) - 1)) x[[j]] <- factor(x[[j]], levels = c(0, 1))
x <- x[x$Freq > 0, ]
for (seed in {seeds}) {{
  t0 <- proc.time()
  s <- lcmCR(captures = x, tabular = TRUE, in_list_label = "1", not_in_list_label = "0",
             K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = seed, buffer_size = 10000,
             thinning = 10, verbose = FALSE)
  N <- lcmCR_PostSampl(s, burnin = 10000, samples = {samples}, thinning = 10, output = FALSE)
  el <- proc.time() - t0
  q <- quantile(N, c(0.025, 0.5, 0.975))
  cat(seed, mean(N), q[2], q[1], q[3], el[1] + el[2], "\\n")
}}
"""


def r_runs(lib: str, csv: Path, seeds: list[int], samples: int = 1000) -> list[dict[str, float]]:
    """One line per seed from R: posterior summaries and CPU seconds."""
    seed_list = f"c({','.join(map(str, seeds))})"
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as handle:
        handle.write(R_SCRIPT.format(lib=lib, csv=csv, seeds=seed_list, samples=samples))
    out = subprocess.run(
        ["Rscript", handle.name], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in out.strip().splitlines():
        _seed, mean, median, q025, q975, cpu = (float(v) for v in line.split())
        rows.append({"mean": mean, "median": median, "q025": q025, "q975": q975, "cpu": cpu})
    return rows


def our_runs(table: CaptureTable, seeds: list[int]) -> list[dict[str, float]]:
    # load (or compile) the numba sampler first: a one-off cost per process, not per run
    lcmcr(table, LcmcrSettings(burnin=10, samples=10, thinning=1))
    rows = []
    for seed in seeds:
        start = time.process_time()
        draws = lcmcr(table, LcmcrSettings(seed=seed)).flat
        cpu = time.process_time() - start
        q = np.quantile(draws, [0.025, 0.5, 0.975])
        rows.append(
            {
                "mean": float(draws.mean()),
                "median": float(q[1]),
                "q025": float(q[0]),
                "q975": float(q[2]),
                "cpu": cpu,
            }
        )
    return rows


def compare(r: list[dict[str, float]], ours: list[dict[str, float]]) -> dict[str, object]:
    out: dict[str, object] = {"seeds": len(r)}
    for stat in STATS:
        a, b = [x[stat] for x in r], [x[stat] for x in ours]
        se = (statistics.variance(a) / len(a) + statistics.variance(b) / len(b)) ** 0.5
        out[stat] = {
            "r": round(statistics.fmean(a), 1),
            "ours": round(statistics.fmean(b), 1),
            "mc_se": round(se, 1),
            "z": round((statistics.fmean(b) - statistics.fmean(a)) / se, 2) if se else None,
        }
    out["cpu_per_run"] = {
        "r": round(statistics.fmean(x["cpu"] for x in r), 2),
        "ours": round(statistics.fmean(x["cpu"] for x in ours), 2),
    }
    return out


def imputation_speed(lib: str, table: CaptureTable, csv: Path) -> dict[str, float]:
    """Ten tables (one chain each, 100 kept samples per chain) against ten R runs of 100
    samples each: the same number of samples, burn-in and thinning per chain."""
    start = time.process_time()
    lcmcr(
        table,
        LcmcrSettings(chains=10, samples=1000),
        chain_counts=np.repeat(table.counts[None, :], 10, axis=0),
    )
    ours = time.process_time() - start
    r = r_runs(lib, csv, list(range(1, 11)), samples=100)
    return {
        "ours_10_chains_cpu": round(ours, 2),
        "r_10_runs_cpu": round(sum(x["cpu"] for x in r), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--r-lib", required=True, help="R library holding LCMCR")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--all", action="store_true", help="also New Orleans (8 lists)")
    parser.add_argument("--tables", default=None, help="comma-separated names, e.g. diabetes")
    parser.add_argument("--no-imputations", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seeds = list(range(1, args.seeds + 1))
    tables = dict(TABLES, **(EXTRA if args.all else {}))
    if args.tables:
        tables = {n: tables[n] for n in args.tables.split(",")}
    results: dict[str, object] = {}
    for name, stem in tables.items():
        csv = REF / f"{stem}.csv"
        table = read_table(csv)
        results[name] = compare(r_runs(args.r_lib, csv, seeds), our_runs(table, seeds))
        print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
    if not args.no_imputations:
        kosovo = REF / f"{TABLES['kosovo']}.csv"
        results["imputations"] = imputation_speed(args.r_lib, read_table(kosovo), kosovo)
    print(json.dumps(results, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
