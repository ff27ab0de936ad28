"""On the demonstration's store, in a real browser, on SQLite and PostgreSQL: a teacher tells
a concern about a child seen getting into a private hire car (the language check warns as she
types, and she rewords it), sees where it went; the licensing officer it went to reads and
acknowledges it; the teacher's page then shows it read. Every page passes axe-core (no
serious or critical violation)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.demo_site import DemoSite, demo_site, pytestmark, serious

__all__ = ["demo_site", "pytestmark"]

BLAMING = "She is promiscuous and keeps going off with older men"
SEEN = "Seen being picked up by an adult man in a private hire car outside the gates"


def test_teacher_tells_a_concern_and_licensing_acknowledges_it(demo_site: DemoSite) -> None:
    with demo_site.signed_in("demo-teacher") as page:
        expect(page.get_by_role("heading", name="My work")).to_be_visible()
        page.get_by_role("link", name="Concerns").click()
        page.get_by_role("button", name="Tell a concern").click()
        page.get_by_label("First name").fill("Ellie")
        page.get_by_label("Last name").fill("Illingworth")
        page.get_by_label("What was seen or heard").fill(BLAMING)
        warning = page.get_by_text("Some words may blame or judge the child")
        warning.wait_for(timeout=10_000)
        page.get_by_label("What was seen or heard").fill(SEEN)  # she rewords it
        warning.wait_for(state="detached", timeout=10_000)
        page.get_by_label("Vehicle registrations").fill("DU51 XYZ")
        page.get_by_label("Where").fill("Outside the school gates")
        assert serious(page) == []
        demo_site.shot(page, "referrer-concern-form")
        page.get_by_role("button", name="Send the concern").click()
        expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
        waiting = page.get_by_text("Not read yet")
        assert waiting.count() >= 1
        expect(page.get_by_role("cell", name="Dunmere licensing (synthetic)")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "referrer-concern-sent", doc=True)
        sent = page.url

    with demo_site.signed_in("demo-licensing") as page:
        page.get_by_role("link", name="Intelligence received").click()
        assert serious(page) == []
        page.get_by_role("link", name="Dunmere education (synthetic)").first.click()
        expect(page.get_by_text(SEEN)).to_be_visible()
        page.get_by_label("Note (optional): what you will do").fill("Driver and vehicle checked")
        assert serious(page) == []
        demo_site.shot(page, "licensing-intelligence", doc=True)
        page.get_by_role("button", name="Acknowledge").click()
        expect(
            page.get_by_text("Acknowledged: Dunmere education (synthetic) can see")
        ).to_be_visible()

    with demo_site.signed_in("demo-teacher") as page:
        page.goto(sent.split("?")[0])
        row = page.get_by_role("row").filter(has_text="Dunmere licensing (synthetic)")
        assert "Read" in row.inner_text()


def test_a_police_user_grades_a_concern_and_social_care_sees_the_grading(
    demo_site: DemoSite,
) -> None:
    with demo_site.signed_in("demo-analyst") as page:
        page.goto(f"{demo_site.url}/concerns/new")
        page.get_by_label("First name").fill("Ellie")
        page.get_by_label("Last name").fill("Illingworth")
        page.get_by_label("What was seen or heard").fill(
            "A source reports an adult man collecting her from the children's home at night"
        )
        page.locator("#grade-source-2").check()
        page.locator("#grade-intelligence-B").check()
        page.locator("#grade-handling-P").check()
        assert serious(page) == []
        page.get_by_role("heading", name="Grading (3x5x2)").scroll_into_view_if_needed()
        demo_site.shot(page, "police-grading", doc=True)
        page.get_by_role("button", name="Send the concern").click()
        expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()

    with demo_site.signed_in("demo-social-worker") as page:
        page.get_by_role("link", name="Intelligence received").click()
        expect(page.get_by_text("graded 2-B-P").first).to_be_visible()
        assert serious(page) == []
