"""``joinedup audit`` and ``init`` as a data protection officer and an operator run them: the
missing checkpoint stays an alarm until acknowledged, init refuses another database, and what
the command line creates is private (issue 13, points 1, 2 and 11)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from joinedup.store import migrate
from joinedup.store.engine import make_engine
from tests.cli.helpers import cli_env, run_cli


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    env = cli_env(db_url, tmp_path / "home")
    env.pop("JOINEDUP_USER", None)
    run_cli(env, "init", "--admin", "root-admin")
    run_cli(
        env,
        "users",
        "add",
        "dpo",
        "--agency",
        "Safeguarding partnership",
        "--role",
        "auditor",
        "--as",
        "root-admin",
    )
    return env


def _checkpoints(env: dict[str, str]) -> Path:
    return Path(env["JOINEDUP_HOME"]) / "checkpoints"


def test_a_missing_checkpoint_stays_an_alarm_until_an_auditor_acknowledges_it(
    env: dict[str, str],
) -> None:
    (checkpoint,) = _checkpoints(env).glob("audit-checkpoint-*.json")
    checkpoint.unlink()
    for town in ("Wexley", "Dunmere"):
        broken = run_cli(env, "audit", "verify", ok=False)
        assert broken.returncode == 1 and "missing" in broken.stderr
        run_cli(env, "agencies", "add", f"{town} police", "--kind", "police", "--as", "root-admin")
        assert not checkpoint.exists()
    refused = run_cli(
        env, "audit", "acknowledge-checkpoint", "--reason", "x", "--as", "root-admin", ok=False
    )
    assert refused.returncode == 1
    done = run_cli(
        env,
        "audit",
        "acknowledge-checkpoint",
        "--reason",
        "checkpoint lost when the server was rebuilt (change 2024-118)",
        "--as",
        "dpo",
    )
    assert "re-anchored" in done.stdout and checkpoint.exists()
    verified = run_cli(env, "audit", "verify")
    assert "intact" in verified.stdout and "1 acknowledgement" in verified.stdout
    database_id = checkpoint.stem.removeprefix("audit-checkpoint-")
    trail = json.loads(
        run_cli(env, "audit", "show", "--record", database_id, "--as", "dpo", "--json").stdout
    )
    ack = next(e for e in trail if e["access"] == "acknowledge")
    assert ack["actor_name"] == "dpo" and "rebuilt" in ack["detail"]["reason"]
    again = run_cli(env, "audit", "verify", "--json")
    assert json.loads(again.stdout)["findings"] == []


def test_init_refuses_a_recreated_database_until_it_is_adopted(
    env: dict[str, str], db_url: str
) -> None:
    engine = make_engine(db_url)
    try:
        config = migrate.alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")  # as if dropped and created again, empty
    finally:
        engine.dispose()
    refused = run_cli(env, "init", ok=False)
    assert refused.returncode == 1
    assert "anchors database" in refused.stderr and "--adopt-database" in refused.stderr
    usage = run_cli(env, "init", "--adopt-database", ok=False)
    assert usage.returncode == 2 and "--reason" in usage.stderr
    adopted = run_cli(env, "init", "--adopt-database", "--reason", "training copy rebuilt")
    assert "created anchor" in adopted.stdout
    assert "intact" in run_cli(env, "audit", "verify").stdout


def test_what_init_creates_is_private(env: dict[str, str], db_url: str) -> None:
    home = Path(env["JOINEDUP_HOME"])
    private = [*home.glob("keys/*"), *_checkpoints(env).glob("*.json")]
    assert len(private) >= 4
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (home, home / "keys", _checkpoints(env)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    if db_url.startswith("sqlite"):
        database = Path(make_url(db_url).database or "")
        for path in database.parent.glob(database.name + "*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_production_refuses_a_key_file_others_can_read(env: dict[str, str]) -> None:
    key = Path(env["JOINEDUP_HOME"]) / "keys" / "audit.key"
    os.chmod(key, 0o644)
    refused = run_cli({**env, "JOINEDUP_ENV": "production"}, "audit", "verify", ok=False)
    assert refused.returncode == 1
    assert "audit.key has mode 0644" in refused.stderr and "chmod 600" in refused.stderr


def test_an_auditor_lists_the_grants(env: dict[str, str]) -> None:
    """Issue 14, point 2: the DPO sees who was granted what, until when (once refused)."""
    run_cli(env, "agencies", "add", "Dunmere police", "--kind", "police", "--as", "root-admin")
    run_cli(
        env, "grants", "add", "--user", "dpo", "--agency", "Dunmere police",
        "--grant-purpose", "audit", "--reason", "review of access", "--days", "7",
        "--as", "root-admin",
    )  # fmt: skip
    listed = run_cli(env, "grants", "list", "--as", "dpo", "--purpose", "audit", "--json")
    [grant] = json.loads(listed.stdout)
    assert grant["user"] == "dpo" and grant["agency"] == "Dunmere police"
