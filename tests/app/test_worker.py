"""``joinedup worker``: drops taken once, only when complete; locks; crash recovery; status."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from joinedup.app.worker import complete_drops
from joinedup.simulate import simulate
from joinedup.store.engine import make_engine
from joinedup.store.jobs import job_lock, last_runs, start_run
from joinedup.store.tables.jobs import JobRunRow
from tests.cli.helpers import cli_env, run_cli


def test_only_folders_with_their_marker_are_complete(tmp_path: Path) -> None:
    done = tmp_path / "police" / "2026-12-01"
    half = tmp_path / "police" / "2026-12-08"
    for folder in (done, half):
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
    (done / ".done").write_text("")
    assert complete_drops((tmp_path,)) == [done.resolve()]


def test_a_job_runs_in_one_worker_at_a_time(db_url: str, tmp_path: Path) -> None:
    run_cli(cli_env(db_url, tmp_path / "home"), "init")
    engine = make_engine(db_url)
    try:
        with job_lock(engine, "drops", tmp_path / "locks") as first:
            with job_lock(engine, "drops", tmp_path / "locks") as second:
                assert first and not second
            with job_lock(engine, "escalate", tmp_path / "locks") as other:
                assert other  # another job is not blocked
        with job_lock(engine, "drops", tmp_path / "locks") as again:
            assert again  # released
    finally:
        engine.dispose()


def test_a_run_left_running_by_a_dead_worker_is_marked_interrupted(
    db_url: str, tmp_path: Path
) -> None:
    run_cli(cli_env(db_url, tmp_path / "home"), "init")
    engine = make_engine(db_url)
    try:
        dead = start_run(engine, "chase")  # never finished: the process was killed
        start_run(engine, "chase")
        with engine.connect() as conn:
            status = conn.execute(select(JobRunRow.status).where(JobRunRow.id == dead)).scalar()
        assert status == "interrupted"
        assert last_runs(engine)["chase"].status == "running"
    finally:
        engine.dispose()


@pytest.fixture
def drops(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drop folder: one week's complete drop (a tiny borough) and one still uploading."""
    root = tmp_path_factory.mktemp("drops")
    borough = root.parent / f"{root.name}-borough"
    simulate(borough, seed=7, scale=0.01)
    shutil.copytree(borough / "police", root / "2026-11-30" / "police")
    shutil.copytree(borough / "social_care", root / "2026-11-30" / "social_care")
    (root / "2026-11-30" / "police" / ".done").write_text("")
    (root / "2026-11-30" / "social_care" / ".done").write_text("")
    shutil.copytree(borough / "health", root / "2026-12-07" / "health")  # no marker yet
    return root


@pytest.mark.sqlite_only("the end-to-end worker run is timed on SQLite; locks are tested on both")
def test_the_worker_takes_each_complete_drop_once(db_url: str, tmp_path: Path, drops: Path) -> None:
    env = cli_env(db_url, tmp_path / "home")
    run_cli(env, "init")
    schedule = tmp_path / "home" / "schedule.yml"
    schedule.write_text(f"version: 1\ndrop_folders: ['{drops}']\n", encoding="utf-8")

    first = run_cli(env, "worker", "--once").stdout
    assert "drops: ok" in first and "escalate: ok" in first and "chase: ok" in first
    state = json.loads(run_cli(env, "status", "--json").stdout)
    drop_run = state["jobs"]["drops"]
    assert drop_run["status"] == "ok" and len(drop_run["detail"]["drops"]) == 2
    assert drop_run["detail"]["accepted"] > 0 and drop_run["detail"]["persons"] > 0
    assert state["drops_waiting"] == []
    assert [Path(p).name for p in state["drops_incomplete"]] == ["health"]

    again = run_cli(env, "worker", "--once").stdout
    assert "drops: not due" in again
    forced = run_cli(env, "worker", "--once", "--force").stdout
    assert "drops: ok" in forced
    state = json.loads(run_cli(env, "status", "--json").stdout)
    assert state["jobs"]["drops"]["detail"]["drops"] == []  # nothing taken twice

    (drops / "2026-12-07" / "health" / ".done").write_text("")  # the upload completes
    run_cli(env, "worker", "--once", "--force")
    state = json.loads(run_cli(env, "status", "--json").stdout)
    assert [Path(p).name for p in state["jobs"]["drops"]["detail"]["drops"]] == ["health"]
    assert state["drops_incomplete"] == []
    assert "intact" in run_cli(env, "audit", "verify").stdout


def _count(db_url: str, sql: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("moment", ["ingest", "after ingest"])
@pytest.mark.sqlite_only("the kill test runs on SQLite (the locks are tested on both)")
def test_a_worker_killed_mid_run_loses_and_repeats_nothing(
    db_url: str, tmp_path: Path, drops: Path, moment: str
) -> None:
    env = cli_env(db_url, tmp_path / "home")
    run_cli(env, "init")
    (tmp_path / "home" / "schedule.yml").write_text(
        f"version: 1\ndrop_folders: ['{drops}']\n", encoding="utf-8"
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "joinedup", "worker", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    files = [p for p in drops.rglob("*.csv") if (p.parent / ".done").exists()]
    # kill -9 while the first files are imported, or once every file is in (linkage running)
    wanted = 1 if moment == "ingest" else len(files)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and worker.poll() is None:
        done = _count(db_url, "SELECT count(*) FROM import_batch WHERE completed_at IS NOT NULL")
        if done >= wanted:
            break
        time.sleep(0.05)
    assert worker.poll() is None, "the worker finished before it could be killed"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    left_running = _count(db_url, "SELECT count(*) FROM job_run WHERE status = 'running'")

    run_cli(env, "worker", "--once")
    state = json.loads(run_cli(env, "status", "--json").stdout)
    assert state["jobs"]["drops"]["status"] == "ok"
    # every file of the complete drops imported exactly once, every accepted row stored once
    batches = _count(db_url, "SELECT count(DISTINCT file_sha256) FROM import_batch")
    assert batches == _count(db_url, "SELECT count(*) FROM import_batch") == len(files)
    accepted = _count(db_url, "SELECT sum(rows_accepted) FROM import_batch")
    assert _count(db_url, "SELECT count(*) FROM source_record") == accepted > 0
    # the run the kill left behind (none when it fell between two jobs) is marked interrupted
    interrupted = _count(db_url, "SELECT count(*) FROM job_run WHERE status = 'interrupted'")
    assert left_running <= 1 and interrupted == left_running
    assert _count(db_url, "SELECT count(*) FROM job_run WHERE status = 'running'") == 0
    assert "intact" in run_cli(env, "audit", "verify").stdout
