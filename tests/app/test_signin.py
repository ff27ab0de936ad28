"""The sign-in use cases the web and the CLI stand on: a session signed in, touched and
signed out; who a command acts as in dev and in production; the dev-only known secret."""

from __future__ import annotations

import secrets

import pyotp
import pytest

from joinedup.access import directory
from joinedup.access.identity import Attempt
from joinedup.access.keys import Keyring
from joinedup.access.totp import DEV_SECRET
from joinedup.app import accounts, signin
from joinedup.app.runtime import Runtime
from joinedup.settings import SERVICE_ACCOUNT, Settings
from joinedup.store.actor_session import Forbidden
from tests.access.conftest import PASSWORD, cheap_argon2  # noqa: F401 (autouse fixture)
from tests.conftest import Store


def _settings(store: Store, environment: str = "dev", **kw: str | None) -> Settings:
    return Settings(store.url, store.home, kw.get("user"), environment, token=kw.get("token"))


@pytest.fixture
def rt(store: Store, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("JOINEDUP_AUDIT_KEY", store.key.hex())
    ring = Keyring(active="k1", keys={"k1": secrets.token_bytes(32)})
    monkeypatch.setenv("JOINEDUP_FIELD_KEYS", ring.to_json())
    store.agency("Social care", "social_care")
    with store.door.session("admin", "administration") as s:
        directory.add_user(s, "sw.one", "Social care", "social_worker", password=PASSWORD)
    return Runtime(_settings(store))


def test_a_web_session_signed_in_touched_and_signed_out(rt: Runtime) -> None:
    secret = accounts.enrol_second_factor(rt, "admin", "sw.one").secret
    attempt = Attempt("sw.one", PASSWORD, pyotp.TOTP(secret).now(), "127.0.0.1")
    raw, info = signin.sign_in(rt, attempt, "web 127.0.0.1", purpose="safeguarding")
    assert info.purpose == "safeguarding" and raw not in info.id
    touched = signin.touch_session(rt, raw)
    assert touched is not None and touched.id == info.id
    chosen = signin.choose_purpose(rt, raw, "panel")
    assert chosen is not None and chosen.purpose == "panel"
    with pytest.raises(Forbidden):
        signin.choose_purpose(rt, raw, "administration")
    assert [s.id for s in signin.my_sessions(rt, raw)] == [info.id]
    assert signin.end_my_other_sessions(rt, raw) == []
    assert signin.sign_out(rt, raw)
    assert signin.my_sessions(rt, raw) == []
    assert signin.touch_session(rt, raw) is None
    with pytest.raises(signin.SignInRefused):
        signin.sign_in(rt, attempt, "web 127.0.0.1")  # the same code again


def test_who_a_command_acts_as(store: Store, rt: Runtime) -> None:
    dev = signin.cli_identity(_settings(store, user="sw.one"), None)
    assert (dev.username, dev.authenticated) == ("sw.one", False)
    assert dev.origin == "cli, not authenticated (JOINEDUP_USER or --as)"
    with pytest.raises(signin.NoActorNamed):
        signin.cli_identity(_settings(store), None)
    with pytest.raises(signin.NeedsToken, match="JOINEDUP_TOKEN"):
        signin.cli_identity(_settings(store, "production", user="sw.one"), None)
    service = signin.cli_identity(_settings(store, "production"), None, service_default=True)
    assert service.username == SERVICE_ACCOUNT

    secret = accounts.enrol_second_factor(rt, "admin", "sw.one").secret
    attempt = Attempt("sw.one", PASSWORD, pyotp.TOTP(secret).now(), "127.0.0.1")
    issued = signin.create_token(rt, attempt)
    held = signin.cli_identity(_settings(store, "production", token=issued.token), None)
    assert (held.username, held.authenticated) == ("sw.one", True)
    assert held.origin == f"cli, token {issued.id}"
    assert not signin.revoke_token_by_id(rt, "joinedup-service", issued.id)  # not theirs
    assert signin.revoke_token_by_id(rt, "admin", issued.id)
    with pytest.raises(signin.NeedsToken, match="not a live token"):
        signin.cli_identity(_settings(store, "production", token=issued.token), None)


def test_the_known_secret_is_for_dev_only(store: Store, rt: Runtime) -> None:
    production = Runtime(_settings(store, "production"))
    with pytest.raises(ValueError, match="JOINEDUP_ENV=dev"):
        accounts.enrol_second_factor(production, "admin", "sw.one", known_secret=True)
    enrolment = accounts.enrol_second_factor(rt, "admin", "sw.one", known_secret=True)
    assert enrolment.secret == DEV_SECRET and f"secret={DEV_SECRET}" in enrolment.uri
