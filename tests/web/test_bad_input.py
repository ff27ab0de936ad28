"""Input no store can keep: a NUL character anywhere in a web address is bad input (400,
the error page or the problem body), and in a sign-in field a refusal; never a 500 (on
PostgreSQL it was, found by the API fuzzing)."""

from __future__ import annotations

import re

from tests.access.conftest import PASSWORD
from tests.web.conftest import Web

PAGES = (
    "/search?q=a%00b",
    "/audit?user=a%00b",
    "/audit?reference=a%00b",
    "/people/a%00b",
    "/purpose?next=/a%00b",
)
API = ("/api/v1/people?q=a%00b", "/api/v1/people/a%00b", "/api/v1/flags?status=a%00b")


def test_a_nul_character_in_a_web_address_is_bad_input(web: Web) -> None:
    token = web.token("dpo.one")
    web.sign_in("dpo.one", steps_ahead=1)
    for url in PAGES:
        answer = web.client.get(url, follow_redirects=False)
        assert answer.status_code == 400, url
        assert "There is a problem with what you entered" in answer.text
    for url in API:
        answer = web.client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 400, url
        assert answer.json()["error"] == "There is a problem with what you entered"
    assert web.client.get("/search?q=Khan").status_code == 200  # the rest goes on


def test_a_nul_character_in_sign_in_fields_is_a_refusal(web: Web) -> None:
    page = web.client.get("/sign-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    form = {"username": "sw.\x00one", "password": PASSWORD, "code": "123456"}
    answer = web.client.post("/sign-in", data={**form, "csrf_token": csrf.group(1)})
    assert answer.status_code == 401 and "Sign-in refused" in answer.text
    api = web.client.post("/api/v1/tokens", json=form)
    assert api.status_code == 401
