"""Agency lists of victims and possible victims as capture histories."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.assemble.lists import (
    ListDefinitionError,
    capture_histories,
    list_definitions,
    list_members,
    parse_definitions,
    precision_floor,
    reselect,
    selected,
)
from joinedup.assemble.view import Assembly, EventView, Participant, PersonView, RecordRef


def _ref(kind: str, key: str) -> RecordRef:
    return RecordRef(f"r-{key}", f"a-{kind}", kind, "events", key)


def _event(
    key: str,
    kind: str,
    when: date,
    *people: tuple[str, str],
    cse: bool = True,
    event_type: str = "intelligence_report",
    **attributes: object,
) -> EventView:
    return EventView(
        id=key,
        event_type=event_type,
        source=_ref(kind, key),
        start=when,
        participants=[Participant(p, "person", role) for p, role in people],
        cse_concern=cse,
        attributes=dict(attributes),
    )


def _assembly() -> Assembly:
    persons = {
        "amy": PersonView("amy", date_of_birth=date(2000, 5, 1), sex="2", ethnicity="WBRI"),
        "bea": PersonView("bea", date_of_birth=date(2002, 1, 1), sex="2", ethnicity="APKN"),
        "cal": PersonView("cal", date_of_birth=date(1970, 1, 1), sex="1"),
        "dee": PersonView("dee", date_of_birth=date(2001, 3, 3), sex="2"),
    }
    events = [
        _event("e1", "police", date(2014, 6, 1), ("amy", "victim"), ("cal", "suspect")),
        _event("e2", "social_care", date(2014, 7, 1), ("amy", "subject"), team="CSE"),
        _event("e3", "health", date(2013, 1, 1), ("bea", "subject")),
        # 11A noted at an assessment by another team: on social care's broad list only
        _event(
            "e7",
            "social_care",
            date(2013, 2, 1),
            ("dee", "subject"),
            event_type="assessment",
            team="ASSESS",
            factors=["10A", "11A"],
        ),
        _event("e4", "police", date(2015, 1, 1), ("bea", "possible_victim")),
        # amy is an adult by 2019: a concern then does not put her on voluntary's list
        _event("e5", "voluntary", date(2019, 1, 1), ("amy", "subject")),
        # not marked as a CSE concern
        _event("e6", "education", date(2014, 1, 1), ("dee", "subject"), cse=False),
    ]
    return Assembly(persons=persons, events=events).index()


def test_children_in_cse_concerns_are_on_the_recording_agencies_lists() -> None:
    members = {m.person_id: m for m in list_members(_assembly())}
    assert set(members) == {"amy", "bea"}  # the suspect and the unmarked event are left out
    assert members["amy"].lists == {"police", "social_care"}
    assert members["bea"].lists == {"health", "police"}
    assert members["bea"].first_concern == date(2013, 1, 1)
    assert members["bea"].age_band == "under 13" and members["amy"].age_band == "13-15"
    assert members["amy"].sex == "female" and members["bea"].ethnicity == "A"


def test_broad_definitions_add_the_level_two_records_and_say_which_matched() -> None:
    specific = {m.person_id for m in list_members(_assembly())}
    broad = {m.person_id: m for m in list_members(_assembly(), "broad")}
    assert "dee" not in specific and broad["dee"].lists == {"social_care"}
    assert broad["dee"].definitions == {"social_care.factor_11a"}
    assert broad["amy"].definitions >= {"police.victim", "social_care.cse_team"}
    # reselecting the broad members gives the specific lists again
    again = {m.person_id: m.lists for m in reselect(broad.values(), "specific")}
    assert again == {m.person_id: m.lists for m in list_members(_assembly())}
    with pytest.raises(ValueError, match="specific, broad"):
        selected("widest")


def _indicator_assembly() -> Assembly:
    """Records of the recorded signs that carry no CSE marker (docs/estimation.md)."""
    day = date(2014, 6, 1)
    persons = {
        key: PersonView(key, date_of_birth=date(2000, 1, 1), sex="2")
        for key in ("eve", "fay", "gus", "hal", "ivy", "jo", "kit", "lou")
    }
    persons["man"] = PersonView("man", date_of_birth=date(1970, 1, 1), sex="1")
    events = [
        # a passenger in a stopped vehicle with its driver; arrested with a suspect
        _event(
            "p1",
            "police",
            day,
            ("eve", "passenger"),
            ("man", "driver"),
            cse=False,
            event_type="vehicle_stop",
        ),
        _event(
            "p2",
            "police",
            day,
            ("fay", "arrested"),
            ("man", "suspect"),
            cse=False,
            event_type="arrest",
        ),
        # arrested alone: no one else in the event, not on the list
        _event("p3", "police", day, ("gus", "arrested"), cse=False, event_type="arrest"),
        # a return interview and a strategy discussion; an ordinary case note is not enough
        _event(
            "s1", "social_care", day, ("hal", "subject"), cse=False, event_type="return_interview"
        ),
        _event(
            "s2", "social_care", day, ("ivy", "subject"), cse=False, event_type="strategy_meeting"
        ),
        _event("s3", "social_care", day, ("gus", "subject"), cse=False, event_type="case_note"),
        # intoxicated at the emergency department; a head injury is not a sign
        _event(
            "h1",
            "health",
            day,
            ("jo", "subject"),
            cse=False,
            event_type="health_attendance",
            reason="Intoxication",
        ),
        _event(
            "h2",
            "health",
            day,
            ("kit", "subject"),
            cse=False,
            event_type="health_attendance",
            reason="Head injury",
        ),
        _event(
            "h3",
            "health",
            day,
            ("lou", "subject"),
            cse=False,
            event_type="health_attendance",
            reason="Contraception advice",
        ),
    ]
    return Assembly(persons=persons, events=events).index()


def test_recorded_signs_without_a_cse_marker_put_children_on_the_specific_lists() -> None:
    members = {m.person_id: m for m in list_members(_indicator_assembly())}
    assert {k: m.lists for k, m in members.items()} == {
        "eve": {"police"},
        "fay": {"police"},
        "hal": {"social_care"},
        "ivy": {"social_care"},
        "jo": {"health"},
        "lou": {"health"},
    }
    assert members["eve"].definitions == {"police.with_suspect"}
    assert members["jo"].definitions == {"health.risk_presentation"}
    # the signs are assumed less specific than a confirmed concern
    floor = precision_floor("specific")
    assert floor["police"] == 0.7 and floor["health"] == 0.5 and floor["social_care"] == 0.6


def test_others_requires_another_person_in_one_of_the_roles() -> None:
    (definition,) = parse_definitions(
        "definitions:\n  - {id: police.x, agency: police, level: 1, basis: long enough basis,"
        " cse_concern: false, others: [driver]}",
        "my.yml",
    )
    stop = _event("p", "police", date(2014, 1, 1), ("eve", "passenger"), ("man", "driver"))
    alone = _event("q", "police", date(2014, 1, 1), ("eve", "passenger"))
    assert definition.matches(stop, "passenger") and not definition.matches(alone, "passenger")


def test_every_shipped_definition_has_a_basis_and_its_agency_prefix() -> None:
    definitions = list_definitions()
    assert {d.agency for d in definitions} >= {"police", "social_care", "health"}
    assert all(d.id.startswith(d.agency + ".") and len(d.basis) > 10 for d in definitions)
    assert {d.level for d in definitions} == {1, 2}
    assert precision_floor("broad")["social_care"] < precision_floor("specific")["social_care"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("definitions: []", "at least 1"),
        (
            "definitions:\n  - {id: police.x, agency: police, level: 3, basis: long enough basis}",
            "level",
        ),
        (
            "definitions:\n  - {id: police.x, agency: polis, level: 1, basis: long enough basis}",
            "polis",
        ),
        (
            "definitions:\n  - {id: health.x, agency: police, level: 1, basis: long enough basis}",
            "agency",
        ),
        (
            "definitions:\n  - {id: police.x, agency: police, level: 1, basis: long enough,"
            " colour: 1}",
            "colour",
        ),
        ("definitions: [", "my.yml"),
    ],
)
def test_bad_definitions_are_refused_naming_the_file_and_problem(text: str, problem: str) -> None:
    with pytest.raises(ListDefinitionError, match=r"my\.yml") as err:
        parse_definitions(text, "my.yml")
    assert problem in str(err.value)


def test_duplicate_definition_ids_are_refused() -> None:
    one = "  - {id: police.x, agency: police, level: 1, basis: long enough basis}\n"
    with pytest.raises(ListDefinitionError, match="given twice"):
        parse_definitions("definitions:\n" + one + one, "my.yml")


def test_capture_histories_count_patterns_per_stratum() -> None:
    members = list_members(_assembly())
    names, rows = capture_histories(members)["all"]
    assert names == ("health", "police", "social_care")
    assert dict(rows) == {(0, 1, 1): 1, (1, 1, 0): 1}
    by_age = capture_histories(members, "age_band")
    assert set(by_age) == {"under 13", "13-15"}
    assert by_age["under 13"] == (("health", "police"), [((1, 1), 1)])
    with pytest.raises(ValueError, match="stratify"):
        capture_histories(members, "postcode")
