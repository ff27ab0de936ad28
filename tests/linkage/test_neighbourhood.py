"""A name-only record joins the only namesake among the people around it."""

from __future__ import annotations

from joinedup.linkage.context import RecordContext
from joinedup.linkage.decisions import DecisionSet
from joinedup.linkage.neighbourhood import (
    NeighbourhoodIndex,
    NeighbourhoodOptions,
    attach_in_neighbourhood,
    forenames_agree,
    within,
)

Name = tuple[str, str, str, str]


def _name(forename: str, surname: str = "", canon: str = "") -> Name:
    return (forename, canon or forename, "", surname)


def _index(names: dict[str, Name], thin: set[str], context: RecordContext) -> NeighbourhoodIndex:
    return NeighbourhoodIndex(names, thin, context, NeighbourhoodOptions())


def _borough() -> tuple[dict[str, str], dict[str, Name], set[str], RecordContext]:
    """``a1``: "Tariq", an associate of the offender ``o1`` (thin, forename only).

    ``t1`` + ``t2``: Tariq Hussain (dates of birth), seen with ``o2`` (the offender's
    police record, one person with ``o1``) in a police event. ``b1``: his brother Imran
    Hussain, in the same event. ``x1``: another Tariq, far away (no shared context).
    """
    clusters = {"a1": "a1", "o1": "o1", "o2": "o1", "t1": "t1", "t2": "t1", "b1": "b1"}
    clusters["x1"] = "x1"
    names = {
        "a1": _name("tariq"),
        "o1": _name("darren", "pike"),
        "o2": _name("darren", "pike"),
        "t1": _name("tariq", "hussain"),
        "t2": _name("tariq", "hussain"),
        "b1": _name("imran", "hussain"),
        "x1": _name("tariq", "mahmood"),
    }
    context = RecordContext()
    context.add_neighbours("a1", "o1")
    context.add_neighbours("t1", "o2")
    context.add_neighbours("b1", "o2")
    context.add_neighbours("t1", "b1")
    return clusters, names, {"a1"}, context


def test_associate_joins_the_only_namesake_near_its_offender() -> None:
    clusters, names, thin, context = _borough()
    links = attach_in_neighbourhood(clusters, _index(names, thin, context))
    assert links == [("a1", "t1")]
    assert clusters["a1"] == clusters["t1"] == clusters["t2"] == "a1"
    assert clusters["b1"] == "b1" and clusters["x1"] == "x1"  # the brother stays apart


def test_two_namesakes_near_it_leave_the_record_for_review() -> None:
    clusters, names, thin, context = _borough()
    clusters["t3"] = "t3"
    names["t3"] = _name("tariq", "ali")
    context.add_neighbours("t3", "o2")
    assert attach_in_neighbourhood(clusters, _index(names, thin, context)) == []
    assert clusters["a1"] == "a1"


def test_the_nearer_namesake_wins() -> None:
    clusters, names, thin, context = _borough()
    clusters["t3"] = "t3"
    names["t3"] = _name("tariq", "ali")
    context.add_neighbours("t3", "b1")  # two steps from the offender, Tariq Hussain one
    links = attach_in_neighbourhood(clusters, _index(names, thin, context))
    assert links == [("a1", "t1")]


def test_a_sibling_with_another_forename_is_never_joined() -> None:
    clusters, names, thin, context = _borough()
    names["a1"] = _name("sana", "hussain")
    assert attach_in_neighbourhood(clusters, _index(names, thin, context)) == []


def test_a_rejection_keeps_them_apart() -> None:
    clusters, names, thin, context = _borough()
    rejected = DecisionSet(confirmed=frozenset(), rejected=frozenset({("a1", "t2")}))
    assert attach_in_neighbourhood(clusters, _index(names, thin, context), rejected) == []


def test_a_forename_alone_looks_less_far_than_a_full_name() -> None:
    clusters, names, thin, context = _borough()
    # move Tariq Hussain three steps away: offender - b1 - c1 - t1
    context.neighbours.clear()
    clusters["c1"] = "c1"
    names["c1"] = _name("carl", "webb")
    for a, b in (("a1", "o1"), ("b1", "o2"), ("b1", "c1"), ("c1", "t1")):
        context.add_neighbours(a, b)
    assert attach_in_neighbourhood(dict(clusters), _index(names, thin, context)) == []
    names["a1"] = _name("tariq", "hussain")
    assert attach_in_neighbourhood(dict(clusters), _index(names, thin, context)) == [("a1", "t1")]


def test_forenames_agree_on_canonical_alternate_and_prefix() -> None:
    assert forenames_agree(("mohd", "muhammad", "", ""), ("mohammed", "muhammad", "", ""))
    assert forenames_agree(("sam", "samuel", "samantha", ""), ("samantha", "samantha", "", ""))
    assert forenames_agree(("saj", "saj", "", ""), ("sajid", "sajid", "", ""))
    assert not forenames_agree(("al", "al", "", ""), ("alan", "alan", "", ""))  # too short
    assert not forenames_agree(("aisha", "aisha", "", ""), ("asha", "asha", "", ""))


def test_within_counts_steps() -> None:
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"b", "d"}, "d": {"c"}}
    assert within(graph, {"a"}, 2) == {"a": 0, "b": 1, "c": 2}


def test_of_two_namesakes_at_one_distance_the_better_tied_one_wins() -> None:
    clusters, names, thin, context = _borough()
    # a second Tariq two steps away through one person; Tariq Hussain's cluster is moved
    # to two steps as well, but tied to two people a step from the offender
    context.neighbours.clear()
    for record in ("c1", "c2", "t3"):
        clusters[record] = record
    names["c1"], names["c2"] = _name("carl", "webb"), _name("lee", "ward")
    names["t3"] = _name("tariq", "ali")
    for a, b in (("a1", "o1"), ("c1", "o2"), ("c2", "o2"), ("c1", "t1"), ("c2", "t2")):
        context.add_neighbours(a, b)
    context.add_neighbours("b1", "o2")
    context.add_neighbours("b1", "t3")
    links = attach_in_neighbourhood(clusters, _index(names, thin, context))
    assert links == [("a1", "t1")]


def test_a_full_name_looks_four_steps_and_no_further() -> None:
    clusters, names, thin, context = _borough()
    # Tariq Hussain four steps away: offender - b1 - c1 - d1 - t1
    context.neighbours.clear()
    for record, name in (("c1", ("carl", "webb")), ("d1", ("dean", "ward"))):
        clusters[record] = record
        names[record] = _name(*name)
    names["a1"] = _name("tariq", "hussain")
    for a, b in (("a1", "o1"), ("b1", "o2"), ("b1", "c1"), ("c1", "d1"), ("d1", "t1")):
        context.add_neighbours(a, b)
    assert attach_in_neighbourhood(dict(clusters), _index(names, thin, context)) == [("a1", "t1")]
    # one more step (d1 - e1 - t1): out of reach
    context.neighbours["d1"].discard("t1")
    context.neighbours["t1"].discard("d1")
    clusters["e1"], names["e1"] = "e1", _name("eve", "stone")
    context.add_neighbours("d1", "e1")
    context.add_neighbours("e1", "t1")
    assert attach_in_neighbourhood(dict(clusters), _index(names, thin, context)) == []
