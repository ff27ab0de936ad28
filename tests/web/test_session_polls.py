"""Background polls (the header's notification count, a concern's routes, a run's progress)
need a live session but never restart its idle clock: a tab left open still times out, and the
page is then taken to sign-in. A page the person opens restarts it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select, update

from joinedup.store.tables.identity import UserSessionRow
from joinedup.web.auth import POLLED_BY_HTMX, POLLS
from tests.web.conftest import Web
from tests.web.test_matrix import app_routes

TEMPLATES = Path(__file__).parents[2] / "src/joinedup/web/templates"
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/concerns/abc?x=1"}


def _later(web: Web, minutes: int) -> None:
    """As if ``minutes`` passed: the session's clocks (start and last use) moved back."""
    step = timedelta(minutes=minutes)
    with web.store.engine.begin() as conn:
        started, seen = conn.execute(
            select(UserSessionRow.created_at, UserSessionRow.last_seen_at)
        ).one()
        conn.execute(
            update(UserSessionRow).values(created_at=started - step, last_seen_at=seen - step)
        )


def _ended_reason(web: Web) -> str | None:
    with web.store.engine.begin() as conn:
        return conn.execute(select(UserSessionRow.ended_reason)).scalar_one()


def test_polling_past_the_idle_limit_ends_the_session(web: Web) -> None:
    web.sign_in("sw.one")
    for _ in range(2):  # 12 minutes, a poll every 6 (the count and the polled list)
        _later(web, 6)
        assert web.client.get("/notifications/count", headers=HTMX).status_code == 200
        assert web.client.get("/notifications", headers=HTMX).status_code == 200
    _later(web, 6)  # 18 minutes since the person last did anything
    polled = web.client.get("/notifications/count", headers=HTMX, follow_redirects=False)
    assert polled.status_code == 401 and polled.text == ""
    assert polled.headers["HX-Redirect"] == "/sign-in?next=/concerns/abc&expired=1"
    assert _ended_reason(web) == "idle timeout"
    page = web.client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")


def test_a_page_the_person_opens_restarts_the_idle_clock(web: Web) -> None:
    web.sign_in("sw.one")
    for _ in range(3):  # 18 minutes, a page opened every 6
        _later(web, 6)
        assert web.client.get("/notifications", follow_redirects=False).status_code == 200
    assert web.client.get("/notifications/count", headers=HTMX).status_code == 200
    assert _ended_reason(web) is None


def test_every_polling_template_polls_a_listed_route(web: Web) -> None:
    app = web.client.app
    assert isinstance(app, FastAPI)
    gets = {p for m, p in app_routes(app) if m == "GET"}
    assert gets >= POLLS | POLLED_BY_HTMX
    polled = set()
    for template in TEMPLATES.glob("*.html"):
        for tag in re.findall(r"<[^>]*hx-trigger=\"[^\"]*every [^>]*>", template.read_text()):
            url = re.search(r'hx-get="([^"?]+)', tag)
            assert url, f"{template.name}: a poll without hx-get"
            polled.add(re.sub(r"\{\{[^}]*\}\}", "{}", url.group(1)))
    listed = {re.sub(r"\{[^}]*\}", "{}", p) for p in POLLS | POLLED_BY_HTMX}
    assert polled and polled <= listed, f"polled but not listed as polls: {polled - listed}"
