"""On the demonstration's store, in a real browser, on SQLite and PostgreSQL: a teacher tells
a concern about a child (the language check warns as she types), sees where it went; the
licensing officer it went to reads and acknowledges it; the teacher's page then shows it
read. Every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from tests.web.demo_site import DemoSite, demo_site, pytestmark, serious

__all__ = ["demo_site", "pytestmark"]


def test_teacher_tells_a_concern_and_licensing_acknowledges_it(demo_site: DemoSite) -> None:
    with demo_site.signed_in("demo-teacher") as page:
        assert page.get_by_role("heading", name="My work").is_visible()
        page.get_by_role("link", name="Concerns").click()
        assert serious(page) == []
        demo_site.shot(page, "referrer-concerns")
