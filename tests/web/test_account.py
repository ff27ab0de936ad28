"""The account page (sessions, tokens), changing one's password, and enrolling a second
factor in the browser after the password."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pyotp
import pytest
from fastapi.testclient import TestClient

from joinedup.access import directory
from joinedup.access.identity import ACCOUNT_LIMIT, password_hash_of
from joinedup.access.passwords import verify_password
from joinedup.app import signin
from joinedup.app.signin import Attempt, identity_path
from tests.access.conftest import PASSWORD
from tests.web.conftest import Web

NEW_PASSWORD = "a different long passphrase"


def _other_session(web: Web, username: str) -> str:
    """A second session of ``username`` (another browser), with the next step's code."""
    attempt = Attempt(username, PASSWORD, web.code(username, steps_ahead=1), "10.9.8.7")
    raw, _ = signin.sign_in(web.rt, attempt, "web 10.9.8.7", purpose="safeguarding")
    return raw


def _live(web: Web, raw: str) -> bool:
    return signin.touch_session(web.rt, raw) is not None


def _form_csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found
    return found.group(1)


def test_the_account_page_lists_my_sessions_and_marks_this_one(web: Web) -> None:
    web.sign_in("sw.one")
    other = _other_session(web, "sw.one")
    page = web.client.get("/account")
    assert page.status_code == 200
    assert page.text.count("This session") == 1
    assert "10.9.8.7" in page.text and "testclient" in page.text
    assert len(re.findall(r'action="/account/sessions/[^"/]+/end"', page.text)) == 1  # the other
    assert 'action="/sign-out"' in page.text  # this one: sign out
    assert other not in page.text  # never a session's secret
    assert page.headers["cache-control"] == "no-store"


def test_ending_another_session_needs_the_csrf_token(web: Web) -> None:
    web.sign_in("sw.one")
    other = _other_session(web, "sw.one")
    page = web.client.get("/account").text
    path = re.search(r'action="(/account/sessions/[^"/]+/end)"', page)
    assert path
    forged = web.client.post(path.group(1), data={"csrf_token": "forged"})
    assert forged.status_code == 403 and _live(web, other)
    ended = web.client.post(
        path.group(1), data={"csrf_token": _form_csrf(page)}, follow_redirects=False
    )
    assert ended.status_code == 303 and not _live(web, other)
    assert "The session has ended" in web.client.get(ended.headers["location"]).text
    assert web.client.get("/").status_code == 200  # this one goes on


def test_end_all_my_other_sessions(web: Web) -> None:
    web.sign_in("sw.one")
    other = _other_session(web, "sw.one")
    theirs = _other_session(web, "an.one")
    page = web.client.get("/account").text
    assert "End all your other sessions" in page
    done = web.client.post("/account/sessions/end-others", data={"csrf_token": _form_csrf(page)})
    assert done.status_code == 200 and "Your other sessions have ended" in done.text
    assert not _live(web, other) and _live(web, theirs)
    assert "End all your other sessions" not in done.text  # only this one is left
    assert web.client.get("/").status_code == 200


