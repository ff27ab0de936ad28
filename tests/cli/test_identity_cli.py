"""Sign-in on the command line: enrolment, tokens, production identity (JOINEDUP_TOKEN),
account administration; every event audited and the chain still verifies."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from sqlalchemy import text

from joinedup.store.engine import make_engine
from tests.cli.helpers import cli_env, run_cli

PASSWORD = "a long enough password"


def _run(
    env: dict[str, str], *args: str, ok: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, ok=ok, timeout=400, stdin=stdin)


def _audit(env: dict[str, str]) -> list[dict[str, Any]]:
    engine = make_engine(env["JOINEDUP_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(text("SELECT * FROM audit_event")).mappings()]
    finally:
        engine.dispose()
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return rows


_USED_STEPS: dict[str, int] = {}


def _fresh_code(secret: str) -> str:
    """A code of a step not used before for ``secret`` (the replay guard refuses reuse; a
    code is accepted within one step either side of now, so this waits only when the step
    after now is spent too)."""
    totp = pyotp.TOTP(secret)
    while True:
        now = int(time.time()) // 30
        step = max(now, _USED_STEPS.get(secret, now - 1) + 1)
        if step <= now + 1:
            _USED_STEPS[secret] = step
            return totp.generate_otp(step)
        time.sleep(0.5)


@pytest.fixture
def db_url(store_url: str) -> str:
    """A store migrated to the newest schema, not initialised (``init`` migrating an empty
    database is tested in tests/store/test_migrate.py and tests/cli/test_audit_cli.py)."""
    return store_url


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    _USED_STEPS.clear()  # a new store: no code used yet (the dev secret is the same in each)
    base = cli_env(db_url, tmp_path / "home")
    for name in ("JOINEDUP_USER", "JOINEDUP_TOKEN", "JOINEDUP_ENV"):
        base.pop(name, None)
    _run(base, "init", "--admin", "root-admin")
    admin = {**base, "JOINEDUP_USER": "root-admin"}
    _run(admin, "agencies", "add", "Brackenfield Social Care", "--kind", "social_care")
    _run(
        admin,
        "users",
        "add",
        "sam",
        "--agency",
        "Brackenfield Social Care",
        "--role",
        "social_worker",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    return base


def test_enrol_token_and_production_identity(env: dict[str, str], tmp_path: Path) -> None:
    admin = {**env, "JOINEDUP_USER": "root-admin"}
    uri = _run(admin, "users", "enrol", "sam").stdout.strip().splitlines()[-1]
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    again = _run(admin, "users", "enrol", "sam", ok=False)
    assert again.returncode == 1 and "reset it first" in again.stderr

    creds = f"sam\n{PASSWORD}\n{_fresh_code(secret)}\n"
    made = _run(env, "token", "create", "--stdin", stdin=creds)
    token = made.stdout.strip()
    assert token.startswith("jdp_") and "shown once" in made.stderr
    token_id = made.stderr.split()[1]

    wrong = _run(
        env, "token", "create", "--stdin", stdin="sam\nwrong password!\n000000\n", ok=False
    )
    nobody = _run(env, "token", "create", "--stdin", stdin=f"ghost\n{PASSWORD}\n000000\n", ok=False)
    assert wrong.returncode == nobody.returncode == 1
    assert wrong.stderr == nobody.stderr and "Sign-in refused" in wrong.stderr

    production = {**env, "JOINEDUP_ENV": "production"}
    bare = _run({**production, "JOINEDUP_USER": "sam"}, "flags", "list", ok=False)
    assert bare.returncode == 1 and "JOINEDUP_TOKEN" in bare.stderr
    _run({**production, "JOINEDUP_TOKEN": token}, "flags", "list", "--json")
    _run({**env, "JOINEDUP_USER": "sam"}, "flags", "list", "--json")
    mismatch = _run(
        {**production, "JOINEDUP_TOKEN": token}, "flags", "list", "--as", "root-admin", ok=False
    )
    assert mismatch.returncode == 1 and "sam's token" in mismatch.stderr

    origins = [r["detail"].get("origin") for r in _audit(env) if r["actor_name"] == "sam"]
    assert f"cli, token {token_id}" in origins
    assert "cli, not authenticated (JOINEDUP_USER or --as)" in origins

    _run({**env, "JOINEDUP_TOKEN": token}, "token", "revoke")
    revoked = _run({**production, "JOINEDUP_TOKEN": token}, "flags", "list", ok=False)
    assert revoked.returncode == 1 and "not a live token" in revoked.stderr

    # the token is nowhere in the database
    engine = make_engine(env["JOINEDUP_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            for table in ("access_token", "audit_event", "sign_in_attempt", "user_session"):
                rows = conn.execute(text(f"SELECT * FROM {table}")).all()
                assert token not in repr(rows) and token[4:] not in repr(rows)
    finally:
        engine.dispose()

    accesses = {(r["access"], r["object_type"]) for r in _audit(env)}
    assert {("enrol", "user"), ("issue", "access_token"), ("revoke", "access_token")} <= accesses
    assert {("sign_in", "user")} <= accesses
    assert json.loads(_run(env, "audit", "verify", "--json").stdout)["ok"] is True


def test_account_administration(env: dict[str, str], tmp_path: Path) -> None:
    admin = {**env, "JOINEDUP_USER": "root-admin"}
    qr = tmp_path / "sam-qr.svg"
    out = _run(admin, "users", "enrol", "sam", "--qr", str(qr)).stdout
    assert "secret" not in out and str(qr) in out
    assert stat.S_IMODE(qr.stat().st_mode) == 0o600 and "<svg" in qr.read_text()

    _run(admin, "users", "reset-second-factor", "sam")
    enrolled = _run(admin, "users", "enrol", "sam", "--dev-known-secret").stdout
    secret = parse_qs(urlparse(enrolled.strip().splitlines()[-1]).query)["secret"][0]
    refused = _run(
        {**admin, "JOINEDUP_ENV": "production"},
        "users",
        "enrol",
        "sam",
        "--as",
        "root-admin",
        ok=False,
    )
    assert refused.returncode == 1 and "JOINEDUP_TOKEN" in refused.stderr

    reset = _run(admin, "users", "reset-password", "sam").stdout
    new_password = reset.split("in person): ", 1)[1].split()[0]
    assert len(new_password) >= 20
    token = _run(
        env, "token", "create", "--stdin", stdin=f"sam\n{new_password}\n{_fresh_code(secret)}\n"
    ).stdout.strip()

    not_admin = _run(
        {**env, "JOINEDUP_USER": "sam"},
        "users",
        "deactivate",
        "root-admin",
        "--reason",
        "x",
        ok=False,
    )
    assert not_admin.returncode == 1 and "may not administer" in not_admin.stderr
    out = _run(admin, "users", "deactivate", "sam", "--reason", "left the partnership").stdout
    assert "1 token(s) revoked" in out
    dead = _run({**env, "JOINEDUP_TOKEN": token}, "flags", "list", ok=False)
    assert dead.returncode == 1 and "not a live token" in dead.stderr
    late = _run(
        env,
        "token",
        "create",
        "--stdin",
        stdin=f"sam\n{new_password}\n{_fresh_code(secret)}\n",
        ok=False,
    )
    assert late.returncode == 1 and "Sign-in refused" in late.stderr

    rows = _audit(env)
    deactivated = [r for r in rows if r["access"] == "deactivate"]
    assert len(deactivated) == 1 and deactivated[0]["actor_name"] == "root-admin"
    assert deactivated[0]["detail"]["reason"] == "left the partnership"
    assert deactivated[0]["detail"]["origin"] == "cli, not authenticated (JOINEDUP_USER or --as)"
    resets = [r["detail"]["what"] for r in rows if r["access"] == "reset"]
    assert resets == ["second factor", "password"]
    assert json.loads(_run(env, "audit", "verify", "--json").stdout)["ok"] is True
