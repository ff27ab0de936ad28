"""An agenda judges age as of its date (issue 14 point 5): a person born decades earlier is
not listed as a child; replayed as of a date when they were a child, they are."""

from __future__ import annotations

from datetime import UTC, date, datetime

from joinedup.model.safeguarding import Flag
from joinedup.panel import meetings
from joinedup.panel.agenda import generate_agenda
from joinedup.panel.briefing import summarise
from joinedup.safeguarding.flags import Raised, sync
from joinedup.safeguarding.rules.engine import eighteenth_birthday
from joinedup.settings import SERVICE_ACCOUNT
from tests.conftest import Store
from tests.panel.world import build

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def _flag_grown_up(store: Store, care: str) -> None:
    born = date(1982, 5, 1)
    evidence = {
        "rule": "threshold-gap",
        "summary": "threshold-gap found",
        "severity": "high",
        "current": True,
        "by_agency": {"police": ["INC9"], "social_care": ["SC9"]},
        "records": [],
        "details": {"category": "category_3"},
        "child_until": eighteenth_birthday(born).isoformat(),
    }
    with store.door.session(SERVICE_ACCOUNT, "analysis") as s:
        sync(s, [Raised("threshold-gap", "child", "old", ("old",), care, evidence)])


def _children_listed(store: Store, meeting_id: str) -> set[str]:
    with store.door.session("chair", "panel") as s:
        items = meetings.agenda(s, meeting_id)
    return {
        i.subject_id or ""
        for i in items
        if i.subject_type == "child" and not i.briefing.get("withdrawn")
    }


def test_an_agenda_lists_no_adult_born_decades_earlier_as_a_child(store: Store) -> None:
    w = build(store)
    _flag_grown_up(store, w.agencies["social_care"])
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        report = generate_agenda(s, w.meeting_id, now=NOW)
    assert "old" not in _children_listed(store, w.meeting_id)
    assert report.sections["children_high_risk"]["listed"] >= 1  # the others still are
    with store.door.session(SERVICE_ACCOUNT, "panel") as s:
        generate_agenda(s, w.meeting_id, now=NOW, as_of=date(1998, 6, 1))
    assert "old" in _children_listed(store, w.meeting_id)  # a child on that date


def test_eighteenth_birthday_of_a_leap_day() -> None:
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert eighteenth_birthday(date(2008, 3, 1)) == date(2026, 3, 1)


def test_only_children_are_judged_grown_up() -> None:
    evidence = {"current": True, "child_until": "2000-05-01", "severity": "high"}
    flags = [
        Flag(
            agency_id="a",
            rule_id="threshold-gap",
            subject_type=kind,
            subject_id=kind,
            evidence=evidence,
        )
        for kind in ("child", "person")
    ]
    by_kind = {s.subject_type: s for s in summarise(flags, [], date(2026, 12, 7))}
    assert by_kind["child"].grown_up and not by_kind["child"].current
    assert not by_kind["person"].grown_up and by_kind["person"].current  # an adult stays current
    young = summarise(flags[:1], [], date(1999, 1, 1))[0]
    assert not young.grown_up and young.current
