"""Coverage of the 95% BCa interval (BIC selection repeated in every replicate) on simulated
list sets with known population size. Target: coverage >= 0.90 over at least 200 sets.

Each set: N = 2,000 people, four lists with capture probabilities 0.15-0.3 and a positive
dependence between lists 1 and 2 (so the true model is [12,3,4], inside the search space).
Run: .venv/bin/python bench/estimate_coverage.py [n_sets] [n_boot]
"""

from __future__ import annotations

import sys
import time

from estimate_speed import simulate_table
from joinedup.estimate import estimate

TRUTH = 2000


def main() -> None:
    n_sets = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n_boot = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    start = time.perf_counter()
    covered = 0
    widths = []
    for i in range(n_sets):
        table = simulate_table(TRUTH, [0.3, 0.2, 0.25, 0.15], {(0, 1): 0.7}, seed=1000 + i)
        res = estimate(
            table, method="bic", max_order=2, n_bootstrap=n_boot, seed=i, sensitivity=False
        )
        hit = res.ci_low <= TRUTH <= res.ci_high
        covered += hit
        widths.append(res.ci_high - res.ci_low)
        if (i + 1) % 25 == 0:
            print(f"{i + 1:4d} sets: coverage {covered / (i + 1):.3f}", flush=True)
    widths.sort()
    print(
        f"sets {n_sets}, replicates {n_boot}: coverage of 95% BCa = {covered / n_sets:.3f} "
        f"({'PASS' if covered / n_sets >= 0.90 else 'FAIL'} >= 0.90); "
        f"median width {widths[len(widths) // 2]:.0f}; {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
