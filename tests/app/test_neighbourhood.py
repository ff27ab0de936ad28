"""The network within two steps (app.neighbourhood through app.people.person): police links
to vehicles, the children seen in a vehicle, the next step's phones; within reach only."""

from __future__ import annotations

from joinedup.app import people
from joinedup.app.context import Caller
from tests.app.conftest import World

ANALYST = Caller("an.one", "analysis", "test")


def test_the_driver_the_vehicle_and_the_child_seen_in_it(world: World) -> None:
    seen = people.person(ANALYST, world.tariq, rt=world.web.rt)
    around = seen.neighbourhood
    steps = {(n.label, n.kind): n.step for n in around.nodes}
    assert steps == {
        (seen.name, "subject"): 0,
        ("XY12ABC", "vehicle"): 1,  # the police link: driver of
        ("Zara Hussain", "person"): 1,  # a passenger when it was stopped
        ("+447700900555", "phone"): 2,  # her phone, one step further
    }
    ties = {(t.source, t.target, t.how) for t in around.ties}
    assert (world.tariq, "vehicle:XY12ABC", "driver of") in ties
    assert (world.zara, "vehicle:XY12ABC", "named in a record") in ties
    assert not around.cut


def test_the_network_stays_within_reach(world: World) -> None:
    # the social worker reaches none of the police or health records naming Aisha's phone,
    # her address or Muhammad Ali: she stands alone in their picture
    who = Caller("sw.one", "safeguarding", "t")
    seen = people.person(who, world.web.persons["aisha"], rt=world.web.rt)
    assert [n.label for n in seen.neighbourhood.nodes] == [seen.name]
    assert seen.neighbourhood.ties == []
