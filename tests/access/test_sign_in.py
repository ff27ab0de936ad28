"""Sign-in: one refusal for every failure, lockout per account and per address (unknown
usernames locked the same way), and an audit row for each attempt and lockout."""

from __future__ import annotations

import pytest

from joinedup.access.identity import ACCOUNT_LIMIT, ADDRESS_LIMIT, REFUSAL, SignInRefused
from tests.access.conftest import PASSWORD, People, audit_rows
from tests.conftest import Store
from tests.store.chain import verify


def _refused(people: People, *args: str) -> str:
    with pytest.raises(SignInRefused) as refused:
        people.sign_in(*args)
    return str(refused.value)


def test_sign_in_with_password_and_code(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    user = people.sign_in("sw.one", PASSWORD, people.code(secret))
    assert user.username == "sw.one"
    ok = audit_rows(store, "sign_in")[-1]
    assert ok["actor_name"] == "sw.one" and ok["object_ids"] == [user.id]
    assert ok["detail"] == {"address": "10.0.0.1"} and ok["purpose"] == "authentication"
    assert verify(store).ok


def test_every_failure_gets_the_same_message(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    people.add("gone", role="referrer")
    messages = {
        _refused(people, "sw.one", "wrong password!!", people.code(secret)),
        _refused(people, "sw.one", PASSWORD, "000000" if people.code(secret) != "000000" else "1"),
        _refused(people, "nobody", PASSWORD, people.code(secret)),
        _refused(people, "joinedup-service", PASSWORD, people.code(secret)),
    }
    assert messages == {REFUSAL}
    reasons = [r["detail"]["reason"] for r in audit_rows(store, "sign_in")]
    assert reasons == ["wrong password", "wrong code", "unknown user", "service account"]
    assert all(r["actor_name"] == "unauthenticated" for r in audit_rows(store, "sign_in"))


def test_a_code_cannot_be_used_twice(people: People) -> None:
    secret = people.add("sw.one")
    code = people.code(secret)
    people.sign_in("sw.one", PASSWORD, code)
    people.clock.advance(seconds=5)
    _refused(people, "sw.one", PASSWORD, code)
    people.clock.advance(seconds=30)
    people.sign_in("sw.one", PASSWORD, people.code(secret))


def test_an_account_is_locked_after_five_failures(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    for i in range(ACCOUNT_LIMIT):
        _refused(people, "sw.one", f"wrong password {i}", people.code(secret), f"10.0.0.{i}")
        people.clock.advance(seconds=31)
    # the right password and code, from another address: still refused, same message
    assert _refused(people, "sw.one", PASSWORD, people.code(secret), "10.9.9.9") == REFUSAL
    lockouts = audit_rows(store, "lockout")
    assert len(lockouts) == 1 and lockouts[0]["object_type"] == "user"
    assert lockouts[0]["detail"] == {"username": "sw.one", "failures": ACCOUNT_LIMIT}
    assert audit_rows(store, "sign_in")[-1]["detail"]["reason"] == "locked"
    # 15 minutes after the last failure the account opens again
    people.clock.advance(minutes=15, seconds=1)
    assert people.sign_in("sw.one", PASSWORD, people.code(secret), "10.9.9.9").username == "sw.one"
    assert verify(store).ok


def test_an_unknown_username_locks_out_the_same_way(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    known, unknown = [], []
    for i in range(ACCOUNT_LIMIT + 1):
        known.append(_refused(people, "sw.one", f"wrong {i}", "123456", f"10.1.0.{i}"))
        unknown.append(_refused(people, "no.such.user", f"wrong {i}", "123456", f"10.2.0.{i}"))
    assert set(known) == set(unknown) == {REFUSAL}
    lockouts = audit_rows(store, "lockout")
    assert [r["detail"]["username"] for r in lockouts] == ["sw.one", "no.such.user"]
    assert lockouts[1]["object_ids"] == []
    people.clock.advance(seconds=31)
    _refused(people, "sw.one", PASSWORD, people.code(secret), "10.3.0.1")


def test_an_address_is_locked_after_twenty_failures(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    for i in range(ADDRESS_LIMIT):
        _refused(people, f"guess{i}", "wrong password", "123456", "192.0.2.7")
    assert _refused(people, "sw.one", PASSWORD, people.code(secret), "192.0.2.7") == REFUSAL
    address = [r for r in audit_rows(store, "lockout") if r["object_type"] == "address"]
    assert len(address) == 1 and address[0]["detail"]["address"] == "192.0.2.7"
    # the person is not locked out from elsewhere
    people.clock.advance(seconds=31)
    assert people.sign_in("sw.one", PASSWORD, people.code(secret), "198.51.100.1")


def test_a_success_clears_the_account_count(people: People) -> None:
    secret = people.add("sw.one")
    for i in range(ACCOUNT_LIMIT - 1):
        _refused(people, "sw.one", f"wrong {i}", people.code(secret))
    people.sign_in("sw.one", PASSWORD, people.code(secret))
    people.clock.advance(seconds=31)
    for i in range(ACCOUNT_LIMIT - 1):
        _refused(people, "sw.one", f"wrong again {i}", people.code(secret))
    people.clock.advance(seconds=31)
    assert people.sign_in("sw.one", PASSWORD, people.code(secret))


def test_an_account_without_second_factor_cannot_sign_in(store: Store, people: People) -> None:
    from joinedup.access import directory

    store.agency("Social care", "social_care")
    with store.door.session("admin", "administration") as s:
        directory.add_user(s, "no.code", "Social care", "social_worker", password=PASSWORD)
    assert _refused(people, "no.code", PASSWORD, "123456") == REFUSAL
    assert audit_rows(store, "sign_in")[-1]["detail"]["reason"] == "not enrolled"


def test_an_unknown_user_costs_the_same_checks(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    from joinedup.access import identity, totp

    secret = people.add("sw.one")
    calls: list[str] = []
    real_verify, real_step = identity.verify_password, totp.accepted_step

    def counting_verify(stored: str, password: str) -> bool:
        calls.append("password")
        return real_verify(stored, password)

    def counting_step(*args: object, **kwargs: object) -> int | None:
        calls.append("code")
        return real_step(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(identity, "verify_password", counting_verify)
    monkeypatch.setattr(totp, "accepted_step", counting_step)
    for username in ("sw.one", "no.such.user"):
        calls.clear()
        _refused(people, username, "wrong password!!", people.code(secret))
        assert calls == ["password", "code"], username


def test_a_username_with_a_nul_character_is_refused_and_recorded(
    store: Store, people: People
) -> None:
    secret = people.add("sw.one")
    assert _refused(people, "sw.\x00one", PASSWORD, people.code(secret), "10.0.\x000.9") == REFUSAL
    refused = audit_rows(store, "sign_in")[-1]["detail"]
    assert refused["username"] == "sw.\ufffdone" and refused["address"] == "10.0.\ufffd0.9"
    assert refused["reason"] == "unknown user"
