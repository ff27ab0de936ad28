"""The safeguarding engine on the simulated borough, measured against its truth.

    python bench/assess_borough.py [--scale 1] [--seed 0] [--end-date DAY] [--keep DIR] [--json]

Simulates the default borough (the inquiry period; ``--end-date``: its history moved to end
then, and assessed as of that date), ingests it into a fresh SQLite store, links it (as
``joinedup link``), runs ``assess`` (pre-fill and every rule; flags held) twice (the second
run must raise no new flag), checks every note for victim-blaming language, and evaluates
the held flags against the truth (``joinedup evaluate flags``): victim recall, precision and
per-rule figures, with the time of each stage and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.persist import run_linkage
from joinedup.safeguarding.entry import check_entry
from joinedup.safeguarding.evaluate import evaluate_stored_flags
from joinedup.safeguarding.notes import check_notes
from joinedup.safeguarding.run import assess
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks

SERVICE = "joinedup-service"


def _load() -> float:
    return round(os.getloadavg()[0], 1)


def run(root: Path, scale: float, seed: int, end_date: date | None = None) -> dict[str, Any]:
    """Every stage on a borough written under ``root``; the figures as a mapping."""
    seconds: dict[str, float] = {}
    load: dict[str, float] = {"start": _load()}

    def lap(name: str, started: float) -> None:
        seconds[name] = round(time.perf_counter() - started, 1)
        load[name] = _load()

    t = time.perf_counter()
    simulate(root / "borough", seed=seed, scale=scale, end_date=end_date)
    lap("simulate", t)
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    key = secrets.token_bytes(32)
    initialise(engine, key, root / "checkpoints")
    cipher = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
    door = Door(
        engine,
        key,
        root / "checkpoints",
        hooks=SessionHooks(check_text=check_entry, field_crypto=cipher),
    )
    t = time.perf_counter()
    run_jobs(door, SERVICE, "data_ingest", plan([root / "borough"], None, None, None))
    lap("ingest", t)
    t = time.perf_counter()
    with door.session(SERVICE, "linkage") as s:
        linked = run_linkage(s)
    lap("link", t)
    t = time.perf_counter()
    with door.session(SERVICE, "analysis") as s:
        first = assess(s, as_of=end_date)
    lap("assess", t)
    t = time.perf_counter()
    with door.session(SERVICE, "analysis") as s:
        second = assess(s, as_of=end_date)
    lap("assess_again", t)
    t = time.perf_counter()
    with door.session(SERVICE, "analysis") as s:
        notes = check_notes(s)
    lap("notes", t)
    t = time.perf_counter()
    with door.session(SERVICE, "analysis") as s:
        scores = evaluate_stored_flags(s, root / "borough" / "truth")
    lap("evaluate", t)
    return {
        "scale": scale,
        "seed": seed,
        "end_date": end_date.isoformat() if end_date else None,
        "persons_linked": linked.persons,
        "records_linked": linked.records,
        "as_of": first.as_of.isoformat(),
        "children_with_concern": first.children_with_concern,
        "suggested_categories": first.suggested_categories,
        "findings": first.findings,
        "flags_created": sum(first.flags.created.values()),
        "flags_created_on_rerun": sum(second.flags.created.values()),
        "flags_updated_on_rerun": sum(second.flags.updated.values()),
        "assess_stages": first.seconds,
        "notes": notes.to_dict(),
        "evaluation": scores,
        "seconds": seconds,
        "load_average": load,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="Work in (and keep) this folder.")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="End the borough's history on this date (default: the inquiry period).",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args.keep, args.scale, args.seed, args.end_date)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(Path(tmp), args.scale, args.seed, args.end_date)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    ev = result["evaluation"]
    print(
        f"scale {result['scale']} seed {result['seed']}: victim_recall {ev['victim_recall']} "
        f"of {ev['known_victims']} known victims; precision {ev['precision']} of "
        f"{ev['flagged_children']} flagged children; new flags on re-run "
        f"{result['flags_created_on_rerun']}"
    )
    for rule_id, row in ev["rules"].items():
        print(
            f"  {rule_id:36} flags {row['flags']:6}  subjects {row['subjects']:6}  "
            f"precision {row['precision']}  recall {row['recall']}"
        )
    print(f"seconds {result['seconds']}; load {result['load_average']}; {result['peak_mb']} MB")


if __name__ == "__main__":
    main()
