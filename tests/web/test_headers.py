"""Security headers on every response; no-store on every page with personal data; errors
are pages, never tracebacks."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web

PATHS = [
    "/sign-in",
    "/",
    "/search?q=Khan",
    "/people/nobody",
    "/audit",
    "/nowhere",
    "/api/v1/people?q=x",
    "/api/v1/openapi.json",
    "/static/joinedup.css",
]


@pytest.mark.parametrize("signed_in", [False, True])
def test_headers_on_every_response(web: Web, signed_in: bool) -> None:
    if signed_in:
        web.sign_in("an.one")
    for path in PATHS:
        answer = web.client.get(path, follow_redirects=False)
        headers = answer.headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        if not path.startswith("/static/"):
            assert headers["cache-control"] == "no-store", path


def test_session_cookie_flags(web: Web) -> None:
    web.sign_in("sw.one", purpose=False)
    # the sign-in response's Set-Cookie: HttpOnly and SameSite=Lax (Secure and __Host- only
    # over HTTPS: see test_https_cookie_is_host_prefixed_and_secure)
    cookie = next(c for c in web.client.cookies.jar if c.name == "joinedup_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert str(cookie.get_nonstandard_attr("SameSite")).lower() == "lax"


def test_https_cookie_is_host_prefixed_and_secure(web: Web) -> None:
    from fastapi.testclient import TestClient

    from joinedup.web import create_app

    with TestClient(create_app(web.rt.settings), base_url="https://testserver") as client:
        page = client.get("/sign-in")
        set_cookie = page.headers["set-cookie"]
        assert set_cookie.startswith("__Host-joinedup_signin=")
        assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "Path=/" in set_cookie


def test_not_found_is_a_page_not_a_traceback(web: Web) -> None:
    web.sign_in("sw.one")
    answer = web.client.get("/people/does-not-exist")
    assert answer.status_code == 404
    assert "Page not found" in answer.text and "Traceback" not in answer.text


def test_bad_input_is_a_page(web: Web) -> None:
    web.sign_in("dpo.one")
    answer = web.client.get("/audit?user=an.one&since=yesterday")
    assert answer.status_code == 200 and "Enter dates as YYYY-MM-DD" in answer.text
