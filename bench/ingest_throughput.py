"""Ingest throughput: a simulated borough into SQLite (and PostgreSQL when reachable).

    python bench/ingest_throughput.py [--scale 1.6] [--seed 1] [--borough DIR]
                                      [--postgres URL] [--no-postgres] [--json]

Simulates the borough once (scale 1.6 gives over 1,000,000 person-bearing records) or reuses
the one in ``--borough``, then ingests every agency folder into a fresh store and reports
rows, seconds, rows per second, CPU seconds of the importing process and of its preparing
worker processes, peak resident memory of the importing process and of the largest worker,
and the load average when the run started (the machine has 2 cores; other work skews it).
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

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.safeguarding.entry import check_entry
from joinedup.simulate import simulate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run(url: str, borough: Path, home: Path) -> dict[str, object]:
    """Ingest ``borough`` into the store at ``url``; returns the measurements."""
    engine = make_engine(url)
    key = secrets.token_bytes(32)
    initialise(engine, key, home)
    cipher = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
    door = Door(engine, key, home, hooks=SessionHooks(check_text=check_entry, field_crypto=cipher))
    jobs = plan([borough], None, None, None)
    load = os.getloadavg()[0]
    cpu_main, cpu_workers = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = run_jobs(door, "joinedup-service", "data_ingest", jobs)
    seconds = time.perf_counter() - started
    rows = sum(r.rows_read for r in result.reports)
    engine.dispose()
    return {
        "backend": make_url(url).get_backend_name(),
        "files": len(result.reports),
        "rows": rows,
        "accepted": sum(r.accepted for r in result.reports),
        "quarantined": sum(r.quarantined for r in result.reports),
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "cpu_main_s": round(_cpu(resource.RUSAGE_SELF) - cpu_main, 1),
        "cpu_workers_s": round(_cpu(resource.RUSAGE_CHILDREN) - cpu_workers, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_at_start": round(load, 2),
    }


def _postgres(admin_url: str, borough: Path, home: Path) -> dict[str, object]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"joinedup_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        return {"backend": "postgresql", "skipped": str(exc).splitlines()[0]}
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        return run(url, borough, home)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--borough", type=Path, help="an existing simulator output to ingest")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        borough = args.borough
        person_rows = None
        if borough is None:
            borough = root / "borough"
            person_rows = simulate(borough, seed=args.seed, scale=args.scale).person_rows
        results = [
            {
                "person_rows": person_rows,
                **run(f"sqlite:///{root / 'bench.db'}", borough, root / "home1"),
            }
        ]
        if not args.no_postgres:
            results.append(_postgres(args.postgres, borough, root / "home2"))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(r)


if __name__ == "__main__":
    main()
