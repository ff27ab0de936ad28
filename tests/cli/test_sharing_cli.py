"""Grants and information-sharing agreements on the command line: requested, approved by the
owning agency, listed for the data protection officer; the service role refused to people."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli.helpers import cli_env, run_cli

AGENCIES = {"Brackenfield Police": "police", "Brackenfield Social Care": "social_care"}
USERS = (
    ("pat", "Brackenfield Social Care", "social_worker"),
    ("ana", "Brackenfield Police", "analyst"),
    ("police-dpo", "Brackenfield Police", "auditor"),
    ("sc-dpo", "Brackenfield Social Care", "auditor"),
)


@pytest.fixture
def db_url(store_url: str) -> str:
    """A store migrated to the newest schema, not initialised (``init`` migrating an empty
    database is tested in tests/store/test_migrate.py and tests/cli/test_audit_cli.py)."""
    return store_url


@pytest.fixture
def admin(db_url: str, tmp_path: Path) -> dict[str, str]:
    base = cli_env(db_url, tmp_path / "home")
    for name in ("JOINEDUP_USER", "JOINEDUP_TOKEN", "JOINEDUP_ENV"):
        base.pop(name, None)
    run_cli(base, "init", "--admin", "root-admin")
    env = {**base, "JOINEDUP_USER": "root-admin"}
    for name, kind in AGENCIES.items():
        run_cli(env, "agencies", "add", name, "--kind", kind)
    for username, agency, role in USERS:
        run_cli(env, "users", "add", username, "--agency", agency, "--role", role)
    return env


def test_no_person_is_given_the_service_role(admin: dict[str, str]) -> None:
    out = run_cli(
        admin, "users", "add", "evil-pipe", "--agency", "Brackenfield Police", "--role",
        "pipeline", ok=False,
    )  # fmt: skip
    # not even offered: the command's choice of roles holds the roles a person may have
    assert out.returncode == 2 and "'pipeline' is not one of" in out.stderr


def test_a_grant_is_approved_by_the_owning_agency(admin: dict[str, str]) -> None:
    out = run_cli(
        admin, "grants", "add", "--user", "pat", "--agency", "Brackenfield Police",
        "--grant-purpose", "safeguarding", "--reason", "strategy discussion", "--days", "7",
    ).stdout  # fmt: skip
    grant_id = out.split()[1]
    wrong = run_cli(
        admin, "grants", "approve", grant_id, "--note", "ok", "--as", "sc-dpo", ok=False
    )
    assert wrong.returncode == 1  # social care cannot approve access to police records
    run_cli(
        admin, "grants", "approve", grant_id, "--note", "agreed by the DI", "--as", "police-dpo"
    )
    listed = json.loads(
        run_cli(admin, "grants", "list", "--json", "--purpose", "audit", "--as", "sc-dpo").stdout
    )
    (row,) = [g for g in listed if g["id"] == grant_id]
    assert row["status"] == "approved" and row["decided_by"] == "police-dpo"


def test_an_agreement_is_recorded_approved_by_every_party_and_listed(
    admin: dict[str, str],
) -> None:
    name = "Brackenfield CSE team"
    today = date.today()
    start, end = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=365)).isoformat()
    run_cli(
        admin, "agreements", "add", name, "--lead", "Brackenfield Police",
        "--agency", "Brackenfield Social Care", "--for", "safeguarding",
        "--extent", "open_cse_cases", "--from", start, "--to", end,
        "--basis", "Children Act 2004 s.11; DPA 2018 s.35, Sch. 8 para 4",
    )  # fmt: skip
    run_cli(admin, "agreements", "add-member", name, "pat")
    run_cli(admin, "agreements", "add-member", name, "ana")
    for dpo in ("police-dpo", "sc-dpo"):
        run_cli(admin, "agreements", "approve", name, "--as", dpo)
    (row,) = json.loads(run_cli(admin, "agreements", "list", "--json", "--as", "sc-dpo").stdout)
    assert row["live"] is True
    assert {p["approved_by"] for p in row["parties"]} == {"police-dpo", "sc-dpo"}
    assert {m["username"] for m in row["members"]} == {"pat", "ana"}
    again = run_cli(admin, "agreements", "approve", name, "--as", "sc-dpo", ok=False)
    assert again.returncode == 1 and "already approved" in again.stderr
    run_cli(admin, "agreements", "end", name, "--reason", "the team was disbanded")
    (row,) = json.loads(run_cli(admin, "agreements", "list", "--json", "--as", "sc-dpo").stdout)
    assert row["live"] is False and row["ended"]


def test_a_user_is_added_with_an_email_for_notifications(
    admin: dict[str, str], db_url: str
) -> None:
    from sqlalchemy import select

    from joinedup.store.engine import make_engine
    from joinedup.store.tables.admin import UserRow

    run_cli(
        admin, "users", "add", "hv", "--agency", "Brackenfield Social Care", "--role",
        "referrer", "--email", "hv@brackenfield.example",
    )  # fmt: skip
    bad = run_cli(
        admin, "users", "add", "hw", "--agency", "Brackenfield Social Care", "--role",
        "referrer", "--email", "not-an-address", ok=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "is not an email address" in bad.stderr + bad.stdout
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            emails = dict(conn.execute(select(UserRow.username, UserRow.email)).all())
    finally:
        engine.dispose()
    assert emails["hv"] == "hv@brackenfield.example" and "hw" not in emails
    assert emails["pat"] is None
