"""Networks on a simulated borough: profile time, offender groups and hotspots against truth.

    python bench/network_profile.py [--scale 0.02] [--seed 2014] [--keep DIR] [--json]

Simulates the default scenario (the defaults are the demonstration borough of ``joinedup
demo``; ``--scale 1 --seed 0`` is ``joinedup simulate``'s default borough), ingests it into a
temporary SQLite store, links it (``joinedup link``'s persisted linkage), then times what
``joinedup profile`` does (assembly through the door, network, every analysis, HTML and
Markdown) and scores the groups and hotspots as ``joinedup evaluate network`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.linkage.persist import run_linkage
from joinedup.linkage.sources import record_keys
from joinedup.network.analysis import analyse
from joinedup.network.evaluate import evaluate_network
from joinedup.network.profile import build_profile, coverage, write_profile
from joinedup.network.scope import Window
from joinedup.network.store import agencies, load_network, refreshed, risk_categories
from joinedup.safeguarding.entry import check_entry
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks


def run(root: Path, scale: float, seed: int) -> dict[str, Any]:
    """The whole run in ``root``; returns the figures."""
    out: dict[str, Any] = {"scale": scale, "seed": seed}
    clock = time.perf_counter
    started = clock()
    sim = simulate(root / "borough", seed=seed, scale=scale)
    out["person_records"] = sim.person_rows
    out["simulate_s"] = round(clock() - started, 1)
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
    started = clock()
    run_jobs(door, SERVICE_ACCOUNT, "data_ingest", plan([root / "borough"], None, None, None))
    out["ingest_s"] = round(clock() - started, 1)
    started = clock()
    with door.session(SERVICE_ACCOUNT, "linkage") as s:
        run_linkage(s)
    out["link_s"] = round(clock() - started, 1)
    # what `joinedup profile` does
    started = clock()
    with door.session(SERVICE_ACCOUNT, "analysis") as s:
        net, _ = load_network(s, Window())
        inputs = (agencies(s), refreshed(s))
        risk = risk_categories(s)
        keys = record_keys(s)
    out["assemble_s"] = round(clock() - started, 1)
    mark = clock()
    result = analyse(net)
    out["analyse_s"] = round(clock() - mark, 1)
    mark = clock()
    write_profile(build_profile(result, coverage(result, *inputs), risk), root / "profile.html")
    out["render_s"] = round(clock() - mark, 1)
    out["profile_s"] = round(clock() - started, 1)
    evaluation = evaluate_network(
        net, result.groups, result.hotspots, root / "borough" / "truth", keys
    ).as_dict()
    top10 = evaluation.pop("top10")
    out.update(evaluation)
    out["top10_children"] = [row["children"] for row in top10]
    out["entities"] = len(net.kind_of)
    out["ties"] = len(net.ties)
    out["children_at_risk"] = len(net.classes.children)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_average"] = [round(x, 1) for x in os.getloadavg()]
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--keep", type=Path, default=None, help="Work in DIR and keep it.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args.keep, args.scale, args.seed)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(Path(tmp), args.scale, args.seed)
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
