"""Assembly of the simulated borough: time and memory of ``joinedup.assemble.build.assemble``.

    python bench/assemble_borough.py [--scale 1.6] [--seed 1] [--keep DIR | --store DIR]
                                     [--orjson] [--json]

Simulates the default borough at ``--scale`` (1.6 gives about 1.18 million source records),
ingests it into a SQLite store, then assembles everything the pipeline account may see with
the simulator's true person ids as the linkage result (what a perfect linkage would give).
Only the assembly is timed. ``--keep DIR`` keeps the store (and its keys) in DIR;
``--store DIR`` reuses one kept earlier. ``--orjson`` builds the engine with orjson as its
JSON decoder (the store's default engine uses the standard library's).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.assemble.build import assemble
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.sources import person_records, record_keys
from joinedup.safeguarding.entry import check_entry
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks

SERVICE = ("joinedup-service", "analysis")


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _prepare(root: Path, scale: float, seed: int) -> float:
    """Simulate and ingest into ``root``; returns the ingest seconds."""
    simulate(root / "borough", seed=seed, scale=scale)
    key, field_key = secrets.token_bytes(32), secrets.token_bytes(32)
    (root / "keys.bin").write_bytes(key + field_key)
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    initialise(engine, key, root / "checkpoints")
    cipher = FieldCipher(Keyring(active="k1", keys={"k1": field_key}))
    door = Door(
        engine,
        key,
        root / "checkpoints",
        hooks=SessionHooks(check_text=check_entry, field_crypto=cipher),
    )
    started = time.perf_counter()
    run_jobs(door, "joinedup-service", "data_ingest", plan([root / "borough"], None, None, None))
    engine.dispose()
    return time.perf_counter() - started


def _truth_ids(door: Door, root: Path) -> dict[str, str]:
    with door.session(*SERVICE) as s:
        keys = record_keys(s)
        people = person_records(s)
    with (root / "borough" / "truth" / "records.csv").open(encoding="utf-8") as handle:
        truth = {
            (r["agency"], r["file"], r["record_key"]): r["person_id"]
            for r in csv.DictReader(handle)
        }
    return {
        r["record_id"]: truth[keys[r["record_id"]]] for r in people if keys[r["record_id"]] in truth
    }


def run(root: Path, use_orjson: bool) -> dict[str, Any]:
    """Assemble the store kept in ``root``; returns the figures."""
    raw = (root / "keys.bin").read_bytes()
    extra: dict[str, Any] = {"json_deserializer": orjson.loads} if use_orjson else {}
    engine = make_engine(f"sqlite:///{root / 'store.db'}", **extra)
    cipher = FieldCipher(Keyring(active="k1", keys={"k1": raw[32:]}))
    door = Door(
        engine,
        raw[:32],
        root / "checkpoints",
        hooks=SessionHooks(check_text=check_entry, field_crypto=cipher),
    )
    ids = _truth_ids(door, root)
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with door.session(*SERVICE) as s:
        assembly = assemble(s, person_ids=ids)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    records = sum(v for k, v in assembly.stats.items() if k.startswith("records:"))
    engine.dispose()
    return {
        "records": records,
        "cores": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "json": "orjson" if use_orjson else "stdlib",
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "records_per_second": round(records / seconds),
        "peak_mb": _peak_mb(),
        "peak_mb_before_assembly": before,
        "persons": len(assembly.persons),
        "objects": len(assembly.objects),
        "places": len(assembly.places),
        "events": len(assembly.events),
        "links": len(assembly.links),
        "cse_events": sum(e.cse_concern for e in assembly.events),
        "event_types": dict(Counter(e.event_type for e in assembly.events).most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the ingested store in this folder")
    parser.add_argument("--store", type=Path, help="reuse a store kept with --keep")
    parser.add_argument("--orjson", action="store_true", help="orjson as the engine's decoder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ingest_seconds = None
    if args.store:
        root = args.store
    else:
        root = args.keep or Path(tempfile.mkdtemp(prefix="joinedup-assemble-"))
        root.mkdir(parents=True, exist_ok=True)
        ingest_seconds = round(_prepare(root, args.scale, args.seed), 1)
    try:
        result = run(root, args.orjson)
    finally:
        if not args.store and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    result["ingest_seconds"] = ingest_seconds
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
