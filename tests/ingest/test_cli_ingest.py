"""``joinedup ingest`` as a user runs it: a simulated borough, JSON reports, exit codes, a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from joinedup.simulate import simulate
from joinedup.store.engine import make_engine
from tests.cli.helpers import run_cli


def _env(db_url: str, home: Path) -> dict[str, str]:
    return {**os.environ, "JOINEDUP_DATABASE_URL": db_url, "JOINEDUP_HOME": str(home)}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, ok=False)


def _count(db_url: str, sql: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def _written_bytes(db_url: str) -> int:
    """Bytes of source records written so far, committed or not (the import is under way)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        wal = Path(f"{url.database}-wal")
        return wal.stat().st_size if wal.exists() else 0
    return _count(db_url, "SELECT pg_relation_size('source_record')")


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    simulate(out, seed=11, scale=0.02)
    return out


def test_simulated_borough_reconciles_and_is_idempotent(
    borough: Path, db_url: str, tmp_path: Path
) -> None:
    env = _env(db_url, tmp_path / "home")
    assert _run(env, "init").returncode == 0
    first = _run(env, "ingest", str(borough), "--json")
    assert first.returncode == 0, first.stderr
    reports = json.loads(first.stdout)
    manifests = [json.loads(p.read_text()) for p in borough.glob("*/manifest.json")]
    assert len(reports) == sum(len(m["files"]) for m in manifests)
    expected_rows = {f"{m['agency']}/{f['path']}": f["rows"] for m in manifests for f in m["files"]}
    for r in reports:
        assert r["rows_read"] == r["accepted"] + r["quarantined"]
        assert r["rows_read"] == expected_rows["/".join(Path(r["file"]).parts[-2:])]
        assert {"file", "rows_read", "accepted", "quarantined", "quarantine_reasons"} <= set(r)
    total = sum(r["accepted"] for r in reports)
    assert _count(db_url, "SELECT count(*) FROM source_record") == total
    again = json.loads(_run(env, "ingest", str(borough), "--json").stdout)
    assert {r["status"] for r in again} == {"already_imported"}
    assert _count(db_url, "SELECT count(*) FROM source_record") == total
    assert _run(env, "audit", "verify").returncode == 0


def test_unreadable_file_gives_a_clear_message_and_nonzero_exit(
    db_url: str, tmp_path: Path
) -> None:
    env = _env(db_url, tmp_path / "home")
    _run(env, "init", "--admin", "root-admin")
    unknown = _run(env, "ingest", str(tmp_path), "--agency", "Nobody")
    assert unknown.returncode != 0 and "manifest.json" in unknown.stderr
    _run(env, "agencies", "add", "Dunmere police", "--kind", "police", "--as", "root-admin")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 50)
    mapping = tmp_path / "m.yml"
    mapping.write_text("format: x\nrecord_type: r\nkey: id\nfields: {forename: {column: name}}\n")
    proc = _run(
        env, "ingest", str(garbage), "--agency", "Dunmere police", "--mapping", str(mapping)
    )
    assert proc.returncode != 0
    assert "binary content" in proc.stderr and "Traceback" not in proc.stderr
    missing = _run(env, "ingest", str(tmp_path / "nope.csv"), "--agency", "x", "--format", "ssd")
    assert missing.returncode != 0 and "no such file" in missing.stderr


def test_kill_during_import_leaves_no_partial_batch(db_url: str, tmp_path: Path) -> None:
    env = _env(db_url, tmp_path / "home")
    _run(env, "init", "--admin", "root-admin")
    _run(env, "agencies", "add", "Dunmere housing", "--kind", "housing", "--as", "root-admin")
    big = tmp_path / "tenancies.csv"
    with big.open("w") as handle:
        handle.write("ref,first,last,dob\n")
        for i in range(200_000):
            handle.write(f"T{i},Amber,Lowe,0{1 + i % 9}/03/2004\n")
    mapping = tmp_path / "housing.yml"
    mapping.write_text(
        "format: housing_tenancies\nrecord_type: tenancy\nkey: ref\ndate_formats: ['%d/%m/%Y']\n"
        "fields:\n  forename: {column: first}\n  surname: {column: last}\n"
        "  date_of_birth: {column: dob}\n"
    )
    args = [
        sys.executable,
        "-m",
        "joinedup",
        "ingest",
        str(big),
        "--agency",
        "Dunmere housing",
        "--mapping",
        str(mapping),
        "--json",
    ]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _written_bytes(db_url) < 2_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _count(db_url, "SELECT count(*) FROM import_batch") == 0
    assert _count(db_url, "SELECT count(*) FROM source_record") == 0
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)[0]
    assert report["accepted"] == 200_000 and report["quarantined"] == 0
    assert _count(db_url, "SELECT count(*) FROM import_batch") == 1
    assert _count(db_url, "SELECT count(*) FROM source_record") == 200_000
    assert _run(env, "audit", "verify").returncode == 0


def test_a_hostile_manifest_reads_nothing_and_a_cut_file_imports_nothing(
    db_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = _env(db_url, home)
    assert _run(env, "init").returncode == 0
    key = (home / "keys" / "audit.key").read_bytes()
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "supervision.csv").write_text("crn,surname\nX1,Lowe\nX2,Dunn\n", encoding="utf-8")
    files = [{"path": "supervision.csv", "format": "probation", "table": "supervision"}]
    stolen = {"path": str(home / "keys" / "audit.key"), "format": "probation", "table": "x"}
    manifest = {"name": "Dunmere police", "kind": "police", "files": [*files, stolen]}
    (drop / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    proc = _run(env, "ingest", str(drop), "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "files[1]" in proc.stderr and "an absolute path" in proc.stderr
    assert key.hex() not in proc.stdout + proc.stderr
    assert key.decode("latin-1") not in proc.stdout + proc.stderr
    manifest["files"] = [{**files[0], "rows": 4}]
    (drop / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    bound = _run(env, "ingest", str(drop), "--agency", "Dunmere health")
    assert bound.returncode == 1 and "bound to agency 'Dunmere health'" in bound.stderr
    cut = _run(env, "ingest", str(drop), "--agency", "Dunmere police")
    assert cut.returncode == 2 and "not imported" in cut.stderr
    assert "says 4 rows but the file holds 2" in " ".join(cut.stderr.split())
    assert _count(db_url, "SELECT count(*) FROM import_batch") == 0
    assert _run(env, "audit", "verify").returncode == 0
