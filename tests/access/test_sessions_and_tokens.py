"""Server-side sessions (idle and absolute expiry, ended on deactivation and password change,
a user ends their other sessions) and personal access tokens (expiry, revocation, hashed at
rest), each event on the audit chain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from joinedup.access import accounts, sessions, tokens
from joinedup.store.identity import IdentityPath
from tests.access.conftest import PASSWORD, People, audit_rows
from tests.conftest import Store
from tests.store.chain import verify


def _session(people: People, username: str, secret: str) -> str:
    user = people.sign_in(username, PASSWORD, people.code(secret))
    with people.path.transaction() as tx:
        raw, info = sessions.create(tx, user, "web 10.0.0.1", purpose="safeguarding")
    assert info.purpose == "safeguarding" and info.user_id == user.id
    people.clock.advance(seconds=31)  # the next code is a new step
    return raw


def _touch(path: IdentityPath, raw: str) -> sessions.SessionInfo | None:
    with path.transaction() as tx:
        return sessions.touch(tx, raw)


def test_idle_timeout(store: Store, people: People) -> None:
    raw = _session(people, "sw.one", people.add("sw.one"))
    people.clock.advance(minutes=14)
    assert _touch(people.path, raw) is not None  # restarts the idle clock
    people.clock.advance(minutes=14)
    assert _touch(people.path, raw) is not None
    people.clock.advance(minutes=15)
    assert _touch(people.path, raw) is None
    assert _touch(people.path, raw) is None  # stays ended
    ended = audit_rows(store, "end")[-1]
    assert ended["detail"] == {"reason": "idle timeout"} and ended["actor_name"] == "system"


def test_a_check_without_extending_lets_the_idle_clock_run(store: Store, people: People) -> None:
    raw = _session(people, "sw.one", people.add("sw.one"))
    for _ in range(2):  # a background poll every 7 minutes
        people.clock.advance(minutes=7)
        with people.path.transaction() as tx:
            assert sessions.touch(tx, raw, extend=False) is not None
    people.clock.advance(minutes=7)  # 21 minutes since the session was used
    with people.path.transaction() as tx:
        assert sessions.touch(tx, raw, extend=False) is None
    assert audit_rows(store, "end")[-1]["detail"] == {"reason": "idle timeout"}


def test_absolute_timeout(store: Store, people: People) -> None:
    raw = _session(people, "sw.one", people.add("sw.one"))
    for _ in range(34):  # 7 h 56 min in use, never idle for 15 minutes
        people.clock.advance(minutes=14)
        assert _touch(people.path, raw) is not None
    people.clock.advance(minutes=14)
    assert _touch(people.path, raw) is None
    assert audit_rows(store, "end")[-1]["detail"] == {"reason": "absolute timeout"}


def test_sign_out_and_end_my_other_sessions(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    first, second, third = (_session(people, "sw.one", secret) for _ in range(3))
    with people.path.transaction() as tx:
        user = tx.user("sw.one")
        assert user is not None
        assert len(sessions.mine(tx, user.id)) == 3
        ended = sessions.end_others(tx, first)
    assert len(ended) == 2
    assert _touch(people.path, second) is None and _touch(people.path, third) is None
    assert _touch(people.path, first) is not None
    with people.path.transaction() as tx:
        assert sessions.end(tx, first)
        assert not sessions.end(tx, first)
    assert _touch(people.path, first) is None
    reasons = [r["detail"]["reason"] for r in audit_rows(store, "end")]
    assert reasons == ["ended by its user", "signed out"]
    assert verify(store).ok


def test_a_purpose_the_role_does_not_allow_is_refused(people: People) -> None:
    from joinedup.store.actor_session import Forbidden

    raw = _session(people, "sw.one", people.add("sw.one"))
    with people.path.transaction() as tx:
        assert sessions.choose_purpose(tx, raw, "panel") is not None
    with pytest.raises(Forbidden), people.path.transaction() as tx:
        sessions.choose_purpose(tx, raw, "administration")


def test_deactivation_ends_every_session_and_token(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    raw = _session(people, "sw.one", secret)
    with people.path.transaction() as tx:
        user = tx.user("sw.one")
        assert user is not None
        token, _ = tokens.create(tx, user, "script")
    with people.path.transaction() as tx:
        admin = accounts.administrator(tx, "admin")
        ended = accounts.deactivate(tx, admin, "sw.one", "left the partnership")
    assert len(ended.sessions) == 1 and len(ended.tokens) == 1
    assert _touch(people.path, raw) is None
    with people.path.transaction() as tx:
        assert tokens.resolve(tx, token) is None
    with pytest.raises(Exception, match="Sign-in refused"):
        people.sign_in("sw.one", PASSWORD, people.code(secret))
    deactivated = audit_rows(store, "deactivate")
    assert deactivated[0]["detail"] == {"reason": "left the partnership"}
    assert deactivated[0]["actor_name"] == "admin"
    assert deactivated[0]["purpose"] == "administration"
    assert audit_rows(store, "end")[-1]["detail"] == {"reason": "deactivated"}
    assert audit_rows(store, "revoke")[-1]["detail"] == {"reason": "deactivated"}
    assert verify(store).ok


def test_a_password_change_ends_every_session(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    raw = _session(people, "sw.one", secret)
    with people.path.transaction() as tx:
        user = tx.user("sw.one")
        assert user is not None
        assert accounts.change_password(tx, user, "not the password", "a new long password") is None
        ended = accounts.change_password(tx, user, PASSWORD, "a new long password")
    assert ended is not None and len(ended.sessions) == 1
    assert _touch(people.path, raw) is None
    assert people.sign_in("sw.one", "a new long password", people.code(secret))
    assert audit_rows(store, "end")[-1]["detail"] == {"reason": "password changed"}


def test_admin_password_reset(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    raw = _session(people, "sw.one", secret)
    with people.path.transaction() as tx:
        admin = accounts.administrator(tx, "admin")
        new_password, ended = accounts.reset_password(tx, admin, "sw.one")
    assert len(new_password) >= 20 and ended.sessions
    assert _touch(people.path, raw) is None
    with pytest.raises(Exception, match="Sign-in refused"):
        people.sign_in("sw.one", PASSWORD, people.code(secret))
    people.clock.advance(seconds=31)
    assert people.sign_in("sw.one", new_password, people.code(secret))
    assert audit_rows(store, "reset")[-1]["detail"] == {"what": "password"}
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM credential")).scalars().all()
    assert new_password not in " ".join(h or "" for h in stored)


def test_second_factor_reset_needs_enrolment_again(store: Store, people: People) -> None:
    secret = people.add("sw.one")
    with people.path.transaction() as tx:
        admin = accounts.administrator(tx, "admin")
        with pytest.raises(ValueError, match="already has a second factor"):
            accounts.enrol(tx, people.cipher, admin, "sw.one")
        accounts.reset_second_factor(tx, admin, "sw.one")
    with pytest.raises(Exception, match="Sign-in refused"):
        people.sign_in("sw.one", PASSWORD, people.code(secret))
    with people.path.transaction() as tx:
        admin = accounts.administrator(tx, "admin")
        fresh = accounts.enrol(tx, people.cipher, admin, "sw.one").secret
    assert fresh != secret
    people.clock.advance(seconds=31)
    assert people.sign_in("sw.one", PASSWORD, people.code(fresh))
    assert [r["detail"]["what"] for r in audit_rows(store, "enrol")] == ["second factor"] * 2
    with store.engine.connect() as conn:
        sealed = conn.execute(text("SELECT totp_secret FROM credential")).scalars().all()
    assert all(fresh not in (s or "") and secret not in (s or "") for s in sealed)


def test_only_an_administrator_administers_accounts(people: People) -> None:
    from joinedup.store.actor_session import Forbidden

    people.add("sw.one")
    with pytest.raises(Forbidden), people.path.transaction() as tx:
        accounts.administrator(tx, "sw.one")


def test_token_expiry_revocation_and_hash_at_rest(store: Store, people: People) -> None:
    people.add("sw.one")
    with people.path.transaction() as tx:
        user = tx.user("sw.one")
        assert user is not None
        with pytest.raises(ValueError, match="at most"):
            tokens.create(tx, user, "too long", timedelta(hours=8, seconds=1))
        token, info = tokens.create(tx, user, "script")
        short, _ = tokens.create(tx, user, "short", timedelta(minutes=5))
    assert token.startswith("jdp_") and len(token) > 40
    assert info.expires_at - info.created_at == timedelta(hours=8)
    with people.path.transaction() as tx:
        resolved = tokens.resolve(tx, token)
        assert resolved is not None and resolved[0].username == "sw.one"
        assert tokens.resolve(tx, token + "x") is None
        assert tokens.resolve(tx, "not-a-token") is None
    people.clock.advance(minutes=5)
    with people.path.transaction() as tx:
        assert tokens.resolve(tx, short) is None  # expired
        assert tokens.resolve(tx, token) is not None
        assert tokens.revoke_token(tx, token)
        assert tokens.resolve(tx, token) is None
        assert not tokens.revoke_token(tx, token)
    revoked = audit_rows(store, "revoke")
    assert revoked[-1]["object_ids"] == [info.id] and revoked[-1]["actor_name"] == "sw.one"
    issued = [r for r in audit_rows(store, "issue") if r["object_type"] == "access_token"]
    assert len(issued) == 2
    # neither token is anywhere in the database (every text column of every table)
    _assert_absent(store, [token, short, token.removeprefix("jdp_")])
    assert verify(store).ok


def _assert_absent(store: Store, needles: list[str]) -> None:
    from sqlalchemy import String, Text, inspect, or_, select

    from joinedup.store.tables import Base

    with store.engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            table = Base.metadata.tables.get(name)
            if table is None:
                continue
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            hits = conn.execute(
                select(table).where(or_(*(c.contains(n) for c in columns for n in needles)))
            ).all()
            assert hits == [], f"a token is stored in clear in {name}"
