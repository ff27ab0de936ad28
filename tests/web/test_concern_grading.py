"""Police grading on the concern form: the 3x5x2 choices (with plain-words hints) for police
users only, stored on the submission and every route, shown to the submitter and to the
recipients; a grading half chosen is refused with a message."""

from __future__ import annotations

import re

from sqlalchemy import select

from joinedup.store.tables.cases import RouteRow, SubmissionRow
from tests.web.test_concern_pages import FORM, Web

GRADED = {"grade_source": "2", "grade_intelligence": "B", "grade_handling": "P"}


def test_police_users_see_the_grading_and_others_do_not(web: Web) -> None:
    web.sign_in("an.one")  # Police
    form = web.client.get("/concerns/new").text
    assert "Grading (3x5x2)" in form
    assert "Source evaluation 2: untested" in form
    assert "Intelligence E: suspected to be false or malicious" in form
    assert "Handling C: lawful sharing permitted subject to conditions" in form
    assert "The source saw or heard it themselves." in form  # a plain-words hint
    web.client.cookies.clear()
    web.sign_in("ref.one")  # Health
    assert "3x5x2" not in web.client.get("/concerns/new").text


def test_a_police_submission_carries_its_grading_to_every_recipient(web: Web) -> None:
    web.sign_in("an.one")
    sent = web.client.post(
        "/concerns",
        data={**FORM, **GRADED, "csrf_token": web.csrf("/concerns/new")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    status = web.client.get(sent.headers["location"]).text
    assert "Graded <strong>2-B-P</strong>" in status
    assert "Intelligence B: known indirectly to the source but corroborated" in status
    with web.store.engine.connect() as conn:
        assert conn.execute(select(SubmissionRow.grading)).scalars().all() == ["2-B-P"]
        routes = conn.execute(select(RouteRow.grading)).scalars().all()
    assert routes and set(routes) == {"2-B-P"}
    web.client.cookies.clear()
    web.sign_in("sw.one")  # Social care: a recipient
    assert "graded 2-B-P" in web.client.get("/").text
    received = web.client.get("/intelligence").text
    assert "graded 2-B-P" in received
    route = re.search(r'href="/intelligence/([^"]+)"', received)
    assert route
    shown = web.client.get(f"/intelligence/{route.group(1)}").text
    assert "Grading (3x5x2)" in shown and "Source evaluation 2: untested" in shown


def test_a_half_chosen_grading_is_refused_and_a_referrers_is_ignored(web: Web) -> None:
    web.sign_in("an.one")
    half = web.client.post(
        "/concerns",
        data={**FORM, "grade_source": "1", "csrf_token": web.csrf("/concerns/new")},
    )
    assert half.status_code == 200
    assert "Choose the intelligence assessment, or clear all three" in half.text
    web.client.cookies.clear()
    web.sign_in("ref.one")
    sent = web.client.post(
        "/concerns",
        data={**FORM, **GRADED, "csrf_token": web.csrf("/concerns/new")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with web.store.engine.connect() as conn:
        assert conn.execute(select(SubmissionRow.grading)).scalars().all() == [None]
