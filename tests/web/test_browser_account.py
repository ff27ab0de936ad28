"""In a real browser: a new account enrols its second factor after its password (the QR
code shown, the key read off the page, the first code confirms), then its account page and
the password form; axe-core finds no serious or critical violation on any of them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest

from joinedup.access import directory
from tests.access.conftest import PASSWORD
from tests.web.conftest import Web
from tests.web.test_browser import (
    CHROMIUM,
    _serious,
    expect,
    playwright_api,
    pytestmark,
    server,
)

__all__ = ["pytestmark", "server"]  # the browser test's skip marker and uvicorn fixture


@pytest.mark.sqlite_only("the browser test runs once, on SQLite")
def test_enrol_then_my_account(web: Web, server: str, tmp_path: Path) -> None:
    with web.store.door.session("admin", "administration") as s:
        directory.add_user(s, "new.one", "Social care", "social_worker", password=PASSWORD)
    shots = Path(os.environ.get("JOINEDUP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server}/sign-in")
        page.get_by_label("Username").fill("new.one")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        expect(page.get_by_role("heading", name="Set up your security code")).to_be_visible()
        qr = page.get_by_role("img", name="QR code to add new.one to your authenticator app")
        expect(qr).to_be_visible()
        assert qr.evaluate("i => i.complete && i.naturalWidth") > 100  # drawn, not blocked
        assert _serious(page) == []
        page.screenshot(path=shots / "enrol.png", full_page=True)
        key = page.locator("code.joinedup-secret").inner_text().replace(" ", "")
        page.get_by_label("Security code").fill(pyotp.TOTP(key).now())
        page.get_by_role("button", name="Confirm and sign in").click()
        page.get_by_label("Safeguarding").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="My work")).to_be_visible()

        page.get_by_role("link", name=re.compile("your account$")).click()
        expect(page.get_by_role("heading", name="Your account")).to_be_visible()
        expect(page.get_by_text("This session", exact=True)).to_be_visible()
        assert _serious(page) == []
        page.screenshot(path=shots / "account.png", full_page=True)
        page.get_by_role("link", name="Change your password").click()
        expect(page.get_by_label("Confirm new password")).to_be_visible()
        assert _serious(page) == []
        page.screenshot(path=shots / "password.png", full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e], errors
        browser.close()
