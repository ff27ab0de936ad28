"""The data protection officer's pages: the audit chain verified in the background with its
checkpoint and anchor; erasure requests recorded and decided with a reason."""

from __future__ import annotations

import time

from tests.web.conftest import Web
from tests.web.test_admin_pages import admin_web  # noqa: F401 (the fixture)


def test_the_chain_is_verified_in_the_background_and_its_status_shown(web: Web) -> None:
    web.sign_in("dpo.one")
    page = web.client.get("/audit/chain")
    assert page.status_code == 200 and "Last checkpoint" in page.text and "Anchor" in page.text
    started = web.client.post(
        "/audit/chain/verify", data={"csrf_token": web.csrf("/audit/chain")}, follow_redirects=False
    )
    assert started.status_code == 303
    deadline = time.monotonic() + 60
    while "hx-get" in (fragment := web.client.get("/audit/chain/status").text):
        assert time.monotonic() < deadline, "the verification did not end"
        time.sleep(0.2)
    assert "The audit chain is intact" in fragment and "dpo.one" in fragment
    assert "row " in web.client.get("/audit/chain").text  # the checkpoint's row


def test_an_erasure_request_is_recorded_and_decided_with_a_reason(web: Web) -> None:
    web.sign_in("dpo.one")
    aisha = web.persons["aisha"]
    token = web.csrf("/audit/erasure")
    recorded = web.client.post(
        "/audit/erasure",
        data={
            "person": aisha,
            "requester": "Her solicitor, on her behalf",
            "received_on": "2026-11-30",
            "grounds": "no_longer_necessary",
            "detail": "the matter is closed",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    page = web.client.get("/audit/erasure").text
    assert "Her solicitor" in page and "To decide" in page and "art. 17(1)(a)" in page
    request_id = page.split('action="/audit/erasure/')[1].split('"')[0]
    no_reason = web.client.post(
        f"/audit/erasure/{request_id}", data={"decision": "refuse", "csrf_token": token}
    )
    assert no_reason.status_code == 400 and "say why" in no_reason.text
    decided = web.client.post(
        f"/audit/erasure/{request_id}",
        data={
            "decision": "refuse",
            "reason": "kept under a legal obligation: child protection records (art. 17(3)(b))",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    page = web.client.get("/audit/erasure").text
    assert "Refused" in page and "legal obligation" in page and "To decide" not in page
    again = web.client.post(
        f"/audit/erasure/{request_id}",
        data={"decision": "erase", "reason": "changed my mind", "csrf_token": token},
    )
    assert again.status_code == 400 and "already decided" in again.text


def test_bad_requests_are_refused_with_a_message(web: Web) -> None:
    web.sign_in("dpo.one")
    token = web.csrf("/audit/erasure")
    base = {"person": "p1", "requester": "the person", "grounds": "objection", "csrf_token": token}
    for change, message in (
        ({"grounds": "because"}, "unknown grounds"),
        ({"requester": " "}, "who asked"),
        ({"received_on": "2099-01-01"}, "future"),
        ({"received_on": "30/11/2026"}, "YYYY-MM-DD"),
    ):
        answer = web.client.post("/audit/erasure", data={**base, **change})
        assert answer.status_code == 400 and message in answer.text, change


def test_others_reach_neither_page(admin_web: Web) -> None:  # noqa: F811
    web = admin_web  # an administrator reaches admin rows, but not erasure requests
    for path in ("/audit/chain", "/audit/erasure"):
        assert web.client.get(path).status_code == 404
    for username in ("an.one", "sw.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        for path in ("/audit/chain", "/audit/erasure"):
            assert web.client.get(path).status_code == 404
