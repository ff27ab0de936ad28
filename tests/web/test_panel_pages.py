"""Panel meetings in the browser: the chair schedules, records attendance, opens (not before
the day), decides with the language check, records actions (not due before the meeting),
closes, and prints or downloads the minutes; members read; other roles see nothing."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from docx import Document
from sqlalchemy import select

from joinedup.store.tables.audit import AuditEventRow
from tests.web.conftest import Web
from tests.web.panel_world import PANEL, build_panel


def _post(web: Web, url: str, data: dict[str, str], page: str) -> str:
    answer = web.client.post(url, data={**data, "csrf_token": web.csrf(page)})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_chair_holds_a_meeting_from_agenda_to_minutes(web: Web) -> None:
    world = build_panel(web)
    world.sign_in_chair()
    listed = web.client.get("/panel")
    assert PANEL in listed.text and f"/panel/meetings/{world.meeting_id}" in listed.text
    assert "Schedule a meeting" in listed.text
    url = f"/panel/meetings/{world.meeting_id}"
    shown = web.client.get(url).text
    assert f'href="/people/{web.persons["aisha"]}"' in shown  # the child by name, linked
    assert "Aisha Khan" in shown and "Risk: Category 2 (opportunistic abuse)" in shown
    assert ">Open the meeting<" in shown and ">Save attendance<" in shown
    marked = _post(
        web, f"{url}/attendance", {"mark-chair.one": "attended", "mark-sw.one": "apologies"}, url
    )
    assert "Attendance is recorded" in marked
    opened = web.client.post(
        f"{url}/open", data={"csrf_token": web.csrf(url)}, follow_redirects=True
    ).text
    assert "The meeting is open" in opened
    assert ">Record the decision<" in opened and ">Close the meeting<" in opened
    warned = web.client.post(
        "/language?field=text",
        data={"text": "She keeps putting herself at risk"},
        headers={"X-CSRF-Token": web.csrf(url)},
    )
    assert "may blame or judge the child" in warned.text
    decided = _post(
        web,
        f"{url}/decisions",
        {"item_id": world.item_id, "text": "Strategy discussion; she is putting herself at risk"},
        url,
    )
    assert "The decision is recorded" in decided and "may blame or judge the child" in decided
    early = _post(
        web,
        f"{url}/actions",
        {"description": "Home visit", "owner": "sw.one", "due_on": "2000-01-01"},
        url,
    )
    assert "an action cannot be due before its meeting" in early
    due = (date.today() + timedelta(days=5)).isoformat()
    added = _post(
        web, f"{url}/actions", {"description": "Home visit", "owner": "sw.one", "due_on": due}, url
    )
    assert "The action is recorded" in added and "Home visit" in added and due in added
    closed = _post(web, f"{url}/close", {}, url)
    assert "The meeting is closed" in closed and ">Record the decision<" not in closed
    paper = web.client.get(f"{url}/minutes").text
    assert "OFFICIAL-SENSITIVE" in paper and "Sent apologies" in paper and "sw.one" in paper
    assert "Strategy discussion" in paper and "Home visit" in paper
    word = web.client.get(f"{url}/minutes.docx")
    assert word.status_code == 200 and "wordprocessingml" in word.headers["content-type"]
    assert word.headers["content-disposition"].endswith(f'minutes-{date.today()}.docx"')
    doc = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Attended: chair.one" in text and "Decision: Strategy discussion" in text
    with web.store.engine.connect() as conn:
        logged = conn.execute(
            select(AuditEventRow.object_type, AuditEventRow.object_ids).where(
                AuditEventRow.operation == "disclosure",
                AuditEventRow.access == "export",
                AuditEventRow.recipient == f"members of {PANEL}",
            )
        ).all()
    assert ("panel_meeting", [world.meeting_id]) in [(t, json.loads(i)) for t, i in logged]


def test_a_meeting_is_not_opened_before_its_day(web: Web) -> None:
    world = build_panel(web, date.today() + timedelta(days=7))
    world.sign_in_chair()
    url = f"/panel/meetings/{world.meeting_id}"
    shown = web.client.get(url).text
    assert ">Open the meeting<" not in shown and "not before" in shown
    refused = _post(web, f"{url}/open", {}, url)
    assert "a meeting cannot be opened before its date" in refused
    assert "Upcoming" in web.client.get(url).text


def test_members_read_the_meeting_without_running_it(web: Web) -> None:
    world = build_panel(web)
    web.sign_in("sw.one")
    url = f"/panel/meetings/{world.meeting_id}"
    shown = web.client.get(url)
    assert shown.status_code == 200
    assert "Ayesha Khan" in shown.text  # as her social worker's own record names her
    assert f'href="/people/{web.persons["aisha"]}"' in shown.text
    assert ">Open the meeting<" not in shown.text and "Save attendance" not in shown.text
    token = web.csrf(url)
    assert web.client.post(f"{url}/open", data={"csrf_token": token}).status_code == 404
    assert web.client.post(f"{url}/attendance", data={"csrf_token": token}).status_code == 404
    assert "Schedule a meeting" not in web.client.get("/panel").text


def test_roles_off_panels_and_outsiders_see_nothing(web: Web) -> None:
    world = build_panel(web)
    web.sign_in("ref.one")
    assert web.client.get("/panel").status_code == 404
    assert web.client.get(f"/panel/meetings/{world.meeting_id}").status_code == 404
    assert web.client.get("/actions").status_code == 404
