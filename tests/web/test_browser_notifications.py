"""In a real browser: the header's notification count appears after the page loads (HTMX)
in a polite live region, the notifications page lists them and marks one read; axe-core
finds no serious or critical violation on either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.notification_world import build
from tests.web.conftest import Web
from tests.web.test_browser import _serious, expect, playwright_api, pytestmark, server
from tests.web.test_browser_roles import _signed_in

__all__ = ["pytestmark", "server"]  # the browser test's skip marker and uvicorn fixture


@pytest.mark.sqlite_only("the browser test runs once, on SQLite")
def test_the_header_count_and_the_notifications_page(web: Web, server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("JOINEDUP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    build(web)
    with playwright_api.sync_playwright() as p, _signed_in(p, web, server, "sw.one") as page:
        count = page.locator("#notification-count")
        count.get_by_text("6", exact=False).wait_for(timeout=10_000)
        assert count.get_attribute("aria-live") == "polite"
        assert "(6 unread)" in (count.text_content() or "")
        assert _serious(page) == []
        page.get_by_role("link", name="Notifications").click()
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
        expect(page.locator(".govuk-tag", has_text="New")).to_have_count(6)
        assert _serious(page) == []
        page.screenshot(path=shots / "notifications.png", full_page=True)
        page.get_by_role("button", name="Mark as read").first.click()
        expect(page.locator(".govuk-tag", has_text="New")).to_have_count(5)
        page.locator("#notification-count").get_by_text("5", exact=False).wait_for(timeout=10_000)
