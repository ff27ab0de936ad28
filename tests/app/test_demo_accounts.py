"""The demonstration's accounts: each gets a password and a second factor, written to an
owner-only CSV with the documented header, and each can sign in with what it says."""

from __future__ import annotations

import csv
import secrets
import stat

import pytest

from joinedup.access.keys import Keyring
from joinedup.access.totp import DEV_SECRET, code_at
from joinedup.app import signin
from joinedup.app.demo_accounts import CSV_HEADER, issue_credentials, write_credentials
from joinedup.app.runtime import Runtime
from joinedup.model.base import utcnow
from joinedup.settings import Settings
from tests.access.conftest import cheap_argon2  # noqa: F401 (autouse fixture)
from tests.conftest import Store


@pytest.mark.parametrize("environment", ["dev", "production"])
def test_each_demo_account_signs_in_with_what_the_file_says(
    store: Store, monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    ring = Keyring(active="k1", keys={"k1": secrets.token_bytes(32)})
    monkeypatch.setenv("JOINEDUP_FIELD_KEYS", ring.to_json())
    monkeypatch.setenv("JOINEDUP_AUDIT_KEY", store.key.hex())
    store.agency("Police", "police")
    store.user("demo-analyst", "Police", "analyst")
    rt = Runtime(Settings(store.url, store.home, None, environment))
    issued = issue_credentials(rt, "admin", ["demo-analyst", "admin"])
    path = write_credentials(store.home / "demo-accounts.csv", issued)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "username,role,agency,password,totp_secret"
    rows = list(csv.DictReader(lines))
    assert [r["username"] for r in rows] == ["demo-analyst", "admin"]
    assert rows[0]["role"] == "analyst" and rows[0]["agency"] == "Police"
    assert tuple(rows[0]) == CSV_HEADER
    known = {r["totp_secret"] == DEV_SECRET for r in rows}
    assert known == {environment == "dev"}
    assert len({r["password"] for r in rows}) == 2
    for row in rows:
        code = code_at(row["totp_secret"], utcnow())
        attempt = signin.Attempt(row["username"], row["password"], code, "127.0.0.1")
        raw, _ = signin.sign_in(rt, attempt, "test")
        assert raw
    # a second run issues new passwords: the old ones no longer sign in
    again = issue_credentials(rt, "admin", ["demo-analyst"])
    assert again[0].password != rows[0]["password"]
