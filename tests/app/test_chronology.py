"""The joined-up chronology (app.chronology through app.people.person): the person's own
records, the records naming them by their agency's key (social care's), and the police
events they took part in, with their part; each entry citing its record; within reach."""

from __future__ import annotations

from joinedup.app import people
from joinedup.app.context import Caller
from tests.app.conftest import World

ANALYST = Caller("an.one", "analysis", "test")


def test_police_events_with_the_persons_part(world: World) -> None:
    seen = people.person(ANALYST, world.zara, rt=world.web.rt)
    assert [(e.date[:10], e.agency, e.event_type, e.summary) for e in seen.chronology] == [
        ("2024-03-01", "Police", "police_nominal_record", "Police nominal record"),
        ("2024-03-01", "Police", "vehicle_stop", "Vehicle stop; outcome: NFA; as passenger"),
    ]
    assert seen.chronology[1].record_id == world.records["INC1"]


def test_records_naming_the_person_by_their_agencys_key(world: World) -> None:
    aisha = world.web.persons["aisha"]
    seen = people.person(ANALYST, aisha, rt=world.web.rt)
    entries = {(e.date, e.agency, e.event_type): e.record_id for e in seen.chronology}
    assert entries[("2023-02-01", "Social care", "address_recorded")] == world.records["ADR1"]
    dates = [e.date for e in seen.chronology]
    assert dates == sorted(dates) and len(dates) == 4
    # the social worker sees social care's part of it, and nothing of the other agencies
    social_worker = Caller("sw.one", "safeguarding", "t")
    own = people.person(social_worker, aisha, rt=world.web.rt).chronology
    assert {e.agency for e in own} == {"Social care"} and len(own) == 2
