"""Intelligence received: a concern a referrer sent reaches a recipient agency's page, is read
there and acknowledged; the referrer's page then shows it read; the data protection officer
neither reads it nor is offered it."""

from __future__ import annotations

import re

from tests.web.conftest import Web
from tests.web.test_concern_pages import _send


def _route_ids(html: str) -> list[str]:
    return re.findall(r'href="/intelligence/([^"]+)"', html)


def test_a_routed_concern_is_read_and_acknowledged_and_the_sender_sees_it(web: Web) -> None:
    web.sign_in("ref.one")
    location = _send(web, seen="Seen getting into a silver car after school, third time.")
    submission = location.split("?")[0]
    web.sign_in("sw.one")
    listed = web.client.get("/intelligence")
    assert listed.status_code == 200
    assert "Awaiting acknowledgement (1)" in listed.text and "Health" in listed.text
    [route_id] = _route_ids(listed.text)
    assert route_id in web.client.get("/").text  # My work links to it too
    shown = web.client.get(f"/intelligence/{route_id}")
    assert "Seen getting into a silver car after school" in shown.text
    done = web.client.post(
        f"/intelligence/{route_id}",
        data={
            "note": "Strategy discussion today",
            "csrf_token": web.csrf(f"/intelligence/{route_id}"),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("saved=1&warn=")
    assert "Acknowledged: Health can see" in web.client.get(done.headers["location"]).text
    after = web.client.get(f"/intelligence/{route_id}")
    assert "Strategy discussion today" in after.text  # the note, on the Read row
    assert 'action="/intelligence/' not in after.text  # no second acknowledgement form
    assert "Awaiting acknowledgement (1)" not in web.client.get("/intelligence").text
    web.sign_in("ref.one", steps_ahead=1)  # a code is good once
    assert "Read</strong>" in web.client.get(submission).text


def test_blaming_words_in_the_note_are_pointed_out_and_saved(web: Web) -> None:
    web.sign_in("ref.one")
    _send(web)
    web.sign_in("sw.one")
    [route_id] = _route_ids(web.client.get("/intelligence").text)
    done = web.client.post(
        f"/intelligence/{route_id}",
        data={
            "note": "She is putting herself at risk",
            "csrf_token": web.csrf(f"/intelligence/{route_id}"),
        },
        follow_redirects=False,
    )
    assert done.headers["location"].endswith("warn=1")
    assert "may blame or judge the child" in web.client.get(done.headers["location"]).text


def test_a_role_outside_the_recipients_neither_reads_it_nor_is_offered_it(web: Web) -> None:
    web.sign_in("ref.one")
    _send(web)
    web.sign_in("sw.one")
    [route_id] = _route_ids(web.client.get("/intelligence").text)
    web.sign_in("dpo.one")
    assert web.client.get(f"/intelligence/{route_id}").status_code == 404
    assert web.client.get("/intelligence").status_code == 404
    home = web.client.get("/").text
    assert "does not receive routed intelligence" in home
    assert 'href="/intelligence"' not in home  # not in the menu
