"""The use cases behind the pages decide who may (roles.yml, through the door): each raises
:class:`Forbidden` for a role that may not take its action, so the web pages only render."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from joinedup.app import administration
from joinedup.app.actions import tracker
from joinedup.app.context import Caller, using
from joinedup.app.errors import Forbidden
from joinedup.app.intelligence import my_submissions
from joinedup.app.meeting_page import meeting_page, panel_meetings
from joinedup.app.risk_assessment import assessment_form, assessment_versions, grade_preview
from joinedup.app.safeguarding import agency_flags
from tests.access.conftest import cheap_argon2  # noqa: F401 (autouse fixture)
from tests.web.conftest import Web, web  # noqa: F401 (the fixture)

ADMIN = Caller("admin", "administration", "test")
ANALYST = Caller("an.one", "analysis", "test")
WORKER = Caller("sw.one", "safeguarding", "test")
AUDITOR = Caller("dpo.one", "audit", "test")
REFERRER = Caller("ref.one", "safeguarding", "test")
Call = Callable[[Caller], Any]


@pytest.fixture
def persons(web: Web) -> Iterator[dict[str, str]]:  # noqa: F811 (the web fixture)
    with using(web.rt):
        yield web.persons


def _cases(persons: dict[str, str]) -> dict[str, tuple[Call, set[Caller]]]:
    """Each page's use case and who may call it (every other caller is refused)."""
    aisha = persons["aisha"]
    return {
        "agencies": (administration.agency_directory, {ADMIN}),
        "panels": (administration.panel_directory, {ADMIN}),
        "users": (administration.user_directory, {ADMIN}),
        "flags": (lambda w: agency_flags(w, "open"), {ANALYST, WORKER}),
        "concerns": (my_submissions, {ANALYST, WORKER, REFERRER}),
        "assessment": (lambda w: assessment_form(w, aisha), {ANALYST, WORKER}),
        "versions": (lambda w: assessment_versions(w, aisha), {ANALYST, WORKER}),
        "grade": (lambda w: grade_preview(w, {}, 14, date.today()), {ANALYST, WORKER}),
        "panel": (panel_meetings, {ANALYST, WORKER}),
        "actions": (tracker, {ANALYST, WORKER}),
    }


def test_each_page_use_case_refuses_the_roles_that_may_not(persons: dict[str, str]) -> None:
    for name, (call, allowed) in _cases(persons).items():
        for who in (ADMIN, ANALYST, WORKER, AUDITOR, REFERRER):
            if who in allowed:
                call(who)  # answers (what it holds is each page's own test)
            else:
                with pytest.raises(Forbidden):
                    call(who)
                    pytest.fail(f"{name} answered {who.username}")


def test_a_meeting_page_is_refused_before_the_meeting_is_looked_for(
    persons: dict[str, str],
) -> None:
    with pytest.raises(Forbidden):
        meeting_page(REFERRER, "no-such-meeting")


def test_the_directories_hold_what_the_pages_show(persons: dict[str, str]) -> None:
    agencies = administration.agency_directory(ADMIN)
    assert [a["name"] for a in agencies.agencies] == sorted(a["name"] for a in agencies.agencies)
    assert {"Police", "Social care", "Health"} <= {a["name"] for a in agencies.agencies}
    assert "police" in agencies.kinds
    panels = administration.panel_directory(ADMIN)
    assert panels.panels == [] and "Police" in panels.agencies and "sw.one" in panels.users
    users = administration.user_directory(ADMIN)
    assert {"an.one", "sw.one"} <= {u["username"] for u in users.users}
    assert "analyst" in users.roles and users.agencies == sorted(users.agencies)
