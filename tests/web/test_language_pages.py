"""The one language-check endpoint behind the concern form, the panel meeting's decision and
action, and the risk assessment's narrative and reasons (an HTMX partial, nothing stored)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.conftest import Web

TEMPLATES = Path(__file__).parents[2] / "src" / "joinedup" / "web" / "templates"
BLAMING = "She keeps putting herself at risk"


def _check(web: Web, token: str, field: str, data: dict[str, str]) -> str:
    answer = web.client.post(f"/language?field={field}", data=data, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    assert "<html" not in answer.text  # a fragment, not a page
    return str(answer.text)


def test_one_endpoint_checks_the_named_field_of_any_form(web: Web) -> None:
    for user in ("ref.one", "sw.one", "dpo.one"):  # every signed-in role may ask
        web.client.cookies.clear()
        web.sign_in(user)
        token = web.csrf("/account")
        for field in ("seen", "text", "description", "child_views", "reason_disclosure"):
            found = _check(web, token, field, {field: BLAMING, "other": "she was crying"})
            assert "may blame or judge the child" in found and "putting herself at risk" in found
        assert _check(web, token, "seen", {"seen": "she was crying"}).strip() == ""
        assert _check(web, token, "seen", {"other": BLAMING}).strip() == ""  # that field only


def test_field_names_that_are_not_texts_are_not_checked(web: Web) -> None:
    web.sign_in("sw.one")
    token = web.csrf("/account")
    assert _check(web, token, "csrf_token", {"csrf_token": token}).strip() == ""
    assert _check(web, token, "../seen", {"../seen": BLAMING}).strip() == ""
    assert "may blame" in _check(web, token, "text", {"text": BLAMING})  # the default name
    assert (
        "may blame"
        in web.client.post(
            "/language", data={"text": BLAMING}, headers={"X-CSRF-Token": token}
        ).text
    )


def test_without_the_token_or_signed_out_nothing_is_checked(web: Web) -> None:
    answer = web.client.post("/language?field=seen", data={"seen": BLAMING}, follow_redirects=False)
    assert answer.status_code == 303 and "/sign-in" in answer.headers["location"]
    web.sign_in("ref.one")
    refused = web.client.post("/language?field=seen", data={"seen": BLAMING})
    assert refused.status_code == 403


def test_every_form_with_the_check_posts_to_the_one_endpoint() -> None:
    posts = {
        name: re.findall(r'hx-post="([^"]*language[^"]*)"', (TEMPLATES / name).read_text())
        for name in ("concern_form.html", "panel_meeting.html", "assessment.html")
    }
    assert posts == {
        "concern_form.html": ["/language?field=seen"],
        "panel_meeting.html": ["/language?field=text", "/language?field=description"],
        "assessment.html": ["/language?field={{ name }}"],
    }
