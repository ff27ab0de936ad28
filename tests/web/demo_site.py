"""The demonstration's store, served, for each role's walk in a real browser (issue 17).

``joinedup demo`` runs **once per test run and backend** (SQLite, and PostgreSQL where it
answers; required in CI), under a lock shared by the xdist workers; every test module that
uses :func:`demo_site` gets its **own copy** of that store (a copied file and home folder,
or ``CREATE DATABASE ... TEMPLATE``), served by ``joinedup serve`` in a subprocess on a free
loopback port, so a module may change what it likes. The demo accounts are those the demo
prints (``demo-analyst``, ``demo-social-worker``, ``demo-chair``, ``demo-teacher``,
``demo-licensing``, ``demo-dpo``, ``demo-ig-police``, ``demo-admin``), with their passwords
and second-factor keys read from the copy's ``demo-accounts.csv``.

In a browser test module::

    from tests.web.demo_site import demo_site, pytestmark, serious  # noqa: F401

    def test_chair_runs_the_meeting(demo_site: DemoSite) -> None:
        with demo_site.signed_in("demo-chair") as page:
            page.get_by_role("link", name="Panel").click()
            assert serious(page) == []
            demo_site.shot(page, "panel-meetings")

``demo_site`` is module-scoped and parametrised by backend, so each test runs on both.
Screenshots go to ``$JOINEDUP_SCREENSHOTS`` (CI keeps that folder) or a temporary folder,
named ``<backend>-<name>.png``; ``shot(page, name, doc=True)`` also refreshes the user
guide's picture ``docs/images/<name>.jpg`` when run with ``JOINEDUP_DOC_IMAGES=docs/images``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import make_url

from tests.cli.helpers import cli_env, run_cli
from tests.conftest import REQUIRE_PG, _postgres_problem
from tests.web.demo_run import copy_demo, pg_execute
from tests.web.test_browser import CHROMIUM, _free_port, _serious, playwright_api, pytestmark

__all__ = ["CHROMIUM", "DemoSite", "demo_site", "playwright_api", "pytestmark", "serious"]

# the purpose each demo account chooses after signing in (the label on the purpose page)
PURPOSES = {
    "demo-admin": "Administration",
    "demo-analyst": "Analysis",
    "demo-social-worker": "Safeguarding",
    "demo-dpo": "Audit",
    "demo-ig-police": "Audit",
    "demo-chair": "Panel",
    "demo-teacher": "Safeguarding",
    "demo-licensing": "Safeguarding",
}
serious = _serious
# a page may take a while on a loaded machine: checks of what it shows wait up to 30 s
expect.set_options(timeout=30_000)


@dataclass
class Account:
    """A demo account as the demo printed it."""

    username: str
    role: str
    agency: str
    password: str
    secret: str


@dataclass
class DemoSite:
    """A served copy of the demonstration store."""

    backend: str
    url: str  # the server, http://127.0.0.1:PORT
    db_url: str
    home: Path
    shots: Path
    accounts: dict[str, Account]
    browser: Any  # one chromium per module; each sign-in gets its own context (cookies)
    _last_step: dict[str, int] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """The environment of a CLI run on this copy."""
        return cli_env(self.db_url, self.home)

    def cli(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """``joinedup ARGS`` on this copy (add ``--as USER`` to act as someone)."""
        return run_cli(self.env, *args, ok=ok)

    def code(self, username: str) -> str:
        """A security code for ``username`` not used before (waits when the window is spent:
        a code is accepted once, within one step either side of the server's now)."""
        totp = pyotp.TOTP(self.accounts[username].secret)
        while True:
            now = int(time.time()) // 30
            last = self._last_step.get(username, now - 1)
            # never the step before now: the server may already be a step further on
            step = max(now, last + 1)
            if step <= now + 1:
                self._last_step[username] = step
                return totp.generate_otp(step)
            time.sleep(1)

    def sign_in(self, page: Any, username: str, purpose: str | None = None) -> None:
        """Sign ``username`` in on ``page`` and choose the purpose (the role's usual one)."""
        account = self.accounts[username]
        page.goto(f"{self.url}/sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(account.password)
        page.get_by_label("Security code").fill(self.code(username))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label(purpose or PURPOSES[username], exact=True).check()
        page.get_by_role("button", name="Continue").click()

    @contextmanager
    def signed_in(self, username: str, purpose: str | None = None) -> Iterator[Any]:
        """A fresh browser context and page with ``username`` signed in (closed afterwards):
        nothing carries over from an earlier sign-in (cookies, storage)."""
        context = self.browser.new_context(viewport={"width": 1000, "height": 800})
        try:
            page = context.new_page()
            self.sign_in(page, username, purpose)
            yield page
        finally:
            context.close()

    def shot(self, page: Any, name: str, *, doc: bool = False) -> Path:
        """A full-page screenshot, kept as ``<backend>-<name>.png``. With ``doc``, the
        user guide's picture of the page too: when ``JOINEDUP_DOC_IMAGES`` names a folder
        (``docs/images``), the SQLite run writes ``<name>.jpg`` there (the visible part at
        1000 px, JPEG quality 60: small enough to commit)."""
        path = self.shots / f"{self.backend}-{name}.png"
        page.screenshot(path=path, full_page=True)
        docs = os.environ.get("JOINEDUP_DOC_IMAGES")
        if doc and docs and self.backend == "sqlite":
            page.screenshot(path=Path(docs) / f"{name}.jpg", type="jpeg", quality=60)
        return path


def _accounts(home: Path) -> dict[str, Account]:
    with open(home / "demo-accounts.csv", newline="", encoding="utf-8") as handle:
        return {
            row["username"]: Account(
                row["username"], row["role"], row["agency"], row["password"], row["totp_secret"]
            )
            for row in csv.DictReader(handle)
        }


@contextmanager
def _served(env: dict[str, str], log: Path) -> Iterator[str]:
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "joinedup", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                if proc.poll() is not None:
                    raise AssertionError(f"joinedup serve stopped:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def demo_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSite]:
    """A served private copy of the demonstration store, on each backend."""
    backend = request.param
    if backend == "postgresql" and (problem := _postgres_problem()):
        if REQUIRE_PG:
            pytest.fail(problem)
        pytest.skip(problem)
    into = tmp_path_factory.mktemp(f"site-{backend}")
    db_url, home = copy_demo(backend, into)
    shots = Path(os.environ.get("JOINEDUP_SCREENSHOTS") or into / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    env = cli_env(db_url, home)
    try:
        with _served(env, into / "serve.log") as url, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                yield DemoSite(backend, url, db_url, home, shots, _accounts(home), browser)
            finally:
                browser.close()
    finally:
        if backend == "postgresql":
            pg_execute(f'DROP DATABASE IF EXISTS "{make_url(db_url).database}" WITH (FORCE)')
