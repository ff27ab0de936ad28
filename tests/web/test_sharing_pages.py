"""Grants and sharing agreements in the browser: the data protection officer reviews and
approves those of their own agency; nobody else sees the page."""

from __future__ import annotations

from datetime import timedelta

from joinedup.access import directory
from joinedup.model.base import utcnow
from tests.web.conftest import Web


def _request_police_grant(web: Web) -> str:
    with web.store.door.session("admin", "administration") as s:
        grant = directory.add_grant(
            s,
            "sw.one",
            "Police",
            "safeguarding",
            "strategy discussion",
            utcnow() + timedelta(days=7),
        )
    return grant.id


def test_the_dpo_approves_a_grant_to_their_own_agency(web: Web) -> None:
    grant_id = _request_police_grant(web)
    web.sign_in("dpo.one")  # the police's data protection officer
    page = web.client.get("/sharing")
    assert page.status_code == 200
    assert "strategy discussion" in page.text and "Requested" in page.text
    assert f'action="/sharing/grants/{grant_id}"' in page.text
    assert page.text.count("Live") >= 2  # the analyst's grants to Social care and Health
    refused = web.client.post(
        f"/sharing/grants/{grant_id}",
        data={"decision": "approve", "note": "agreed", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    done = web.client.post(
        f"/sharing/grants/{grant_id}",
        data={
            "decision": "approve",
            "note": "agreed by the DI",
            "csrf_token": web.csrf("/sharing"),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = web.client.get("/sharing").text
    assert "Live by dpo.one: agreed by the DI" in after


def test_a_grant_cannot_be_decided_without_a_reason(web: Web) -> None:
    grant_id = _request_police_grant(web)
    web.sign_in("dpo.one")
    answer = web.client.post(
        f"/sharing/grants/{grant_id}",
        data={"decision": "approve", "note": " ", "csrf_token": web.csrf("/sharing")},
    )
    assert answer.status_code == 200 and "Say why you approve or refuse" in answer.text
    assert "Requested" in answer.text


def test_people_who_do_not_govern_access_do_not_see_the_page(web: Web) -> None:
    for username in ("ref.one", "sw.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        assert web.client.get("/sharing").status_code == 404
