"""Groups, centrality, brokers, hotspots, shared objects and movement on hand-built networks."""

from __future__ import annotations

from datetime import date

import igraph as ig
from hypothesis import given
from hypothesis import strategies as st

from joinedup.network.analysis import analyse
from joinedup.network.centrality import centralities, top
from joinedup.network.communities import leiden, offender_ties, split_at_brokers, weighted_graph
from joinedup.network.evaluate import adjusted_rand_index
from joinedup.network.graph import build_network
from joinedup.network.hotspots import rank_places, time_profile
from tests.network.builder import Builder, two_groups


def _named(graph: ig.Graph) -> ig.Graph:
    graph.vs["name"] = [f"v{i:02d}" for i in range(graph.vcount())]
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph


def test_two_planted_groups_are_recovered_with_the_broker_in_their_own_group() -> None:
    result = analyse(build_network(two_groups().done()))
    groups = result.groups.groups()
    assert sorted(sorted(m) for m in groups.values()) == [
        ["a1", "a2", "a3", "a4"],
        ["b1", "b2", "b3", "b4"],
    ]
    assert list(groups) == ["G01", "G02"]
    broker = next(b for b in result.brokers if b.id == "a1")
    assert broker.category == "offender" and len(broker.groups) == 2
    assert 0 < broker.participation < 0.5  # mostly tied to its own group


def test_offender_ties_weigh_shared_children_once_per_child() -> None:
    b = Builder()
    for p in ("x", "y", "z"):
        b.adult(p)
    b.child("c")
    day = date(2008, 1, 1)
    for p in ("x", "y", "z"):
        b.link("controlling_adult", p, "c", start=day)
    weights = offender_ties(build_network(b.done()))
    # one child tied to three offenders adds 1/(3-1) to each pair
    assert weights == {("x", "y"): 0.5, ("x", "z"): 0.5, ("y", "z"): 0.5}


def test_leiden_is_deterministic_and_labels_largest_first() -> None:
    graph = _named(ig.Graph.Famous("Zachary"))
    first = leiden(graph, 1.0, seed=1, min_size=2)
    again = leiden(graph, 1.0, seed=1, min_size=2)
    assert first.membership == again.membership
    sizes = [len(m) for m in first.groups().values()]
    assert sizes == sorted(sizes, reverse=True)
    single = leiden(weighted_graph(["lonely"], {}), 1.0, seed=1, min_size=2)
    assert single.membership == {"lonely": None}


def test_a_community_held_together_by_one_member_is_split_there() -> None:
    # two cliques of four, both tied only to v08; v08 is tied more strongly to the first
    graph = ig.Graph.Full(4) + ig.Graph.Full(4)
    graph.add_vertices(1)
    graph.add_edges([(8, 0), (8, 1), (8, 4)])
    graph = _named(graph)
    parts = split_at_brokers(graph, 3)
    assert sorted(sorted(p) for p in parts) == [
        ["v00", "v01", "v02", "v03", "v08"],
        ["v04", "v05", "v06", "v07"],
    ]
    assert split_at_brokers(graph, 0) == [graph.vs["name"]]
    assert split_at_brokers(graph, 5) == [graph.vs["name"]]  # parts too small
    # a controlling adult with pairs of associates: pieces of two stay with him
    star = ig.Graph([(0, 1), (1, 2), (0, 2), (0, 3), (3, 4), (0, 4)])
    assert len(split_at_brokers(_named(star), 3)) == 1


def test_centrality_measures_disagree_where_they_should() -> None:
    # two cliques of five joined through one go-between of degree 2
    graph = ig.Graph.Full(5) + ig.Graph.Full(5)
    graph.add_vertices(1)
    graph.add_edges([(0, 10), (10, 5)])
    rows = {r.id: r for r in centralities(_named(graph))}
    bridge, hub = rows["v10"], rows["v00"]
    assert bridge.ranks["betweenness"] == 1
    assert bridge.ranks["degree"] > hub.ranks["degree"]
    assert hub.ranks["degree"] == 1 and hub.values["degree"] == 5
    assert 0 <= bridge.values["betweenness"] <= 1
    assert {r.id for r in top(list(rows.values()), 1)} >= {"v10", "v00", "v05"}


def test_hotspots_rank_places_by_distinct_children_with_times_of_day() -> None:
    b = Builder()
    b.adult("man")
    b.place("place:busy", "takeaway")
    b.place("place:quiet", "hotel")
    b.place("place:home", "home")
    day = date(2008, 3, 3)  # a Monday
    for i in range(4):
        b.child(f"c{i}")
        b.event(
            "police_incident", day, {"man": "suspect", f"c{i}": "victim"}, "place:busy", hour=23
        )
        b.event(
            "police_incident", day, {"man": "suspect", f"c{i}": "victim"}, "place:home", hour=23
        )
    for _ in range(6):  # many events, one child
        b.event("police_incident", day, {"man": "suspect", "c0": "victim"}, "place:quiet", hour=9)
    net = build_network(b.done())
    spots = rank_places(net)
    assert [s.place_id for s in spots] == ["place:busy", "place:quiet"]
    assert len(spots[0].children) == 4 and spots[1].events == 6
    assert spots[0].bands == {"evening (18-24)": 4}
    assert spots[0].weekdays == {"Mon": 4}
    care = rank_places(net, care_places=True)
    assert [s.place_id for s in care] == ["place:home"]
    profile = time_profile(net, spots)
    assert list(profile["bands"]) == [label for _, label in net.config.hotspots.bands]
    assert profile["bands"]["morning (06-12)"] == 6


def test_shared_vehicles_and_movement_between_towns() -> None:
    b = two_groups()
    shared = b.vehicle("SHARED1", licence_type="hackney")
    day = date(2008, 3, 1)
    b.event("vehicle_stop", day, {"a2": "driver", "ac0": "passenger"}, "place:a-flat", (shared,))
    b.event("vehicle_stop", day, {"b2": "driver", "bc0": "passenger"}, "place:b-flat", (shared,))
    result = analyse(build_network(b.done()))
    first = result.shared[0]
    assert first.id == "vehicle:SHARED1" and first.across_groups and first.licensed == "hackney"
    assert first.offenders == {"a2", "b2"}
    # every child was seen in its own town only; a1 of the Dunmere group was seen in Wexley
    assert result.movement.flows == []
    assert result.movement.multi_town_groups() == {"G01": ["Dunmere", "Wexley"]}


def test_a_child_seen_in_another_town_is_a_flow() -> None:
    b = two_groups()
    b.event("missing_episode", date(2009, 1, 1), {"ac1": "missing_person"}, "place:b-flat")
    result = analyse(build_network(b.done()))
    flow = result.movement.flows[0]
    assert (flow.origin, flow.destination) == ("Dunmere", "Wexley")
    assert "ac1" in flow.children


@given(st.lists(st.integers(0, 4), min_size=2, max_size=40), st.permutations(range(5)))
def test_ari_ignores_label_names_and_is_symmetric(labels: list[int], perm: list[int]) -> None:
    renamed = [f"x{perm[x]}" for x in labels]
    assert abs(adjusted_rand_index(labels, renamed) - 1.0) < 1e-12
    other = labels[::-1]
    assert abs(adjusted_rand_index(labels, other) - adjusted_rand_index(other, labels)) < 1e-12


def test_ari_of_a_known_example() -> None:
    # sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714...
    assert abs(adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) - 4 / 7) < 1e-12
