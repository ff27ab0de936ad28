"""How far a drop reaches in a partition (:mod:`joinedup.safeguarding.reach`), on a synthetic
chain: persons p0 - p1 - ... - p9, each pair in one event (record e<i>), each person with a
record of their own (r<i>); all children (victims in the events) unless given a date of
birth that makes them adults."""

from __future__ import annotations

from datetime import date

from joinedup.assemble.partition import partition
from joinedup.assemble.view import Assembly, EventView, Participant, PersonView, RecordRef
from joinedup.safeguarding.reach import STEPS, reach

N = 10


def _ref(record_id: str) -> RecordRef:
    return RecordRef(record_id, "agency", "police", "occurrence", record_id.upper())


def _chain(adults: tuple[int, ...] = ()) -> Assembly:
    persons = {f"p{i}": PersonView(id=f"p{i}", records=[_ref(f"r{i}")]) for i in range(N)}
    for i in adults:
        persons[f"p{i}"].date_of_birth = date(1970, 1, 1)
    events = [
        EventView(
            f"e{i}",
            "concern",
            _ref(f"e{i}"),
            date(2025, 1, 1),
            participants=[
                Participant(f"p{i}", "person", "victim"),
                Participant(f"p{i + 1}", "person", "victim"),
            ],
        )
        for i in range(N - 1)
    ]
    return Assembly(
        persons=persons, events=events, person_of_record={f"r{i}": f"p{i}" for i in range(N)}
    ).index()


def test_the_chain_is_one_partition() -> None:
    assert len(set(partition(_chain()).of_record.values())) == 1


def test_a_record_at_one_end_reaches_two_steps_and_reads_two_more() -> None:
    seen = reach(_chain())
    subjects = seen.near({"r0"})
    assert STEPS == 2 and subjects == {"p0", "p1", "p2"}
    records = seen.closure(subjects)
    # their records (e0, e1, e2 and their own), the records of p3 (e3), and the own record
    # of p4: p3's view of p4 is read only by p3's pre-fill
    assert records == {"r0", "r1", "r2", "r3", "r4", "e0", "e1", "e2", "e3"}
    assert len(records) < 2 * N - 1


def test_an_adults_events_are_not_read_for_the_subjects_beside_him() -> None:
    seen = reach(_chain(adults=(3,)))
    assert "p3" not in seen.children
    subjects = seen.near({"r0"})
    assert subjects == {"p0", "p1", "p2"}
    # p3 is an adult: only his view (r3) is read, not his other event (e3) nor p4
    assert seen.closure(subjects) == {"r0", "r1", "r2", "r3", "e0", "e1", "e2"}
    # a change to an adult's view reaches the children beside him and those beside them
    assert seen.near({"r3"}) == {"p1", "p2", "p3", "p4", "p5"}


def test_an_event_reaches_from_both_its_participants() -> None:
    seen = reach(_chain())
    assert seen.near({"e4"}) == {"p2", "p3", "p4", "p5", "p6", "p7"}


def test_an_event_is_read_whole_with_the_records_that_add_to_it() -> None:
    picture = _chain()
    picture.events[8].supporting.append(_ref("s8"))
    seen = reach(picture)
    assert "s8" in seen.closure({"p7"}) and "e8" in seen.closure({"p7"})
