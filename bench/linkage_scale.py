"""Link 1,000,000 synthetic person records: time and peak memory (target < 3 min, < 6 GB).

Records come from :mod:`joinedup.linkage.synthetic` with ``realistic=True`` (names by
realistic frequency with a long tail, postcodes from over a million units, no two people
with the same name and date of birth), or ``--csv PATH`` on the ingest contract. The full
pipeline runs: prepare, train (u by random sampling, m by EM), predict, cluster, stable
ids. Peak memory is the process's maximum resident set size (generation included). After
the timed run, precision, recall, F1 and blocking recall are measured against the truth.

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

from joinedup.linkage.backend import get_backend
from joinedup.linkage.evaluate import blocking_recall, pairwise_scores
from joinedup.linkage.link import LinkConfig, link_records
from joinedup.linkage.settings import blocking_keys_from_model
from joinedup.linkage.synthetic import generate_people
from joinedup.linkage.train import TrainingOptions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--csv", help="records on the ingest contract instead of synthetic")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit")
    args = parser.parse_args(argv)

    truth: dict[str, str] = {}
    if args.csv:
        with open(args.csv, newline="", encoding="utf-8") as handle:
            records: list[dict[str, Any]] = [
                {k: (v or None) for k, v in row.items()} for row in csv.DictReader(handle)
            ]
    else:
        people = int(args.records / 2.17)
        records, truth, _ = generate_people(people, seed=5, realistic=True)
        records = records[: args.records]
    start = time.perf_counter()
    config = LinkConfig(training=TrainingOptions(u_max_pairs=2e6, em_max_pairs=1e6))
    run = link_records(
        records,
        config=config,
        backend=get_backend("duckdb", memory_limit=args.memory_limit),
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
        out.update(
            precision=round(score.precision, 4),
            recall=round(score.recall, 4),
            f1=round(score.f1, 4),
            blocking_recall=round(
                blocking_recall(run.prepared, truth, blocking_keys_from_model(run.model)), 4
            ),
        )
    json.dump(out, sys.stdout, indent=None if args.json else 2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
