"""Multiple imputation of the uncertain links among listed children."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.assemble.hidden_store import UncertainLink, impute_members
from joinedup.assemble.lists import ListMember


def _member(pid: str, *lists: str) -> ListMember:
    return ListMember(pid, frozenset(lists), None, "x", "x", "x", "x")


MEMBERS = [
    _member("a", "police"),
    _member("b", "health"),
    _member("c", "police", "social_care"),
    _member("d", "voluntary"),
]


def test_certain_links_merge_and_impossible_ones_do_not() -> None:
    links = [UncertainLink("a", "b", 1.0), UncertainLink("c", "d", 0.0)]
    (only,) = impute_members(MEMBERS, links, n=1)
    assert {m.person_id: m.lists for m in only} == {
        "a": {"police", "health"},
        "c": {"police", "social_care"},
        "d": {"voluntary"},
    }
    assert impute_members(MEMBERS, [], n=2) == [MEMBERS, MEMBERS]
    with pytest.raises(ValueError, match="at least 1"):
        impute_members(MEMBERS, links, n=0)


def test_a_link_is_made_about_as_often_as_its_probability() -> None:
    imputations = impute_members(MEMBERS, [UncertainLink("a", "b", 0.3)], n=400, seed=2)
    merged = sum(len(ms) == 3 for ms in imputations) / 400
    assert 0.24 < merged < 0.36
    assert impute_members(MEMBERS, [UncertainLink("a", "b", 0.3)], n=5, seed=2) == imputations[:5]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd"), st.floats(0, 1))))
def test_imputation_keeps_every_listing_and_never_adds_people(
    links: list[tuple[str, str, float]],
) -> None:
    uncertain = [UncertainLink(a, b, p) for a, b, p in links if a != b]
    for members in impute_members(MEMBERS, uncertain, n=3):
        ids = [m.person_id for m in members]
        assert len(ids) == len(set(ids)) and set(ids) <= {m.person_id for m in MEMBERS}
        possible = {frozenset((u.person_a, u.person_b)) for u in uncertain if u.probability > 0}
        certain = any(u.probability >= 1.0 for u in uncertain)
        assert len(MEMBERS) - len(possible) <= len(members) <= len(MEMBERS) - certain
        held = [(name, m.person_id) for m in members for name in m.lists]
        assert {name for name, _ in held} == {"police", "health", "social_care", "voluntary"}
