"""An agency's flags put the children who are children today first: a flag about an adult's
childhood (a retrospective finding on years of records) comes after every flag about a child
now, whatever its severity or age."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from joinedup.app.context import Caller, using
from joinedup.app.safeguarding import agency_flags, flags
from joinedup.model.safeguarding import Flag
from tests.access.conftest import cheap_argon2  # noqa: F401 (autouse fixture)
from tests.web.conftest import Web, web  # noqa: F401 (the fixture)

WORKER = Caller("sw.one", "safeguarding", "test")


@pytest.fixture
def held(web: Web) -> Iterator[dict[str, str]]:  # noqa: F811 (the web fixture)
    """Three open flags for social care: an adult's (high, oldest), two children's."""
    care = web.store.agencies["Social care"]
    made = {}
    with web.store.door.session("joinedup-service", "analysis") as s:
        for name, severity, until in (
            ("adult", "high", "2014-05-01"),
            ("child-medium", "medium", "2031-01-01"),
            ("child-high", "high", "2030-01-01"),
        ):
            flag = s.add(
                Flag(
                    agency_id=care,
                    owner_agency_id=care,
                    rule_id="cse-indicators-no-assessment",
                    subject_type="child",
                    subject_id=web.persons["aisha"],
                    evidence={"severity": severity, "child_until": until, "summary": name},
                )
            )
            made[flag.id] = name
    with using(web.rt):
        yield made


def test_children_now_come_first_then_severity(held: dict[str, str]) -> None:
    listed = [held[f.flag.id] for f in agency_flags(WORKER, "open") if f.flag.id in held]
    assert listed == ["child-high", "child-medium", "adult"]


def test_as_of_a_date_when_all_were_children_severity_decides(held: dict[str, str]) -> None:
    listed = [
        held[f.flag.id]
        for f in flags(WORKER, status="open", as_of=date(2010, 1, 1))
        if f.flag.id in held
    ]
    assert listed == ["adult", "child-high", "child-medium"]  # then the oldest first
