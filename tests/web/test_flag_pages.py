"""A flag in the browser: the child by name, why, the records; acknowledge and resolve."""

from __future__ import annotations

from joinedup.model.safeguarding import Flag
from tests.web.conftest import Web


def _flag(web: Web) -> str:
    with web.store.door.session("joinedup-service", "safeguarding") as s:
        return s.add(
            Flag(
                agency_id=web.store.agencies["Social care"],
                rule_id="missing-no-return-interview",
                subject_type="child",
                subject_id=web.persons["aisha"],
                evidence={
                    "summary": "Missing three times without a return interview",
                    "severity": "high",
                    "details": {"indicators": {"missing_episodes": "3 missing episodes"}},
                    "records": [],
                    "history": [],
                },
            )
        ).id


def test_a_social_worker_acknowledges_then_resolves_a_flag(web: Web) -> None:
    flag_id = _flag(web)
    web.sign_in("sw.one")
    page = web.client.get(f"/flags/{flag_id}")
    assert page.status_code == 200
    assert "Ayesha Khan" in page.text  # as social care's record names her
    assert "Missing three times" in page.text
    assert "3 missing episodes" in page.text and ">Acknowledge<" in page.text
    assert f'href="/flags/{flag_id}"' in web.client.get("/").text  # linked from My work
    token = web.csrf(f"/flags/{flag_id}")
    done = web.client.post(
        f"/flags/{flag_id}",
        data={
            "action": "acknowledge",
            "note": "seen; strategy discussion booked",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "The flag is acknowledged" in done.text and "strategy discussion booked" in done.text
    no_reason = web.client.post(
        f"/flags/{flag_id}", data={"action": "resolve", "note": "", "csrf_token": token}
    )
    assert "Say why the flag is resolved" in no_reason.text
    resolved = web.client.post(
        f"/flags/{flag_id}",
        data={"action": "resolve", "note": "return interview held on 3 March", "csrf_token": token},
        follow_redirects=True,
    )
    assert "The flag is resolved" in resolved.text and ">Resolve<" not in resolved.text


def test_language_that_blames_the_child_is_pointed_out_not_refused(web: Web) -> None:
    flag_id = _flag(web)
    web.sign_in("sw.one")
    answer = web.client.post(
        f"/flags/{flag_id}",
        data={
            "action": "acknowledge",
            "note": "she is putting herself at risk and is promiscuous",
            "csrf_token": web.csrf(f"/flags/{flag_id}"),
        },
        follow_redirects=True,
    )
    assert "The flag is acknowledged" in answer.text
    assert "may blame or judge the child" in answer.text


def test_a_referrer_cannot_reach_a_flag(web: Web) -> None:
    flag_id = _flag(web)
    web.sign_in("ref.one")
    assert web.client.get(f"/flags/{flag_id}").status_code == 404
