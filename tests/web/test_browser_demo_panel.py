"""On the demonstration's store, in a real browser, on SQLite and PostgreSQL: the panel chair
finds the demo's MASE meeting (held and closed by the demo) with its agenda, decision and
action; schedules next week's meeting (it cannot be opened before its day); records
yesterday's meeting: generates its agenda, records attendance and apologies, opens it, types a
decision (the language check warns as she types), records an action (refused when due before
the meeting), closes it, prints the minutes and downloads them as a Word document; then the
actions tracker. Every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from docx import Document
from playwright.sync_api import expect

from tests.web.demo_site import DemoSite, demo_site, pytestmark, serious

__all__ = ["demo_site", "pytestmark"]

PANEL = "Dunmere MASE (synthetic)"
TODAY = date.today()


def test_the_chair_runs_a_meeting_from_agenda_to_word_minutes(demo_site: DemoSite) -> None:
    with demo_site.signed_in("demo-chair") as page:
        page.get_by_role("link", name="Panel", exact=True).click()
        expect(page.get_by_role("heading", name="Panel meetings")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "panel-meetings")
        # the demo's meeting: held today and closed, with its generated agenda
        page.get_by_role("link", name=TODAY.strftime("%-d %B %Y")).click()
        expect(page.get_by_text("Closed", exact=True).first).to_be_visible()
        assert page.locator(".joinedup-agenda > li").count() > 0
        assert page.locator(".joinedup-agenda a[href^='/people/']").count() > 0  # by name
        expect(page.get_by_text("Strategy discussion within 2 working days").first).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "panel-demo-meeting")

        # next week's meeting cannot be opened yet
        page.get_by_role("link", name="Panel", exact=True).click()
        page.get_by_label("Date of the meeting").fill((TODAY + timedelta(days=7)).isoformat())
        page.get_by_role("button", name="Schedule the meeting").click()
        expect(page.get_by_text("The meeting is scheduled")).to_be_visible()
        assert page.get_by_role("button", name="Open the meeting").count() == 0
        expect(page.get_by_text("not before")).to_be_visible()

        # yesterday's meeting, recorded from its agenda to its minutes
        held = TODAY - timedelta(days=1)
        page.get_by_role("link", name="Panel", exact=True).click()
        page.get_by_label("Date of the meeting").fill(held.isoformat())
        page.get_by_role("button", name="Schedule the meeting").click()
        page.get_by_role("button", name="Generate the agenda").click()
        expect(page.get_by_text("The agenda is generated")).to_be_visible()
        assert page.locator(".joinedup-agenda > li").count() > 0
        page.get_by_label("Attended").first.check()  # the first member
        page.get_by_label("Sent apologies").nth(1).check()
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance is recorded")).to_be_visible()
        page.get_by_role("button", name="Open the meeting").click()
        expect(page.get_by_text("The meeting is open")).to_be_visible()
        page.get_by_label("Decision", exact=True).fill(
            "Strategy discussion; she keeps putting herself at risk"
        )
        warning = page.locator("#decision-language")
        warning.get_by_text("may blame or judge the child").wait_for()
        assert serious(page) == []
        demo_site.shot(page, "panel-meeting-open")
        warning.scroll_into_view_if_needed()  # the user guide's picture: the warning in view
        demo_site.shot(page, "panel-chair", doc=True)
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("The decision is recorded")).to_be_visible()
        page.get_by_label("What is to be done").fill("Convene the strategy discussion")
        page.get_by_label("Owner").select_option("demo-social-worker")
        page.get_by_label("Due by").fill((held - timedelta(days=2)).isoformat())
        page.get_by_role("button", name="Record the action").click()
        expect(page.get_by_text("an action cannot be due before its meeting")).to_be_visible()
        page.get_by_label("What is to be done").fill("Convene the strategy discussion")
        page.get_by_label("Owner").select_option("demo-social-worker")
        page.get_by_label("Due by").fill((TODAY + timedelta(days=3)).isoformat())
        page.get_by_role("button", name="Record the action").click()
        expect(page.get_by_text("The action is recorded")).to_be_visible()
        page.get_by_role("button", name="Close the meeting").click()
        expect(page.get_by_text("The meeting is closed")).to_be_visible()
        page.get_by_role("link", name="Printable minutes").click()
        expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_be_visible()
        expect(page.get_by_text("Convene the strategy discussion")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "panel-minutes")
        with page.expect_download() as download:
            page.get_by_role("link", name="Word document of the minutes").click()
        doc = Document(io.BytesIO(download.value.path().read_bytes()))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert f"{PANEL}: meeting of {held}" in text and "Sent apologies:" in text

        page.get_by_role("link", name="Actions", exact=True).click()
        expect(page.get_by_role("heading", name="Actions tracker")).to_be_visible()
        expect(page.get_by_text("Convene the strategy discussion").first).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "panel-actions")
