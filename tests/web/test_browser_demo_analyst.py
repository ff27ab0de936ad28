"""On the demonstration's store, in a real browser, on SQLite and PostgreSQL: the analyst
opens the match-review queue, reads one pair side by side with its evidence and decides it
with a reason; then opens the quarantine, corrects one row and resubmits it (accepted).
Every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.web.demo_site import DemoSite, demo_site, pytestmark, serious

__all__ = ["demo_site", "pytestmark"]

POLICE = "Dunmere police (synthetic)"
# a police export: one row ingest quarantines (a first name starting like a spreadsheet
# formula, an injection risk), and three
# nominals of one rare name, one without a date of birth: it could be either of the other
# two (different dates of birth), so linkage holds it for a person to decide
PERSONS = (
    "person_ref,surname,forename,date_of_birth,sex\r\n"
    "N9000001,Farrow,Kezia,2009-04-03,F\r\n"
    "N9000002,Lowe,=Jade,2010-02-03,F\r\n"
    "N9000003,Farrow,Kezia,,F\r\n"
    "N9000004,Farrow,Kezia,2011-08-19,F\r\n"
)


def _police_export(demo_site: DemoSite, folder: Path) -> None:
    """The demonstration's own queue holds pairs across agencies the analyst's police force
    holds no grant for, and its exports are clean: this police export, imported and linked
    (incrementally), gives the analyst a pair to decide and a row to fix."""
    path = folder / "persons.csv"
    path.write_text(PERSONS, encoding="utf-8")
    demo_site.cli("ingest", str(path), "--agency", POLICE, "--format", "police_pole")
    demo_site.cli("link")


def test_analyst_decides_a_match_and_fixes_a_quarantined_row(
    demo_site: DemoSite, tmp_path: Path
) -> None:
    _police_export(demo_site, tmp_path)
    with demo_site.signed_in("demo-analyst") as page:
        page.get_by_role("link", name="Match review").click()
        expect(page.get_by_role("heading", name="Match review")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "analyst-review-queue")
        page.locator("table.govuk-table tbody a.govuk-link").first.click()
        expect(
            page.get_by_role("heading", name="Are these two records one person?")
        ).to_be_visible()
        expect(page.get_by_text("Match weight", exact=True)).to_be_visible()
        assert serious(page) == []
        # the guide's picture: the records side by side and the evidence under them
        page.set_viewport_size({"width": 1000, "height": 1500})
        demo_site.shot(page, "analyst-review-pair", doc=True)
        page.set_viewport_size({"width": 1000, "height": 800})
        page.get_by_label("Two people: reject the match").check()
        page.get_by_label("Why").fill("The dates of birth differ and nothing else is shared.")
        page.get_by_role("button", name="Save the decision").click()
        expect(page.get_by_text("Rejected: the two records are two people.")).to_be_visible()
        assert serious(page) == []

        page.get_by_role("link", name="Quarantine").click()
        expect(page.get_by_role("heading", name="Quarantine", exact=True)).to_be_visible()
        expect(page.get_by_text("Yes", exact=True).first).to_be_visible()  # reconciled
        assert serious(page) == []
        demo_site.shot(page, "analyst-quarantine")
        page.get_by_role("link", name="Row 2 of persons.csv").first.click()
        expect(page.get_by_role("heading", name="Quarantined row")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "analyst-quarantine-row")
        page.get_by_label("forename").fill("Jade")
        page.get_by_label("What you corrected (optional)").fill(
            "first name retyped from the paper form"
        )
        page.get_by_role("button", name="Resubmit").click()
        expect(page.get_by_text("The corrected row was accepted")).to_be_visible()
        assert serious(page) == []
