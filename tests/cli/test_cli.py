"""The command line, run as a user would run it (subprocesses, environment, exit codes)."""

from __future__ import annotations

import csv
import json
import re
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from joinedup.app.runtime import dispose_engines
from joinedup.store import immutability
from joinedup.store.engine import make_engine
from tests.cli.helpers import cli_env, run_cli
from tests.web.demo_run import copy_demo, demo_output, pg_execute


def _run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, ok=ok, timeout=400)


@pytest.fixture
def db_url(store_url: str) -> str:
    """A store migrated to the newest schema, not initialised (``init`` migrating an empty
    database is tested in tests/store/test_migrate.py and tests/cli/test_audit_cli.py)."""
    return store_url


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return cli_env(db_url, tmp_path / "home")


def test_administration_round_trip_and_verify(env: dict[str, str], tmp_path: Path) -> None:
    password = tmp_path / "pw"
    password.write_text("a long enough password\n")
    _run(env, "init", "--admin", "root-admin")
    admin = {**env, "JOINEDUP_USER": "root-admin"}
    _run(admin, "agencies", "add", "Brackenfield Police", "--kind", "police")
    _run(admin, "agencies", "add", "Brackenfield Social Care", "--kind", "social_care")
    _run(
        admin,
        "users",
        "add",
        "pat",
        "--agency",
        "Brackenfield Police",
        "--role",
        "analyst",
        "--password-file",
        str(password),
    )
    out = _run(
        admin,
        "grants",
        "add",
        "--user",
        "pat",
        "--agency",
        "Brackenfield Social Care",
        "--grant-purpose",
        "safeguarding",
        "--reason",
        "strategy meeting",
        "--days",
        "7",
    ).stdout
    grant_id = out.split()[1]
    _run(admin, "grants", "revoke", grant_id)
    users = json.loads(_run(admin, "users", "list", "--json").stdout)
    assert {u["username"] for u in users} >= {"pat", "root-admin", "joinedup-service"}
    listed = json.loads(_run(admin, "agencies", "list", "--json").stdout)
    assert {a["name"] for a in listed} >= {"Brackenfield Police", "Brackenfield Social Care"}
    verified = _run(env, "audit", "verify", "--json")
    assert json.loads(verified.stdout)["ok"] is True


def test_errors_are_one_line_messages(env: dict[str, str]) -> None:
    _run(env, "init", "--admin", "root-admin")
    no_user = _run(env, "agencies", "list", ok=False)
    assert no_user.returncode != 0 and "--as or JOINEDUP_USER" in no_user.stderr
    bad_kind = _run(
        env, "agencies", "add", "X", "--kind", "wizards", "--as", "root-admin", ok=False
    )
    assert bad_kind.returncode != 0 and "wizards" in bad_kind.stderr
    ghost = _run(env, "agencies", "list", "--as", "ghost", ok=False)
    assert ghost.returncode == 1 and "no active user named 'ghost'" in ghost.stderr
    assert "Traceback" not in ghost.stderr + bad_kind.stderr
    # issue 14, point 10: a person acting for the pipeline's purpose is told what to do
    _run(env, "agencies", "add", "Police", "--kind", "police", "--as", "root-admin")
    _run(
        env, "users", "add", "ana", "--agency", "Police", "--role", "analyst", "--as", "root-admin"
    )
    analyst_ingest = _run(env, "quarantine", "list", "--as", "ana", ok=False)
    assert "may not act for purpose 'data_ingest'" in analyst_ingest.stderr
    assert "it may act for: analysis" in analyst_ingest.stderr
    assert "service account when neither --as nor JOINEDUP_USER" in analyst_ingest.stderr


def test_admin_cannot_read_the_audit_trail(env: dict[str, str]) -> None:
    _run(env, "init", "--admin", "root-admin")
    denied = _run(env, "audit", "show", "--record", "x", "--as", "root-admin", ok=False)
    assert denied.returncode == 1 and "may not" in denied.stderr


def test_demo_then_who_looked_verify_then_tamper(backend: str, tmp_path: Path) -> None:
    """On a copy of the run's demonstration store (the demo ran once per backend, as
    ``joinedup demo`` with this environment: tests/web/demo_run.py)."""
    shown = demo_output(backend)
    db_url, home = copy_demo(backend, tmp_path)
    try:
        _demo_then_tamper(cli_env(db_url, home), db_url, shown, again=backend == "sqlite")
    finally:
        dispose_engines()
        if backend == "postgresql":
            pg_execute(f'DROP DATABASE IF EXISTS "{make_url(db_url).database}" WITH (FORCE)')


