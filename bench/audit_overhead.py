"""Audit trail overhead: the cost of one session's commit path and of verifying the chain.

Each session writes its audit row, commits, then proves the chain still runs through the
checkpoint's row and advances the signed checkpoint (written atomically and fsynced).
``audit verify`` walks every row. Run from the repository root::

    .venv/bin/python bench/audit_overhead.py [--sessions 300] [--rows 20000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
import time
from pathlib import Path

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.model.records import SourceRecord
from joinedup.store import audit
from joinedup.store.door import Door
from joinedup.store.engine import make_engine

SERVICE = ("joinedup-service", "data_ingest")


def run(root: Path, sessions: int, rows: int) -> dict[str, object]:
    """Measure on a fresh SQLite store in ``root``."""
    engine = make_engine(f"sqlite:///{root / 'bench.db'}")
    key = secrets.token_bytes(32)
    initialise(engine, key, root / "checkpoints", admin=("admin", None))
    door = Door(engine, key, root / "checkpoints")
    with door.session("admin", "administration") as s:
        agency = directory.add_agency(s, "Police", "police").id
    with door.session(*SERVICE) as s:
        record = s.add(SourceRecord(agency_id=agency, record_type="p", agency_key="k", payload={}))
    started = time.perf_counter()
    for _ in range(sessions):
        with door.session(*SERVICE) as s:
            s.get(SourceRecord, record.id)
    per_session = (time.perf_counter() - started) / sessions
    with door.session(*SERVICE) as s:  # grow the chain to ``rows`` rows, one session
        for _ in range(max(0, rows - sessions)):
            s.get(SourceRecord, record.id)
    with engine.connect() as conn:
        started = time.perf_counter()
        result = audit.verify(conn, key, door.checkpoint())
        verify_seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "cores": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "sessions": sessions,
        "ms_per_session_with_one_get": round(per_session * 1000, 1),
        "chain_rows": result.rows_checked,
        "verify_ok": result.ok,
        "verify_seconds": round(verify_seconds, 2),
        "verify_rows_per_second": round(result.rows_checked / verify_seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Path(tmp), args.sessions, args.rows)
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
