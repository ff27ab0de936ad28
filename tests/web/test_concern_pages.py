"""The concern form: a referrer names a child (match or no match, nothing else), says what
was seen, is warned about blaming language, and follows who has read it."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.web.conftest import Web

FORM = {
    "forename": "Aisha",
    "surname": "Khan",
    "born_day": "4",
    "born_month": "3",
    "born_year": "2010",
    "seen": "Picked up outside school by an adult man in a silver car, third time this month.",
    "when": "Friday 15:20",
    "where": "Outside the school gates",
    "vehicles": "YX61 ABC",
    "phones": "",
    "people": "A man in his thirties",
    "urgency": "urgent",
}


def _send(web: Web, **changes: str) -> str:
    answer = web.client.post(
        "/concerns",
        data={**FORM, **changes, "csrf_token": web.csrf("/concerns/new")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_a_referrer_sends_a_concern_about_a_known_child_and_sees_who_read_it(web: Web) -> None:
    web.sign_in("ref.one")
    location = _send(web)
    assert location.endswith("?match=one")
    page = web.client.get(location)
    assert "known to the partnership" in page.text
    assert "Not read yet" in page.text
    assert page.text.count('<tr class="govuk-table__row">') >= 2  # header + recipients
    submission_id = re.search(r"/concerns/([^?]+)", location).group(1)  # type: ignore[union-attr]
    partial = web.client.get(f"/concerns/{submission_id}/routes")
    assert partial.status_code == 200 and "<html" not in partial.text
    listed = web.client.get("/concerns").text
    assert f"/concerns/{submission_id}" in listed
    with web.store.engine.connect() as conn:
        matched = conn.execute(
            text(
                "SELECT count(*) FROM audit_event "
                "WHERE on_behalf_of IS NOT NULL AND access = 'elevate'"
            )
        ).scalar()
    assert matched and matched >= 2  # the match and the routing, each on the referrer's behalf


def test_a_child_the_partnership_does_not_know_is_no_match(web: Web) -> None:
    web.sign_in("ref.one")
    assert _send(web, forename="Nobody", surname="Known").endswith("?match=none")


def test_what_was_seen_is_required_and_a_bad_date_is_named(web: Web) -> None:
    web.sign_in("ref.one")
    answer = web.client.post(
        "/concerns",
        data={**FORM, "seen": " ", "born_month": "13", "csrf_token": web.csrf("/concerns/new")},
    )
    assert "Say what was seen or heard" in answer.text
    assert "Enter a real date of birth" in answer.text


def test_language_that_blames_the_child_is_shown_as_one_types(web: Web) -> None:
    web.sign_in("ref.one")
    token = web.csrf("/concerns/new")
    found = web.client.post(
        "/language?field=seen",
        data={"seen": "she is promiscuous"},
        headers={"X-CSRF-Token": token},
    )
    assert found.status_code == 200 and "promiscuous" in found.text and "Instead" in found.text
    clean = web.client.post(
        "/language?field=seen", data={"seen": "she was crying"}, headers={"X-CSRF-Token": token}
    )
    assert clean.text.strip() == ""
    assert web.client.post("/language?field=seen", data={"seen": "x"}).status_code == 403


def test_nobody_else_sees_a_referrers_concern(web: Web) -> None:
    web.sign_in("ref.one")
    location = _send(web).split("?")[0]
    web.client.cookies.clear()
    web.sign_in("sw.one")
    assert web.client.get(location).status_code == 404
