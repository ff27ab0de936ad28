"""On the demonstration's store, in a real browser, on SQLite and PostgreSQL: the
administrator uploads a small health export, leaves the page while it imports, comes back
to its reconciliation; sets up a panel and seats a member. The data protection officer
verifies the audit chain (in the background) and records and decides an erasure request.
Every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from joinedup.ingest.formats import layout_for_file
from tests.web.demo_site import DemoSite, demo_site, pytestmark, serious

__all__ = ["demo_site", "pytestmark"]


def _export(folder: Path) -> Path:
    names = [c.name for c in layout_for_file("health", "attendances.csv").columns]
    rows = [
        {"attendance_id": "UP-1", "forename": "Kayleigh", "surname": "Brook", "dob": "2011-02-03"},
        {"attendance_id": "UP-2", "forename": "Jade", "surname": "Marsh", "dob": "2010-07-09"},
        {"attendance_id": "", "forename": "Amy", "surname": "Cole", "dob": "2012-01-01"},
    ]
    path = folder / "attendances.csv"
    lines = [",".join(names)] + [",".join(r.get(n, "") for n in names) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_administrator_uploads_an_export_and_sets_up_a_panel(
    demo_site: DemoSite, tmp_path: Path
) -> None:
    export = _export(tmp_path)
    with demo_site.signed_in("demo-admin") as page:
        page.get_by_role("link", name="Uploads").click()
        expect(page.get_by_role("heading", name="Upload an agency export")).to_be_visible()
        page.get_by_label("The file", exact=True).set_input_files(str(export))
        health = page.locator("#upload-agency option", has_text="health").first
        page.get_by_label("Sent by").select_option(health.get_attribute("value"))
        page.get_by_label("What the file is").select_option("health/attendances.csv")
        assert serious(page) == []
        demo_site.shot(page, "admin-upload-form")
        page.get_by_role("button", name="Upload and import").click()
        upload_page = page.url
        assert "/admin/imports/" in upload_page
        page.goto(f"{demo_site.url}/")  # the browser leaves; the import carries on
        page.goto(upload_page)
        page.get_by_role("table", name="Reconciliation").wait_for(timeout=60_000)
        row = page.get_by_role("row").filter(has_text="attendances.csv")
        cells = row.get_by_role("cell").all_inner_texts()
        assert cells[3:6] == ["3", "2", "1"]  # read = accepted + quarantined
        expect(page.get_by_role("link", name="the quarantine page")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "admin-upload-done", doc=True)

        page.get_by_role("link", name="Panels").click()
        page.get_by_label("Name").fill("Exploitation panel (west)")
        page.get_by_role("button", name="Set up the panel").click()
        page.get_by_label("Add a member to Exploitation panel (west)").select_option(
            "demo-social-worker"
        )
        card = page.locator(".govuk-summary-card").filter(has_text="Exploitation panel (west)")
        card.get_by_role("button", name="Add member").click()
        card = page.locator(".govuk-summary-card").filter(has_text="Exploitation panel (west)")
        assert "demo-social-worker" in card.inner_text()
        assert serious(page) == []
        demo_site.shot(page, "admin-panels")


def test_data_protection_officer_checks_the_chain_and_decides_an_erasure_request(
    demo_site: DemoSite,
) -> None:
    engine = create_engine(demo_site.db_url)
    try:
        with engine.connect() as conn:
            person = conn.execute(text("SELECT person_id FROM person_link LIMIT 1")).scalar_one()
    finally:
        engine.dispose()
    with demo_site.signed_in("demo-dpo") as page:
        page.get_by_role("link", name="Audit chain").click()
        page.get_by_role("button", name="Verify the chain now").click()
        page.get_by_text("The audit chain is intact").wait_for(timeout=120_000)
        expect(page.get_by_text("Last checkpoint")).to_be_visible()
        assert serious(page) == []
        demo_site.shot(page, "dpo-audit-chain", doc=True)

        page.get_by_role("link", name="Erasure requests").click()
        page.get_by_label("Person (their id").fill(person)
        page.get_by_label("Who asked").fill("Her mother, with her consent")
        page.get_by_label("Grounds").select_option("no_longer_necessary")
        page.get_by_role("button", name="Record the request").click()
        expect(page.get_by_text("To decide")).to_be_visible()
        page.get_by_label("Refuse").check()
        page.get_by_label("Reason").fill(
            "Kept under a legal obligation: child protection records (art. 17(3)(b))"
        )
        assert serious(page) == []
        demo_site.shot(page, "dpo-erasure-request")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("Refused", exact=True)).to_be_visible()
        assert serious(page) == []
