"""Fixtures of the identity tests: a movable clock, a keyring, the identity path, people."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from joinedup.access import accounts, totp
from joinedup.access.crypto import FieldCipher
from joinedup.access.identity import Attempt, SignInRefused, authenticate
from joinedup.access.keys import Keyring
from joinedup.store.identity import IdentityPath
from joinedup.store.tables.admin import UserRow
from tests.conftest import Store

PASSWORD = "correct horse battery staple"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the smallest cost: these tests hash and verify many times."""
    from argon2 import PasswordHasher

    from joinedup.access import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(passwords, "_HASHER", cheap)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 7, 9, 0, 5, tzinfo=UTC))


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))


@pytest.fixture
def path(store: Store, clock: Clock) -> IdentityPath:
    return IdentityPath(store.engine, store.key, store.door.advance, clock)


@dataclass
class People:
    """Creates enrolled users and signs them in."""

    store: Store
    path: IdentityPath
    cipher: FieldCipher
    clock: Clock

    def add(self, username: str, role: str = "social_worker", agency: str = "Social care") -> str:
        """A user with :data:`PASSWORD` and a second factor; returns the TOTP secret."""
        self.store.agency(agency, "social_care")
        from joinedup.access import directory

        with self.store.door.session("admin", "administration") as s:
            directory.add_user(s, username, agency, role, password=PASSWORD)
        with self.path.transaction() as tx:
            admin = accounts.administrator(tx, "admin")
            return accounts.enrol(tx, self.cipher, admin, username).secret

    def code(self, secret: str, steps: int = 0) -> str:
        """The code of ``secret`` now (or ``steps`` steps away)."""
        return totp.code_at(secret, self.clock.now + timedelta(seconds=30 * steps))

    def sign_in(
        self, username: str, password: str, code: str, address: str = "10.0.0.1"
    ) -> UserRow:
        """Authenticate, committing the attempt; raises :class:`SignInRefused`."""
        with self.path.transaction() as tx:
            user = authenticate(tx, self.cipher, Attempt(username, password, code, address))
        if user is None:
            raise SignInRefused()
        return user


@pytest.fixture
def people(store: Store, path: IdentityPath, cipher: FieldCipher, clock: Clock) -> People:
    return People(store, path, cipher, clock)


def audit_rows(store: Store, access: str | None = None) -> list[dict[str, Any]]:
    """Audit rows (every one, or those with ``access``), oldest first, detail parsed."""
    query = "SELECT * FROM audit_event ORDER BY seq"
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(query)).mappings()]
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
        row["object_ids"] = json.loads(row["object_ids"])
    return [r for r in rows if access is None or r["access"] == access]
