"""In a real browser, the working pages of three roles, each checked with axe-core (no
serious or critical violation): a referrer tells a concern (the language check appears as
she types) and sees where it went; a social worker acknowledges a flag; the data protection
officer reviews grants and agreements and compiles a subject access report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from joinedup.model.safeguarding import Flag
from tests.access.conftest import PASSWORD
from tests.web.conftest import USERS, Web
from tests.web.test_browser import (
    CHROMIUM,
    _serious,
    expect,
    playwright_api,
    pytestmark,
    server,
)

__all__ = ["pytestmark", "server"]  # the browser test's skip marker and uvicorn fixture


@contextmanager
def _signed_in(p: Any, web: Web, server: str, username: str) -> Iterator[Any]:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page()
    page.goto(f"{server}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Security code").fill(web.code(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(USERS[username][2].capitalize()).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    try:
        yield page
    finally:
        browser.close()


@pytest.mark.sqlite_only("the browser test runs once, on SQLite")
def test_referrer_social_worker_and_dpo_in_the_browser(
    web: Web, server: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("JOINEDUP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with web.store.door.session("joinedup-service", "safeguarding") as s:
        flag_id = s.add(
            Flag(
                agency_id=web.store.agencies["Social care"],
                rule_id="missing-no-return-interview",
                subject_type="child",
                subject_id=web.persons["aisha"],
                evidence={"summary": "Missing three times without a return interview"},
            )
        ).id
    with playwright_api.sync_playwright() as p:
        with _signed_in(p, web, server, "ref.one") as page:
            page.get_by_role("link", name="Concerns").click()
            page.get_by_role("button", name="Tell a concern").click()
            page.get_by_label("First name").fill("Aisha")
            page.get_by_label("Last name").fill("Khan")
            page.get_by_label("Day").fill("4")
            page.get_by_label("Month").fill("3")
            page.get_by_label("Year").fill("2010")
            page.get_by_label("What was seen or heard").fill("She is promiscuous, seen in a car")
            page.get_by_text("Some words may blame or judge the child").wait_for(timeout=10_000)
            assert _serious(page) == []
            page.screenshot(path=shots / "concern-form.png", full_page=True)
            page.get_by_role("button", name="Send the concern").click()
            expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
            expect(page.get_by_text("Not read yet").first).to_be_visible()
            assert _serious(page) == []
            page.screenshot(path=shots / "concern-sent.png", full_page=True)

        with _signed_in(p, web, server, "sw.one") as page:
            page.get_by_role("link", name="Missing three times without a return interview").click()
            page.get_by_label("Note (optional)").fill("Strategy discussion booked")
            assert _serious(page) == []
            page.get_by_role("button", name="Acknowledge").click()
            expect(page.get_by_text("The flag is acknowledged")).to_be_visible()
            page.screenshot(path=shots / "flag.png", full_page=True)
            assert f"/flags/{flag_id}" in page.url

        with _signed_in(p, web, server, "dpo.one") as page:
            page.get_by_role("link", name="Grants and agreements").click()
            heading = page.get_by_role("heading", name="Grants and sharing agreements")
            expect(heading).to_be_visible()
            assert _serious(page) == []
            page.screenshot(path=shots / "sharing.png", full_page=True)
            page.get_by_role("link", name="Who looked").click()
            page.locator("#sar-person").fill(web.persons["aisha"])
            page.get_by_role("button", name="Compile the report").click()
            expect(page.get_by_text("Subject access report (DPA 2018 s.45)")).to_be_visible()
            assert _serious(page) == []
            page.screenshot(path=shots / "subject-access.png", full_page=True)
