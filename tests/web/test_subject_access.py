"""A subject access report (DPA 2018 s.45): compiled by the service account on the data
protection officer's behalf, every agency's records of the person, logged with both names."""

from __future__ import annotations

from sqlalchemy import text

from tests.web.conftest import Web


def test_the_dpo_gets_every_agencys_records_of_the_person(web: Web) -> None:
    web.sign_in("dpo.one")
    person = web.persons["aisha"]
    page = web.client.get(f"/audit/subject-access?person={person}")
    assert page.status_code == 200
    for agency in ("Police", "Social care", "Health"):
        assert f'<h2 class="govuk-heading-m">{agency} (' in page.text
    assert (
        "Aisha Khan" in page.text
        and "Review every record before anything is disclosed" in page.text
    )
    assert page.headers["cache-control"] == "no-store"
    with web.store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT actor_name, on_behalf_of, access FROM audit_event "
                "WHERE on_behalf_of IS NOT NULL ORDER BY seq"
            )
        ).all()
    assert rows and {r.actor_name for r in rows} == {"joinedup-service"}
    assert any(r.access == "elevate" for r in rows) and any(r.access == "show" for r in rows)


def test_no_one_else_may_ask_and_an_unknown_person_is_not_found(web: Web) -> None:
    person = web.persons["aisha"]
    for username in ("an.one", "ref.one"):
        web.client.cookies.clear()
        web.sign_in(username)
        assert web.client.get(f"/audit/subject-access?person={person}").status_code == 404
    web.client.cookies.clear()
    web.sign_in("dpo.one")
    assert web.client.get("/audit/subject-access?person=nobody").status_code == 404
