"""Published BCa intervals (1,000 replicates) against ours, with the default random stream
(R's) and seed (1234, R's default ``iseed``), so our replicates are the R reference's.

Run: .venv/bin/python bench/estimate_published.py [--quick] [--reference DIR]
(``--quick`` skips the slow stepwise and downhill rows; about 30 s instead of 7 min.)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from joinedup.estimate import estimate, read_table
from joinedup.estimate.bootstrap import batch_selector_for, bootstrap
from joinedup.estimate.intervals import bca_interval
from joinedup.estimate.search import exhaustive

REF = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mse"
MAIN = "[1,2,3,4,5,6,7,8]"

KOS, KOR, NOR = "kosovo_4lists", "korea_palembang_3lists", "neworleans_8lists_185"
Row = tuple[str, str, dict[str, Any], tuple[float, float], bool]
# dataset, label, estimate() options, published [low, high], slow
ROWS: list[Row] = [
    (KOS, "Kosovo BIC, max order 3", {"method": "bic", "max_order": 3}, (6947, 18010), False),
    (KOS, "Kosovo BIC, max order 2", {"method": "bic", "max_order": 2}, (12451, 16273), False),
    (KOS, "Kosovo downhill, all orders", {"method": "downhill"}, (7133, 18681), True),
    (KOS, "Kosovo downhill, order 2", {"method": "downhill", "max_order": 2}, (12525, 16477), True),
    (
        KOS,
        "Kosovo best model only",
        {"method": "fixed", "model": "[123,14,34]"},
        (9100, 12000),
        False,
    ),
    (KOR, "Korea BIC (6 models)", {"method": "bic"}, (128, 349), False),
    (KOR, "Korea best model only", {"method": "fixed", "model": "[12,23]"}, (131, 248), False),
    (NOR, "New Orleans stepwise 0.02", {"method": "stepwise"}, (717, 1657), True),
    (NOR, "New Orleans main effects", {"method": "fixed", "model": MAIN}, (644, 1618), False),
]


def pct(ours: float, published: float) -> str:
    return f"{100 * (ours / published - 1):+.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reference", type=Path, default=REF)
    args = parser.parse_args()
    accel: dict[str, float] = {}
    print("| dataset, method | published | ours | difference | z0, a | s |")
    print("|---|---|---|---|---|---|")
    for name, label, options, (low, high), slow in ROWS:
        if slow and args.quick:
            continue
        table = read_table(args.reference / f"{name}.csv")
        start = time.perf_counter()
        res = estimate(table, n_bootstrap=1000, seed=1234, sensitivity=False, **options)
        secs = time.perf_counter() - start
        b = res.bootstrap
        accel[label] = b["acceleration"]
        print(
            f"| {label} | [{low:g}, {high:g}] | [{res.ci_low:.1f}, {res.ci_high:.1f}] "
            f"| {pct(res.ci_low, low)}, {pct(res.ci_high, high)} "
            f"| {b['bias_correction_z0']:.3f}, {b['acceleration']:.4f} | {secs:.0f} |"
        )
    # The published Kosovo max-order-2 exhaustive interval: same replicates, but the
    # acceleration of the all-orders run.
    table = read_table(args.reference / "kosovo_4lists.csv")
    res2 = exhaustive(table, "bic", 2)
    sel = batch_selector_for([f.model for f in res2.fits], "bic")
    boot = bootstrap(table, sel, res2.selected.estimate, 1000, 1234)
    mixed = bca_interval(boot.replicates, res2.selected.estimate, accel["Kosovo BIC, max order 3"])
    print(
        f"\nKosovo max order 2 with the max-order-3 acceleration "
        f"{accel['Kosovo BIC, max order 3']:.4f}: [{mixed.low:.1f}, {mixed.high:.1f}] "
        f"({pct(mixed.low, 12451)}, {pct(mixed.high, 16273)})"
    )


if __name__ == "__main__":
    main()
