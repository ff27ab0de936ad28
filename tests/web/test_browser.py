"""End to end in a real browser (Debian's chromium driven by Playwright) against a real
uvicorn server: sign in with the second factor, search a child by a misspelt name, open the
person page (events from three agencies in time order, the network table), open a source
record from the chronology and a vehicle from the network, sign out; axe-core finds no
serious or critical accessibility violation on the sign-in, search, person, record and
vehicle pages.

Screenshots go to ``$JOINEDUP_SCREENSHOTS`` when set (CI keeps that folder), else to the
test's temporary folder. Skipped, saying why, without chromium or Playwright.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.access.conftest import PASSWORD
from tests.web.conftest import Web

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
expect = playwright_api.expect  # assertions that wait (up to 5 s) for the page to settle
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run does)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web: Web) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port (SQLite only: one browser run)."""
    if not web.store.url.startswith("sqlite"):
        pytest.skip("the browser test runs once, on SQLite")
    from joinedup.web import create_app

    with _serve(create_app(web.rt.settings)) as url:
        yield url


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread of this process, on a free loopback port."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    started = time.monotonic()
    while not served.started:  # until it listens (it may be slow to start under load)
        if not thread.is_alive() or time.monotonic() - started > 60:
            pytest.fail(f"uvicorn did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        served.should_exit = True
        thread.join(timeout=10)


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.sqlite_only("the browser test runs once, on SQLite")
def test_sign_in_search_person_sign_out(web: Web, server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("JOINEDUP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server}/")
        assert page.url.startswith(f"{server}/sign-in")
        assert _serious(page) == []
        page.get_by_label("Username").fill("an.one")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Security code").fill(web.code("an.one"))
        page.screenshot(path=shots / "sign-in.png", full_page=True)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Analysis").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="My work")).to_be_visible()

        page.get_by_role("link", name="Search").click()
        page.get_by_label("Name, date of birth").fill("Ayesha Khan")
        page.get_by_role("button", name="Search").click()
        assert _serious(page) == []
        page.screenshot(path=shots / "search.png", full_page=True)
        page.get_by_role("link", name="Aisha Khan").first.click()

        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Aisha Khan"))
        rows = page.locator("#chronology ~ table tbody tr").all_inner_texts()
        if not rows:  # seen once in CI (an empty chronology): keep the page to find out why
            (shots / "person-empty-chronology.html").write_text(page.content(), encoding="utf-8")
        dates = [r.split("\t")[0].strip() for r in rows]
        assert dates == sorted(dates) and len(dates) == 3
        agencies = {r.split("\t")[1].strip() for r in rows}
        assert agencies == {"Police", "Social care", "Health"}
        expect(page.get_by_role("link", name="Muhammad Ali")).to_be_visible()  # network table
        page.locator("#network-picture canvas").first.wait_for(timeout=5000)  # and picture
        expect(page.locator("#network-picture")).to_be_visible()
        assert _serious(page) == []
        page.screenshot(path=shots / "person.png", full_page=True)

        page.locator("#chronology ~ table tbody tr a").first.click()  # its source record
        expect(page.get_by_role("heading", level=1)).to_have_text("Child CHID42")
        expect(page.get_by_role("link", name="Ayesha Khan")).to_be_visible()  # back to her
        assert _serious(page) == []
        page.screenshot(path=shots / "record.png", full_page=True)
        page.go_back()
        page.get_by_role("link", name="AB12CDE").click()  # two steps away, in the network
        expect(page.get_by_role("heading", level=1)).to_have_text("AB12CDE")
        expect(page.get_by_role("link", name="Muhammad Ali").first).to_be_visible()
        assert _serious(page) == []
        page.screenshot(path=shots / "vehicle.png", full_page=True)

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You have signed out")).to_be_visible()
        page.goto(f"{server}/people/{web.persons['aisha']}")
        assert page.url.startswith(f"{server}/sign-in")
        assert not [e for e in errors if "Content Security Policy" in e], errors
        browser.close()


@pytest.mark.sqlite_only("the browser test runs once, on SQLite")
def test_the_chronology_is_on_the_page_before_the_network_script_arrives(web: Web) -> None:
    """The cause of the empty chronology once seen in CI: the person page loaded Cytoscape.js
    (~400 KB) with a parser-blocking ``<script>`` placed before the chronology, so until the
    script arrived the page held its heading but no chronology yet. Under load the in-thread
    server (sharing this process with the test) serves it slowly; here it is held back for
    3 s on purpose. The scripts are deferred: the chronology is there with the heading."""
    from joinedup.web import create_app

    app = create_app(web.rt.settings)

    @app.middleware("http")
    async def slow_script(request: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        if request.url.path.startswith("/static/cytoscape/"):
            await asyncio.sleep(3)
        return await call_next(request)

    with _serve(app) as server, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{server}/")
        page.get_by_label("Username").fill("an.one")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Security code").fill(web.code("an.one"))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Analysis").check()
        page.get_by_role("button", name="Continue").click()
        page.goto(f"{server}/search?q=Ayesha+Khan")
        page.get_by_role("link", name="Aisha Khan").first.click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Aisha Khan")
        rows = page.locator("#chronology ~ table tbody tr").all_inner_texts()  # no waiting
        assert len(rows) == 3, rows
        page.locator("#network-picture canvas").first.wait_for(timeout=15000)  # drawn later
        browser.close()
