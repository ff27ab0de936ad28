"""Who counts as a suspected offender or a child at risk, and how ties are built."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.network.config import default_config
from joinedup.network.graph import build_network
from joinedup.network.scope import Window
from tests.network.builder import Builder, two_groups

DAY = date(2008, 3, 1)


def test_a_suspect_with_a_child_is_an_offender_and_the_child_at_risk() -> None:
    b = Builder()
    b.adult("man")
    b.child("girl")
    b.event("police_incident", DAY, {"man": "suspect", "girl": "victim"})
    net = build_network(b.done())
    assert set(net.classes.offenders) == {"man"}
    assert set(net.classes.children) == {"girl"}
    assert net.classes.offender_roles["man"] == {"suspect"}
    assert net.category("man") == "offender" and net.category("girl") == "child_at_risk"


def test_a_child_who_is_only_a_witness_makes_no_suspect_an_offender() -> None:
    b = Builder()
    b.adult("parent")
    b.child("boy")
    b.event("police_incident", DAY, {"parent": "suspect", "boy": "witness"})
    net = build_network(b.done())
    assert not net.classes.offenders and not net.classes.children


def test_adults_only_events_make_no_offender_unless_marked_cse() -> None:
    b = Builder()
    b.adult("x")
    b.adult("y")
    b.event("police_incident", DAY, {"x": "suspect", "y": "victim"})
    assert not build_network(b.done()).classes.offenders
    b.event("intelligence_report", DAY, {"x": "suspect", "y": "subject"}, cse=True)
    assert set(build_network(b.done()).classes.offenders) == {"x"}


def test_require_cse_marker_ignores_unmarked_events_with_children() -> None:
    b = Builder()
    b.adult("man")
    b.child("girl")
    b.event("police_incident", DAY, {"man": "suspect", "girl": "victim"})
    base = default_config()
    strict = base.model_copy(
        update={"categories": base.categories.model_copy(update={"require_cse_marker": True})}
    )
    assert not build_network(b.done(), config=strict).classes.offenders


def test_a_controlling_adult_link_to_a_child_counts_but_not_to_an_adult() -> None:
    b = Builder()
    b.adult("man")
    b.child("girl")
    b.adult("woman")
    b.link("controlling_adult", "man", "girl", start=DAY)
    b.link("controlling_adult", "woman", "man", start=DAY)
    net = build_network(b.done())
    assert set(net.classes.offenders) == {"man"}
    assert set(net.classes.children) == {"girl"}


def test_a_child_of_unknown_age_counts_when_a_record_calls_them_a_child() -> None:
    b = Builder()
    b.adult("man")
    b.person("kid", None, roles={"child"})
    b.event("police_incident", DAY, {"man": "suspect", "kid": "victim"})
    assert set(build_network(b.done()).classes.children) == {"kid"}


def test_ties_aggregate_kinds_weights_records_and_dates() -> None:
    b = Builder()
    b.adult("a")
    b.adult("c")
    b.child("g")
    b.place("place:p")
    car = b.vehicle("AB12CDE")
    e1 = b.event(
        "vehicle_stop", date(2008, 1, 1), {"a": "driver", "g": "passenger"}, "place:p", (car,)
    )
    e2 = b.event("police_incident", date(2009, 5, 1), {"a": "suspect", "g": "victim"})
    link = b.link("associate", "a", "c", start=date(2007, 1, 1))
    net = build_network(b.done())
    tie = net.tie("g", "a")
    assert tie is not None
    assert tie.kinds == {"co_event": 2}
    assert tie.weight == 2
    assert tie.records == {e1.source.record_id, e2.source.record_id}
    assert (tie.first, tie.last) == (date(2008, 1, 1), date(2009, 5, 1))
    assert net.tie("a", car) is not None and net.tie("a", car).kinds == {"in_event": 1}  # type: ignore[union-attr]
    assert net.tie("a", "place:p").kinds == {"at_event": 1}  # type: ignore[union-attr]
    assert net.tie("c", "a").kinds == {"associate": 1}  # type: ignore[union-attr]
    assert net.tie("c", "a").records == {link.source.record_id}  # type: ignore[union-attr]
    assert net.kind_of[car] == "vehicle" and net.kind_of["place:p"] == "place"
    graph = net.igraph()
    assert graph.vcount() == 5 and set(graph.vs["kind"]) == {"person", "vehicle", "place"}


def test_large_events_make_no_person_to_person_ties() -> None:
    b = Builder()
    people = {b.child(f"c{i}"): "subject" for i in range(20)}
    b.event("concern", DAY, people, cse=True)
    net = build_network(b.done())
    assert len(net.classes.children) == 20
    assert not any(net.kind_of[a] == net.kind_of[x] == "person" for a, x in net.ties)


def test_the_window_keeps_overlapping_events_and_links() -> None:
    b = Builder()
    b.adult("man")
    b.child("girl")
    b.event("police_incident", date(2005, 1, 1), {"man": "suspect", "girl": "victim"})
    b.link("associate", "man", "girl", start=date(2004, 1, 1), end=date(2004, 12, 31))
    b.link("associate", "girl", "man", start=date(2007, 1, 1))
    assembly = b.done()
    net = build_network(assembly, Window(date(2006, 1, 1), date(2008, 1, 1)))
    assert not net.events and not net.classes.offenders
    assert len(net.links) == 1 and net.links[0].valid_from == date(2007, 1, 1)
    assert len(build_network(assembly, Window(until=date(2005, 6, 1))).events) == 1


def test_the_area_keeps_events_at_places_in_a_town_or_postcode() -> None:
    net = build_network(two_groups().done(), Window(area="Wexley"))
    assert net.events and all(
        net.assembly.places[e.place_id].town == "Wexley" for e in net.events if e.place_id
    )
    assert {p[0] for p in net.classes.offenders} == {"a", "b"}  # a1 at the Wexley disclosure
    by_postcode = build_network(two_groups().done(), Window(area="WX1"))
    assert len(by_postcode.events) == len(net.events)


def test_cse_entities_hold_offenders_children_and_their_things() -> None:
    net = build_network(two_groups().done())
    keep = net.cse_entities()
    assert "vehicle:A11ABC" in keep and "place:a-flat" in keep
    assert "place:a-home" not in keep  # nobody is tied to it


def test_an_inverted_window_is_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        Window(date(2010, 1, 1), date(2009, 1, 1))
