"""The risk assessment in the browser: the form pre-filled from the records with links to
them, an override needing a reason, the narrative (stored encrypted), the category and
review date before saving, the language check inline, and the versions side by side."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from joinedup.model.safeguarding import Flag
from joinedup.store.tables.cases import RiskAssessmentRow
from tests.web.conftest import Web

VIEWS = "She says she wants to stay at her nan's and go back to school."
PLAN = "Return interview within 72 hours; school to report absences the same day."


def _form(web: Web, person: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The form page, its CSRF token, and each indicator's suggestion (id -> yes|no)."""
    page = web.client.get(f"/people/{person}/assessment")
    assert page.status_code == 200, page.text
    suggested = dict(re.findall(r'name="suggested_(\w+)" value="(yes|no)"', page.text))
    assert suggested, "no indicators on the form"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return page.text, {"csrf_token": token.group(1)}, suggested


def _answers(suggested: dict[str, str], **changed: str) -> dict[str, str]:
    return {f"ind_{k}": changed.get(k, v) for k, v in suggested.items()}


def test_the_form_is_prefilled_and_an_override_needs_a_reason(web: Web) -> None:
    aisha = web.persons["aisha"]
    web.sign_in("sw.one")
    text, token, suggested = _form(web, aisha)
    assert "Ayesha Khan" in text and "The records suggest" in text
    assert "Going missing" in text or "missing" in text.lower()
    assert "The child&#39;s own views and wishes" in text and "Safety plan" in text
    assert "Next review due by" in text or "No review date" in text
    flip = "disclosure"
    to = "no" if suggested[flip] == "yes" else "yes"
    refused = web.client.post(
        f"/people/{aisha}/assessment", data={**token, **_answers(suggested, disclosure=to)}
    )
    assert refused.status_code == 200
    assert "Say why your answer differs from what the records suggest" in refused.text
    with web.store.engine.connect() as conn:
        assert conn.execute(select(RiskAssessmentRow)).first() is None
    saved = web.client.post(
        f"/people/{aisha}/assessment",
        data={
            **token,
            **_answers(suggested, disclosure=to),
            "reason_disclosure": "she told her teacher on 3 March",
            "child_views": VIEWS,
            "safety_plan": PLAN,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith(f"/people/{aisha}/assessments?saved=1")
    versions = web.client.get(saved.headers["location"])
    assert "Assessment version 1 is saved" in versions.text
    assert VIEWS.replace("'", "&#39;") in versions.text and PLAN in versions.text
    assert "overridden" in versions.text and "sw.one" in versions.text
    with web.store.engine.connect() as conn:
        views, plan, category = conn.execute(
            select(
                RiskAssessmentRow.child_views,
                RiskAssessmentRow.safety_plan,
                RiskAssessmentRow.category,
            )
        ).one()
    # the narrative is kept only as field-cipher tokens
    assert views and VIEWS not in views and "nan" not in views
    assert plan and PLAN not in plan
    if to == "yes":  # a disclosure means Category 3 (the hard rule)
        assert category == "category_3"


def test_a_second_version_carries_the_narrative_and_shows_what_changed(web: Web) -> None:
    aisha = web.persons["aisha"]
    web.sign_in("sw.one")
    _, token, suggested = _form(web, aisha)
    first = web.client.post(
        f"/people/{aisha}/assessment",
        data={**token, **_answers(suggested), "protective_factors": "Her nan; her form tutor"},
    )
    assert first.status_code == 200 and "version 1 is saved" in first.text
    text, token, suggested = _form(web, aisha)
    assert "Her nan; her form tutor" in text  # carried from the last version
    to = "no" if suggested["disclosure"] == "yes" else "yes"
    second = web.client.post(
        f"/people/{aisha}/assessment",
        data={
            **token,
            **_answers(suggested, disclosure=to),
            "reason_disclosure": "disclosed to the school nurse",
            "protective_factors": "Her nan",
        },
    )
    assert "version 2 is saved" in second.text
    assert second.text.count("Version 1") == 1 and "Version 2" in second.text
    assert second.text.count("joinedup-changed") >= 3  # disclosure, category, protective factors


def test_the_grade_and_the_language_check_answer_as_the_form_changes(web: Web) -> None:
    aisha = web.persons["aisha"]
    web.sign_in("sw.one")
    _, token, suggested = _form(web, aisha)
    headers = {"X-CSRF-Token": token["csrf_token"]}
    graded = web.client.post(
        f"/people/{aisha}/assessment/grade",
        data={**_answers(suggested, disclosure="yes"), "age": "14"},
        headers=headers,
    )
    assert graded.status_code == 200
    assert "Category 3" in graded.text and "Next review due by" in graded.text
    none = web.client.post(
        f"/people/{aisha}/assessment/grade",
        data={f"ind_{k}": "no" for k in suggested} | {"age": "15"},
        headers=headers,
    )
    assert "no current concern" in none.text and "No review date" in none.text
    found = web.client.post(
        "/language?field=child_views",
        data={"child_views": "She is putting herself at risk"},
        headers=headers,
    )
    assert "may blame or judge the child" in found.text
    assert "putting herself at risk" in found.text
    unchecked = web.client.post(
        "/language?field=csrf_token",
        data={"csrf_token": headers["X-CSRF-Token"]},
        headers=headers,
    )
    assert unchecked.status_code == 200 and unchecked.text.strip() == ""
    assert web.client.post(f"/people/{aisha}/assessment/grade", data={}).status_code == 403


def test_language_in_the_narrative_is_saved_and_pointed_out(web: Web) -> None:
    aisha = web.persons["aisha"]
    web.sign_in("sw.one")
    _, token, suggested = _form(web, aisha)
    saved = web.client.post(
        f"/people/{aisha}/assessment",
        data={**token, **_answers(suggested), "child_views": "She is promiscuous"},
    )
    assert "version 1 is saved" in saved.text and "may blame or judge the child" in saved.text
    with web.store.door.session("joinedup-service", "analysis") as s:
        held = [f for f in s.list(Flag) if f.rule_id.startswith("language.")]
    assert [f.evidence["where"] for f in held] == ["assessment narrative"]
    assert held[0].evidence["field"] == "child_views"


def test_roles_that_do_not_assess_get_not_found(web: Web) -> None:
    aisha = web.persons["aisha"]
    for user in ("ref.one", "dpo.one"):
        web.sign_in(user)
        assert web.client.get(f"/people/{aisha}/assessment").status_code == 404
        assert web.client.get(f"/people/{aisha}/assessments").status_code == 404
        web.client.cookies.clear()


def test_the_person_page_and_a_flag_link_to_the_assessment(web: Web) -> None:
    aisha = web.persons["aisha"]
    with web.store.door.session("joinedup-service", "safeguarding") as s:
        flag_id = s.add(
            Flag(
                agency_id=web.store.agencies["Social care"],
                rule_id="missing-no-return-interview",
                subject_type="child",
                subject_id=aisha,
                evidence={"summary": "Missing without a return interview", "severity": "high"},
            )
        ).id
    web.sign_in("sw.one")
    assert f'href="/people/{aisha}/assessment"' in web.client.get(f"/people/{aisha}").text
    assert f'href="/people/{aisha}/assessment"' in web.client.get(f"/flags/{flag_id}").text
    listed = web.client.get("/flags")
    assert f'href="/flags/{flag_id}"' in listed.text and "1 open flag" in listed.text
    assert "No acknowledged flags" in web.client.get("/flags?status=acknowledged").text
    assert 'href="/flags"' in web.client.get("/").text


class _Ids(HTMLParser):
    """Every element's id in a page, in order (repeats kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v is not None]


def _ids(page: str) -> list[str]:
    parser = _Ids()
    parser.feed(page)
    return parser.ids


def test_every_checked_field_flagged_leaves_no_id_twice(web: Web) -> None:
    aisha = web.persons["aisha"]
    web.sign_in("sw.one")
    page, token, _ = _form(web, aisha)
    targets = re.findall(r'hx-post="/language\?field=(\w+)"[^>]*hx-target="#([\w-]+)"', page)
    assert len(targets) > 2, "the form has several checked fields"
    for field, target in targets:  # each field's findings swapped into its place, as HTMX does
        found = web.client.post(
            f"/language?field={field}",
            data={field: "She is putting herself at risk"},
            headers={"X-CSRF-Token": token["csrf_token"]},
        )
        assert "may blame or judge the child" in found.text
        page = page.replace(
            f'<div id="{target}" aria-live="polite"></div>',
            f'<div id="{target}" aria-live="polite">{found.text}</div>',
        )
    ids = _ids(page)
    assert sum(i.startswith("language-findings-") for i in ids) == len(targets)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert repeated == [], f"ids on the page more than once: {repeated}"