def _demo_then_tamper(env: dict[str, str], db_url: str, shown: str, *, again: bool) -> None:
    assert "social worker asks for police record" in shown
    assert "0 quarantined" in shown
    assert "intact" in shown
    # one number with its interval, or (models disagreeing) the range with its reasons
    assert re.search(
        r"estimated \d+ in all \(95% interval \d+-\d+|a range, not one number: \d+-\d+",
        shown,
    )
    profile = Path(env["JOINEDUP_HOME"]) / "demo-profile.html"
    assert "Problem profile" in shown and profile.is_file()
    assert "<html" in profile.read_text(encoding="utf-8").lower()
    assert "routed to 3 agencies" in shown
    assert "the escalation sweep raises 2 routes" in shown
    minutes = (Path(env["JOINEDUP_HOME"]) / "demo-minutes.md").read_text(encoding="utf-8")
    assert "not acknowledged since" in minutes and "**Decision**: Strategy discussion" in minutes
    assert "Action (demo-social-worker, due" in minutes
    _run(env, "audit", "verify")
    trail = json.loads(
        _run(env, "audit", "show", "--record", "none", "--as", "demo-dpo", "--json").stdout
    )
    assert trail == []
    _who_looked(env, db_url)
    # issue 14, point 7: the accounts it made and what next; run again, the social worker is
    # still refused the police record (the first run's grant was revoked, not left live)
    assert "demo-social-worker" in shown and "What to try first" in shown
    # issue 16: one account per role, with its password and key, in an owner-only CSV, and
    # how to start the web
    assert "joinedup serve" in shown
    accounts = Path(env["JOINEDUP_HOME"]) / "demo-accounts.csv"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    rows = list(csv.DictReader(accounts.read_text(encoding="utf-8").splitlines()))
    assert {r["role"] for r in rows} == {
        "admin",
        "analyst",
        "social_worker",
        "panel_chair",
        "referrer",
        "auditor",
    }
    assert {"demo-teacher", "demo-licensing"} <= {r["username"] for r in rows}
    assert all(r["password"] in shown and r["totp_secret"] for r in rows)
    if again:  # a second run on the same store (one backend: it is the demo's whole time)
        rerun = _run(env, "demo")
        assert "social worker asks for police record" in rerun.stdout
        assert "intact" in rerun.stdout
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            for sql in immutability.drop_statements(engine.dialect.name, "audit_event"):
                conn.execute(text(sql))
            conn.execute(text("UPDATE audit_event SET actor_name = 'someone-else' WHERE seq = 7"))
    finally:
        engine.dispose()
    broken = _run(env, "audit", "verify", ok=False)
    assert broken.returncode == 1
    assert "row 7" in broken.stderr


def _who_looked(env: dict[str, str], db_url: str) -> None:
    """The auditor asks who processed a police person record after the demo, and why."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            record_id, reference = conn.execute(
                text(
                    "SELECT id, agency_key FROM source_record WHERE record_type = 'persons' "
                    "ORDER BY id LIMIT 1"
                )
            ).one()
            person_id = conn.execute(
                text("SELECT person_id FROM person_link WHERE record_id = :r"), {"r": record_id}
            ).scalar_one()
    finally:
        engine.dispose()

    def asked(*how: str) -> list[dict[str, object]]:
        out = _run(env, "audit", "show", *how, "--as", "demo-dpo", "--json").stdout
        return list(json.loads(out))

    trail = asked("--record", record_id)
    who = {(e["actor_name"], e["operation"]) for e in trail}
    assert ("joinedup-service", "collection") in who
    assert ("demo-social-worker", "consultation") in who
    assert all(e["purpose"] for e in trail)
    seqs = {e["seq"] for e in trail}
    # by the agency's own reference (issue 14, point 2): never a false "nothing"
    assert seqs <= {e["seq"] for e in asked("--reference", reference)}
    # by the person: every record of theirs, and the person itself
    assert seqs <= {e["seq"] for e in asked("--person", person_id)}
    # by the user, and within a period
    mine = asked("--user", "demo-social-worker")
    assert mine and {e["actor_name"] for e in mine} == {"demo-social-worker"}
    assert asked("--record", record_id, "--to", "2001-01-01") == []
    unknown = _run(env, "audit", "show", "--reference", "NO-SUCH-REF", "--as", "demo-dpo")
    assert "no record is held for reference NO-SUCH-REF" in unknown.stdout
