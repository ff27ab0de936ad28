"""Person linkage on the simulated borough, measured against its truth.

    python bench/linkage_borough.py [--scale 0.2] [--seed 3] [--json]

Simulates the default borough, ingests it into a temporary SQLite store, reads every person
record through the door, links them with the platform's settings and reports pairwise
precision, recall and F1, blocking recall, recall by name origin (and South Asian-origin
names pooled against the rest), recall by the evidence records carry, cluster counts,
review queue size (``review_pairs``), family merges, what the collective stage did, time
and peak memory. The issue #5 targets are for ``--scale 1
--seed 0`` (the ``joinedup simulate`` defaults).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import secrets
import tempfile
import time
from pathlib import Path

from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.evaluate import evaluate_linkage, recall_by_group
from joinedup.linkage.link import link_records
from joinedup.linkage.settings import blocking_keys_from_model
from joinedup.linkage.sources import person_records_with_context, record_keys
from joinedup.safeguarding.entry import check_entry
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks

SOUTH_ASIAN = frozenset({"pakistani", "bangladeshi", "indian"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        simulate(root / "borough", seed=args.seed, scale=args.scale)
        engine = make_engine(f"sqlite:///{root / 'b.db'}")
        key = secrets.token_bytes(32)
        initialise(engine, key, root)
        cipher = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
        door = Door(
            engine, key, root, hooks=SessionHooks(check_text=check_entry, field_crypto=cipher)
        )
        run_jobs(
            door,
            "joinedup-service",
            "data_ingest",
            plan([root / "borough"], None, None, None),
        )
        with door.session("joinedup-service", "linkage") as s:
            records, context = person_records_with_context(s)
            keys = record_keys(s)
        truth_rows = {
            (r["agency"], r["file"], r["record_key"]): r["person_id"]
            for r in csv.DictReader((root / "borough/truth/records.csv").open())
        }
        persons = list(csv.DictReader((root / "borough/truth/persons.csv").open()))
        origin = {r["person_id"]: r["name_origin"] for r in persons}
        family = {r["person_id"]: r.get("family_id") or "" for r in persons}
        truth = {
            r["record_id"]: truth_rows[keys[r["record_id"]]]
            for r in records
            if keys[r["record_id"]] in truth_rows
        }
        started = time.perf_counter()
        run = link_records([r for r in records if r["record_id"] in truth], context=context)
        seconds = time.perf_counter() - started
        origin_of = {rid: origin.get(pid, "") for rid, pid in truth.items()}
        result = evaluate_linkage(
            run.clustering.clusters,
            truth,
            prepared=run.prepared,
            blocking_keys=blocking_keys_from_model(run.model),
            name_origin=origin_of,
            family_of=family,
            review_pairs=run.review_queue.num_rows,
        ).as_dict()
        pooled = {r: "south_asian" if o in SOUTH_ASIAN else "other" for r, o in origin_of.items()}
        result["recall_south_asian_vs_other"] = recall_by_group(
            run.clustering.clusters, truth, pooled
        )
    result.update(
        {
            "records": len(truth),
            "unmatched_records": len(records) - len(truth),
            "attached_links": len(run.clustering.attached_links),
            "conflicting_links_refused": len(run.clustering.conflicting_links),
            "collective": {k: v for k, v in run.collective.items() if k != "model"},
            "timings": {k: round(v, 1) for k, v in run.timings.items()},
            "link_seconds": round(seconds, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    )
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
