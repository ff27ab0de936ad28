"""Vehicle, phone and place use cases (app.things) on a small police and licensing world:
who is tied to a thing, the children among them, its events and licences, by agency and
date, and only within the caller's reach."""

from __future__ import annotations

from datetime import timedelta

import pytest

from joinedup.app import things
from joinedup.app.context import Caller
from joinedup.app.errors import NotFound
from joinedup.model.base import utcnow
from tests.app.conftest import World

ANALYST = Caller("an.one", "analysis", "test")


def _grant_licensing(world: World) -> None:
    # requested by the administrator, approved by licensing's data protection officer
    world.web.store.grant("an.one", "Licensing", "analysis", until=utcnow() + timedelta(days=30))


def test_vehicle_children_seen_in_it_and_its_driver(world: World) -> None:
    car = things.vehicle(ANALYST, "xy12 abc", rt=world.web.rt)
    assert car.key == "XY12ABC" and "Silver Toyota Prius" in car.descriptions
    assert [(s.name, s.role, s.age, s.agency) for s in car.children] == [
        ("Zara Hussain", "passenger", 14, "Police")
    ]
    assert car.children[0].person_id == world.zara
    roles = {(s.name, s.role) for s in car.people}
    assert {("Tariq Javed", "driver of"), ("Tariq Javed", "driver")} <= roles
    assert [(e.date[:10], e.event_type, e.agency) for e in car.events] == [
        ("2024-03-01", "vehicle_stop", "Police")
    ]
    assert "Zara Hussain (passenger)" in car.events[0].people
    assert not any("Stopped" in e.summary for e in car.events)  # never the free text
    assert car.licences == []  # the analyst holds no grant to the licensing register


def test_vehicle_licence_with_a_grant(world: World) -> None:
    _grant_licensing(world)
    car = things.vehicle(ANALYST, "XY12ABC", rt=world.web.rt)
    assert [
        (lic.plate, lic.licence_type, lic.proprietor, lic.proprietor_id) for lic in car.licences
    ] == [("PHV1", "private hire", "Tariq Javed", world.tariq)]
    assert (car.licences[0].issued, car.licences[0].expires) == ("2023-01-01", "2025-01-01")
    assert "Licensing" in {s.agency for s in car.people}


def test_place_events_and_who_was_there(world: World) -> None:
    takeaway = things.place(ANALYST, "dm11aa", rt=world.web.rt)
    assert takeaway.key == "DM1 1AA"
    assert [e.event_type for e in takeaway.events] == ["vehicle_stop"]
    assert [s.name for s in takeaway.children] == ["Ayesha Khan", "Zara Hussain"]
    assert ("Tariq Javed", "lives here (police)") in {(s.name, s.role) for s in takeaway.people}
    # social care's address record names its child by social care's own key
    (ayesha,) = [s for s in takeaway.people if s.agency == "Social care"]
    assert (ayesha.name, ayesha.person_id) == ("Ayesha Khan", world.web.persons["aisha"])
    assert (ayesha.date, ayesha.age, ayesha.child) == ("2023-02-01", 12, True)
    assert (ayesha.role, ayesha.record_id) == (
        "address recorded by social care",
        world.records["ADR1"],
    )


def test_phone_holder(world: World) -> None:
    held = things.phone(ANALYST, "07700 900555", rt=world.web.rt)
    assert [(s.name, s.role, s.person_id) for s in held.people] == [
        ("Zara Hussain", "police nominal", world.zara)
    ]


@pytest.mark.parametrize(
    "who", [Caller("sw.one", "safeguarding", "t"), Caller("ref.one", "safeguarding", "t")]
)
def test_out_of_reach_is_not_found(world: World, who: Caller) -> None:
    for call, key in ((things.vehicle, "XY12ABC"), (things.phone, "07700900555")):
        with pytest.raises(NotFound):
            call(who, key, rt=world.web.rt)
    if who.username == "ref.one":
        with pytest.raises(NotFound):
            things.place(who, "DM1 1AA", rt=world.web.rt)
        return
    # the social worker reaches social care's address there, and nothing of the police
    there = things.place(who, "DM1 1AA", rt=world.web.rt)
    assert [(s.name, s.agency) for s in there.people] == [("Ayesha Khan", "Social care")]
    assert there.events == []


def test_unknown_or_malformed_is_not_found(world: World) -> None:
    for call, key in (
        (things.vehicle, "ZZ99ZZZ"),
        (things.vehicle, "not a plate!"),
        (things.place, "nowhere"),
        (things.phone, "Aisha"),
    ):
        with pytest.raises(NotFound):
            call(ANALYST, key, rt=world.web.rt)