def test_nobody_ends_a_session_of_someone_else(web: Web) -> None:
    theirs = _other_session(web, "an.one")
    web.sign_in("sw.one")
    own = web.client.get("/account").text
    assert "/account/sessions/" not in own  # only this session: nothing to end
    info = signin.touch_session(web.rt, theirs)
    assert info is not None
    answer = web.client.post(
        f"/account/sessions/{info.id}/end",
        data={"csrf_token": _form_csrf(own)},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and _live(web, theirs)


def _token(web: Web, username: str) -> str:
    """A token made with the previous step's code (a code is accepted once)."""
    attempt = Attempt(username, PASSWORD, web.code(username, steps_ahead=-1), "10.2.2.2")
    return signin.create_token(web.rt, attempt, label="script").token


def test_tokens_are_listed_and_revoked_from_the_account_page(web: Web) -> None:
    token = _token(web, "sw.one")
    auth = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/v1/people?q=Khan", headers=auth).status_code == 200
    web.sign_in("sw.one")
    page = web.client.get("/account").text
    assert "Your personal access tokens" in page and token not in page
    path = re.search(r'action="(/account/tokens/[^"]+/revoke)"', page)
    assert path
    done = web.client.post(path.group(1), data={"csrf_token": _form_csrf(page)})
    assert done.status_code == 200 and "The token is revoked" in done.text
    assert "You have no live tokens" in done.text
    assert web.client.get("/api/v1/people?q=Khan", headers=auth).status_code == 401


def test_changing_the_password_ends_the_other_sessions(web: Web) -> None:
    token = _token(web, "sw.one")
    web.sign_in("sw.one")
    old_cookie = web.client.cookies.get("joinedup_session")
    assert old_cookie
    other = _other_session(web, "sw.one")
    csrf = web.csrf("/account/password")
    changed = web.client.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    fresh = changed.cookies.get("joinedup_session")
    assert fresh and fresh != old_cookie
    assert not _live(web, other) and not _live(web, old_cookie)
    page = web.client.get(changed.headers["location"])
    assert page.status_code == 200 and "Your password is changed" in page.text
    assert "Purpose: safeguarding" in page.text  # the new session keeps the purpose
    auth = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/v1/people?q=Khan", headers=auth).status_code == 401
    with identity_path(web.rt).transaction() as tx:
        user = tx.user("sw.one")
        assert user is not None
        stored = password_hash_of(user, tx.credential(user.id))
    assert stored and verify_password(stored, NEW_PASSWORD)
    assert not verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong password here", NEW_PASSWORD, NEW_PASSWORD, "current password is not right"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "same new password twice"),
        (PASSWORD, "short", "short", "at least 12 characters"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    web: Web, current: str, new: str, again: str, message: str
) -> None:
    web.sign_in("sw.one")
    other = _other_session(web, "sw.one")
    csrf = web.csrf("/account/password")
    answer = web.client.post(
        "/account/password",
        data={"current": current, "new": new, "again": again, "csrf_token": csrf},
    )
    assert answer.status_code == 400 and message in answer.text
    assert "There is a problem" in answer.text
    assert _live(web, other) and web.client.get("/").status_code == 200


def test_guessing_the_current_password_is_paused_like_sign_in(web: Web) -> None:
    web.sign_in("sw.one")
    csrf = web.csrf("/account/password")
    form = {"new": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf_token": csrf}
    for _ in range(ACCOUNT_LIMIT):  # each wrong guess is checked, and counted
        answer = web.client.post("/account/password", data={"current": "a wrong guess!", **form})
        assert "current password is not right" in answer.text
    # now even the right one is not checked, as sign-in is paused for the account
    paused = web.client.post("/account/password", data={"current": PASSWORD, **form})
    assert paused.status_code == 400 and "paused" in paused.text


def _new_user(web: Web, username: str) -> None:
    with web.store.door.session("admin", "administration") as s:
        directory.add_user(s, username, "Social care", "social_worker", password=PASSWORD)


def _password_only(client: TestClient, web: Web, username: str) -> None:
    page = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": _form_csrf(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/enrol")


def test_an_account_without_a_second_factor_enrols_after_its_password(web: Web) -> None:
    _new_user(web, "new.sw")
    _password_only(web.client, web, "new.sw")
    assert web.client.cookies.get("joinedup_session") is None
    page = web.client.get("/enrol")
    assert page.status_code == 200 and "Set up your security code" in page.text
    qr = re.search(r'<img class="joinedup-qr" src="(data:image/svg\+xml[^"]+)"', page.text)
    assert qr and "<svg" in unquote(qr.group(1))
    secret = re.search(r'<code class="joinedup-secret">([A-Z2-7 ]+)</code>', page.text)
    assert secret
    key = secret.group(1).replace(" ", "")
    assert web.client.get("/enrol").text.count(secret.group(1)) == 1  # a reload: the same key
    # the enrolment session opens no other page, and a wrong code enrols nothing
    web.client.cookies.set("joinedup_session", web.client.cookies.get("joinedup_enrol") or "")
    assert web.client.get("/", follow_redirects=False).status_code == 303
    web.client.cookies.delete("joinedup_session")
    csrf = _form_csrf(page.text)
    wrong = web.client.post("/enrol", data={"code": "000000", "csrf_token": csrf})
    assert wrong.status_code == 400 and "Enter the 6-digit code" in wrong.text
    code = pyotp.TOTP(key).now()
    done = web.client.post(
        "/enrol", data={"code": code, "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/purpose")
    chosen = web.client.post(
        "/purpose",
        data={"purpose": "safeguarding", "csrf_token": web.csrf("/purpose")},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert web.client.get("/").status_code == 200
    sessions = web.client.get("/account").text
    assert "web testclient" in sessions and "enrolment" not in sessions
    # from now on the password alone is refused: the code is needed
    web.client.cookies.clear()
    page = web.client.get("/sign-in")
    refused = web.client.post(
        "/sign-in",
        data={"username": "new.sw", "password": PASSWORD, "csrf_token": _form_csrf(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    later = pyotp.TOTP(key).at(time.time() + 30)
    assert signin.sign_in(web.rt, Attempt("new.sw", PASSWORD, later, "10.1.1.1"), "web")


def test_enrolment_needs_the_right_password_and_its_own_csrf_token(web: Web) -> None:
    _new_user(web, "new.two")
    page = web.client.get("/sign-in")
    wrong = web.client.post(
        "/sign-in",
        data={
            "username": "new.two",
            "password": "not the password",
            "csrf_token": _form_csrf(page.text),
        },
    )
    assert wrong.status_code == 401 and web.client.cookies.get("joinedup_enrol") is None
    _password_only(web.client, web, "new.two")
    forged = web.client.post("/enrol", data={"code": "123456", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert web.client.get("/enrol", follow_redirects=False).status_code == 200
    web.client.cookies.clear()
    assert (
        web.client.get("/enrol", follow_redirects=False).headers["location"].startswith("/sign-in")
    )


def test_an_api_token_is_refused_until_enrolment(web: Web) -> None:
    _new_user(web, "new.three")
    answer = web.client.post(
        "/api/v1/tokens", json={"username": "new.three", "password": PASSWORD, "code": "123456"}
    )
    assert answer.status_code == 401
