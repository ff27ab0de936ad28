"""Notifications in the browser: the header link on every page (its count polled by HTMX in
a polite live region), the page listing them, marking read."""

from __future__ import annotations

import re

from sqlalchemy import select

from joinedup.app.notifications import my_notifications
from joinedup.store.tables.audit import AuditEventRow
from tests.app.notification_world import SW, build
from tests.web.conftest import Web


def test_the_header_links_to_notifications_and_polls_the_count(web: Web) -> None:
    build(web)
    web.sign_in("sw.one")
    home = web.client.get("/")
    link = re.search(r'<a [^>]*href="/notifications">Notifications<span ([^>]*)>', home.text)
    assert link, "no notifications link in the header"
    assert 'aria-live="polite"' in link.group(1)
    assert 'hx-get="/notifications/count"' in link.group(1) and "every 60s" in link.group(1)
    count = web.client.get("/notifications/count", headers={"HX-Request": "true"})
    assert count.status_code == 200
    assert re.sub(r"<[^>]+>", "", count.text).strip() == "(6 unread)"
    assert "<html" not in count.text  # a fragment, not a page


def test_the_page_lists_them_and_marks_them_read(web: Web) -> None:
    world = build(web)
    web.sign_in("sw.one")
    page = web.client.get("/notifications")
    assert page.status_code == 200
    assert page.text.count(">New</strong>") == 6
    assert "waiting for your agency to acknowledge it" in page.text
    flag = world.flags["social care"]
    assert f'href="/flags/{flag}"' in page.text
    assert "Aisha" not in page.text and "Ayesha" not in page.text
    token = web.csrf("/notifications")
    one = web.client.post("/notifications/read", data={"key": f"flag:{flag}", "csrf_token": token})
    assert one.status_code == 200 and one.text.count(">New</strong>") == 5
    assert "(5<" in web.client.get("/notifications/count").text
    polled = web.client.get("/notifications", headers={"HX-Request": "true"})
    assert 'id="notification-list"' in polled.text and "<html" not in polled.text
    web.client.post("/notifications/read", data={"csrf_token": token})
    assert web.client.get("/notifications").text.count(">New</strong>") == 0
    assert web.client.get("/notifications/count").text.strip() == ""
    assert all(n.read for n in my_notifications(SW))


def test_marking_read_needs_the_csrf_token(web: Web) -> None:
    build(web, escalate=False)
    web.sign_in("sw.one")
    refused = web.client.post("/notifications/read", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert not any(n.read for n in my_notifications(SW))


def test_nothing_waiting(web: Web) -> None:
    web.sign_in("dpo.one")
    assert "Nothing is waiting for you." in web.client.get("/notifications").text
    assert web.client.get("/notifications/count").text.strip() == ""


def _audit_rows(web: Web, actor: str) -> list[tuple[str, ...]]:
    """``actor``'s audit rows in order (the search index's warm-up scan at start-up is the
    service account's and may land at any moment)."""
    with web.store.engine.connect() as conn:
        rows = conn.execute(
            select(AuditEventRow.operation, AuditEventRow.access, AuditEventRow.object_type)
            .where(AuditEventRow.actor_name == actor)
            .order_by(AuditEventRow.seq)
        ).all()
    return [tuple(r) for r in rows]


def test_polling_the_count_writes_no_audit_row_but_the_page_is_audited(web: Web) -> None:
    """The header's count of one's own notifications discloses no personal data, so the
    poll (every minute on every open page) is not in the s.62 log; the page that lists what
    is waiting is (docs/security.md)."""
    build(web)
    web.sign_in("sw.one")
    before = len(_audit_rows(web, "sw.one"))
    for _ in range(3):
        count = web.client.get("/notifications/count", headers={"HX-Request": "true"})
        assert "(6 unread)" in re.sub(r"<[^>]+>", "", count.text)
    assert _audit_rows(web, "sw.one")[before:] == []
    web.client.get("/notifications")
    listed = _audit_rows(web, "sw.one")[before:]
    assert {("consultation", "scan", t) for t in ("intelligence_route", "flag", "action")} <= set(
        listed
    )
