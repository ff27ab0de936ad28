"""Link 1,000,000 synthetic person records: time and peak memory (target < 3 min, < 6 GB).

Records come from :mod:`joinedup.linkage.synthetic` (or ``--csv PATH`` on the ingest
contract). The full pipeline runs: prepare, train (u by random sampling, m by EM),
predict, cluster, stable ids. Peak memory is the process's maximum resident set size.

    python bench/linkage_scale.py --json [--records 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from typing import Any

from joinedup.linkage.evaluate import pairwise_scores
from joinedup.linkage.link import LinkConfig, link_records
from joinedup.linkage.synthetic import generate_people
from joinedup.linkage.train import TrainingOptions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--csv", help="records on the ingest contract instead of synthetic")
    args = parser.parse_args(argv)

    truth: dict[str, str] = {}
    if args.csv:
        with open(args.csv, newline="", encoding="utf-8") as handle:
            records: list[dict[str, Any]] = [
                {k: (v or None) for k, v in row.items()} for row in csv.DictReader(handle)
            ]
    else:
        people = int(args.records / 2.17)
        records, truth, _ = generate_people(people, seed=5, invented_names=3000)
        records = records[: args.records]
    start = time.perf_counter()
    config = LinkConfig(training=TrainingOptions(u_max_pairs=2e6, em_max_pairs=1e6))
    run = link_records(
        records,
        config=config,
        progress=None if args.json else (lambda m: print(f"  {m}", file=sys.stderr)),
    )
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {
        "records": len(records),
        "cores": os.cpu_count(),
        "seconds": round(seconds, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "timings": {k: round(v, 1) for k, v in run.timings.items()},
        "scored_pairs": len(run.pairs),
        "persons": run.cluster_count,
    }
    if truth:
        score = pairwise_scores(run.clustering.clusters, {r: truth[r] for r in run.person_ids})
        out.update(precision=round(score.precision, 4), recall=round(score.recall, 4))
    json.dump(out, sys.stdout, indent=None if args.json else 2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
