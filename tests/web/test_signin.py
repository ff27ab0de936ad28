"""Sign-in, the session's purpose, CSRF, expiry and sign-out through the pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from joinedup.access.identity import ACCOUNT_LIMIT
from joinedup.model.base import utcnow
from joinedup.store.tables.identity import UserSessionRow
from tests.access.conftest import PASSWORD
from tests.web.conftest import Web


def _attempt(web: Web, username: str, password: str, code: str) -> str:
    answer = web.client.post(
        "/sign-in",
        data={"username": username, "password": password, "code": code, "csrf_token": web.csrf()},
        follow_redirects=False,
    )
    assert answer.status_code in (303, 401)
    return answer.text if answer.status_code == 401 else "signed in"


def test_sign_in_page_has_the_three_labelled_fields(web: Web) -> None:
    page = web.client.get("/sign-in")
    assert page.status_code == 200
    for field, label in (
        ("username", "Username"),
        ("password", "Password"),
        ("code", "Security code"),
    ):
        assert f'<label class="govuk-label" for="{field}">{label}</label>' in page.text


def test_signed_out_pages_send_to_sign_in(web: Web) -> None:
    answer = web.client.get("/search?q=x", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/search")


def test_sign_in_then_purpose_then_my_work(web: Web) -> None:
    web.sign_in("sw.one", purpose=False)
    cookie = web.client.cookies.get("joinedup_session")
    assert cookie and len(cookie) >= 40
    assert web.client.get("/", follow_redirects=False).headers["location"] == "/purpose"
    chosen = web.client.post(
        "/purpose",
        data={"purpose": "safeguarding", "csrf_token": web.csrf("/purpose")},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    home = web.client.get("/")
    assert home.status_code == 200 and "My work" in home.text
    assert "Purpose: safeguarding" in home.text


def test_a_purpose_the_role_does_not_allow_is_refused(web: Web) -> None:
    web.sign_in("sw.one", purpose=False)
    refused = web.client.post(
        "/purpose", data={"purpose": "administration", "csrf_token": web.csrf("/purpose")}
    )
    assert refused.status_code == 400
    assert web.client.get("/", follow_redirects=False).headers["location"] == "/purpose"


def test_wrong_password_is_refused_with_one_message(web: Web) -> None:
    page = _attempt(web, "sw.one", "wrong password", web.code("sw.one"))
    assert "Sign-in refused" in page and "There is a problem" in page
    unknown = _attempt(web, "nobody", PASSWORD, "123456")
    assert "Sign-in refused" in unknown
    assert web.client.cookies.get("joinedup_session") is None


def test_lockout_after_repeated_failures(web: Web) -> None:
    for _ in range(ACCOUNT_LIMIT):
        _attempt(web, "sw.one", "wrong password", "000000")
    # now even the right password and code are refused, with the same message
    page = _attempt(web, "sw.one", PASSWORD, web.code("sw.one"))
    assert "paused after too many failures" in page


def test_csrf_token_is_required_on_every_form(web: Web) -> None:
    no_token = web.client.post(
        "/sign-in",
        data={"username": "sw.one", "password": PASSWORD, "code": web.code("sw.one")},
    )
    assert no_token.status_code == 400  # the field is missing: bad input, nothing done
    forged = web.client.post(
        "/sign-in",
        data={
            "username": "sw.one",
            "password": PASSWORD,
            "code": web.code("sw.one"),
            "csrf_token": "0" * 64,
        },
    )
    assert forged.status_code == 403 and "This form has expired" in forged.text
    web.sign_in("sw.one")
    out = web.client.post("/sign-out", data={"csrf_token": "forged"})
    assert out.status_code == 403
    assert web.client.get("/").status_code == 200  # still signed in


def test_sign_out_ends_the_session(web: Web) -> None:
    web.sign_in("sw.one")
    out = web.client.post("/sign-out", data={"csrf_token": web.csrf("/")}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in?signed_out=1"
    assert web.client.get("/", follow_redirects=False).status_code == 303


def test_an_idle_session_expires(web: Web) -> None:
    web.sign_in("sw.one")
    raw = web.client.cookies.get("joinedup_session")
    assert raw
    with web.store.engine.begin() as conn:
        conn.execute(update(UserSessionRow).values(last_seen_at=utcnow() - timedelta(minutes=16)))
    answer = web.client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and "expired=1" in answer.headers["location"]
    page = web.client.get(answer.headers["location"])
    assert "Your session has ended" in page.text


def test_next_never_leaves_the_site(web: Web) -> None:
    from joinedup.web.signin_pages import safe_next

    assert safe_next("/people/x") == "/people/x"
    for bad in ("//evil.example", "https://evil.example/", "\\\\evil", "", None):
        assert safe_next(bad) == "/"
