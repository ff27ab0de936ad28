"""A small store for the web tests: three agencies, two children with records in them,
enrolled users of several roles, and a TestClient on the app; helpers to sign in."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient

from joinedup.access import directory
from joinedup.access.keys import Keyring, field_keyring_path
from joinedup.app import accounts
from joinedup.app.runtime import Runtime
from joinedup.model.base import utcnow
from joinedup.model.linkage import LinkageRun, PersonLink
from joinedup.model.records import SourceRecord
from joinedup.settings import Settings
from joinedup.web import create_app
from tests.access.conftest import PASSWORD, cheap_argon2  # noqa: F401 (autouse fixture)
from tests.conftest import Store

USERS = {
    # username: (role, agency, purpose)
    "an.one": ("analyst", "Police", "analysis"),
    "sw.one": ("social_worker", "Social care", "safeguarding"),
    "dpo.one": ("auditor", "Police", "audit"),
    "ref.one": ("referrer", "Health", "safeguarding"),
}
AGENCIES = {"Police": "police", "Social care": "social_care", "Health": "health"}
# (agency, record type, agency key, normalised); person "aisha" is in every agency
RECORDS = {
    "aisha": [
        (
            "Police",
            "person",
            "N0001",
            {
                "forename": "Aisha",
                "surname": "Khan",
                "date_of_birth": "2010-03-04",
                "postcode": "S60 1AB",
            },
        ),
        (
            "Police",
            "missing_episode",
            "M0007",
            {
                "forename": "Aisha",
                "surname": "Khan",
                "event_type": "missing_episode",
                "event_date": "2024-05-01",
            },
        ),
        (
            "Social care",
            "child",
            "CHID42",
            {
                "forename": "Ayesha",
                "surname": "Khan",
                "date_of_birth": "2010-03-04",
                "start_date": "2023-01-10",
            },
        ),
        (
            "Health",
            "attendance",
            "H-9",
            {
                "forename": "Aisha",
                "surname": "Khan",
                "nhs_number": "9434765919",
                "phone": "+447700900123",
                "event_date": "2024-02-02",
            },
        ),
    ],
    "mo": [
        (
            "Police",
            "person",
            "N0002",
            {
                "forename": "Muhammad",
                "surname": "Ali",
                "date_of_birth": "2009-01-01",
                "vrm": "AB12CDE",
                "phone": "+447700900123",
            },
        ),
    ],
}


@dataclass
class Web:
    """The app under test, the store behind it and the people in it."""

    store: Store
    rt: Runtime
    client: TestClient
    secrets: dict[str, str]
    persons: dict[str, str] = field(default_factory=dict)

    def code(self, username: str, steps_ahead: int = 0) -> str:
        """The user's security code now (or ``steps_ahead`` steps of 30 s later)."""
        return pyotp.TOTP(self.secrets[username]).at(time.time() + 30 * steps_ahead)

    def csrf(self, path: str = "/sign-in") -> str:
        """The CSRF token in the form of the page at ``path``."""
        page = self.client.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self, username: str, *, steps_ahead: int = 0, purpose: bool = True) -> None:
        """Sign in through the form (and choose the role's purpose)."""
        answer = self.client.post(
            "/sign-in",
            data={
                "username": username,
                "password": PASSWORD,
                "code": self.code(username, steps_ahead),
                "csrf_token": self.csrf(),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        if purpose:
            chosen = self.client.post(
                "/purpose",
                data={"purpose": USERS[username][2], "csrf_token": self.csrf("/purpose")},
                follow_redirects=False,
            )
            assert chosen.status_code == 303, chosen.text

    def token(self, username: str) -> str:
        """A personal access token from the API."""
        answer = self.client.post(
            "/api/v1/tokens",
            json={"username": username, "password": PASSWORD, "code": self.code(username)},
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["token"])


def _seed(store: Store) -> dict[str, str]:
    for name, kind in AGENCIES.items():
        store.agency(name, kind)
    persons = {}
    with store.door.session("joinedup-service", "data_ingest") as s:
        run = s.add(LinkageRun(agency_id=s.actor.agency_id, backend="test"))
        for person, rows in RECORDS.items():
            person_id = persons[person] = f"person-{person}-{secrets.token_hex(4)}"
            for agency, record_type, key, normalised in rows:
                agency_id = store.agencies[agency]
                record = s.add(
                    SourceRecord(
                        agency_id=agency_id,
                        record_type=record_type,
                        agency_key=key,
                        payload={"key": key},
                        normalised=normalised,
                    )
                )
                s.add(
                    PersonLink(
                        agency_id=agency_id, record_id=record.id, person_id=person_id, run_id=run.id
                    )
                )
    return persons


@pytest.fixture
def web(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """The app on a seeded store; every user enrolled with a second factor; the analyst
    holds grants to Social care's and Health's records (a CSE team's sharing agreement)."""
    # the store's own keyring: what its door encrypted (grant reasons, flag summaries) the
    # app must decrypt
    ring = Keyring.from_json(field_keyring_path(store.home).read_text(), where="store keyring")
    env = {
        "JOINEDUP_DATABASE_URL": store.url,
        "JOINEDUP_HOME": str(store.home),
        "JOINEDUP_AUDIT_KEY": store.key.hex(),
        "JOINEDUP_FIELD_KEYS": ring.to_json(),
        "JOINEDUP_ENV": "dev",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("JOINEDUP_TOKEN", raising=False)
    monkeypatch.delenv("JOINEDUP_USER", raising=False)
    persons = _seed(store)
    with store.door.session("admin", "administration") as s:
        for username, (role, agency, _) in USERS.items():
            directory.add_user(s, username, agency, role, password=PASSWORD)
    for agency in ("Social care", "Health"):  # approved by each agency's DPO
        store.grant("an.one", agency, "analysis", until=utcnow() + timedelta(days=30))
    rt = Runtime(Settings(store.url, store.home, None, "dev"))
    enrolled = {u: accounts.enrol_second_factor(rt, "admin", u).secret for u in USERS}
    with TestClient(create_app(rt.settings), base_url="http://testserver") as client:
        yield Web(store, rt, client, enrolled, persons)
