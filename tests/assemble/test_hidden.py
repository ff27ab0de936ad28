"""Estimating the hidden number from the agency lists: whole population and strata."""

from __future__ import annotations

import random

import pytest

from joinedup.assemble.hidden import SOURCE, NotEstimable, estimate_hidden
from joinedup.assemble.lists import ListMember


def _members(n: int, seed: int = 3) -> list[ListMember]:
    """``n`` hidden victims, each seen by police / social care / health with fixed chances."""
    rng = random.Random(seed)
    chances = {"police": 0.4, "social_care": 0.5, "health": 0.3}
    out: list[ListMember] = []
    for i in range(n):
        lists = frozenset(name for name, p in chances.items() if rng.random() < p)
        if lists:
            sex = "female" if i % 3 else "male"
            out.append(ListMember(f"p{i}", lists, None, "13-15", sex, "unknown", "2009"))
    return out


def test_estimate_exceeds_the_observed_and_names_its_source() -> None:
    members = _members(400)
    out = estimate_hidden(members, {"method": "auto"})
    assert out["n_observed"] == len(members)
    assert out["ci_low"] <= out["estimate"] <= out["ci_high"]
    assert len(members) < out["estimate"] < 2 * 400  # some hidden victims, not absurdly many
    assert out["provenance"]["source"] == SOURCE
    assert sorted(out["lists"].values()) == ["health", "police", "social_care"]


def test_strata_each_get_an_estimate_or_a_reason() -> None:
    members = _members(400)
    members.append(ListMember("lone", frozenset({"police"}), None, "13-15", "unknown", "x", "p"))
    out = estimate_hidden(members, {"method": "auto"}, stratify="sex")
    assert out["stratified_by"] == "sex"
    assert set(out["strata"]) == {"female", "male", "unknown"}
    assert "estimate" in out["strata"]["female"] and "estimate" in out["strata"]["male"]
    lone = out["strata"]["unknown"]
    assert lone["n_observed"] == 1 and "only 1 list(s)" in lone["warnings"][0]


def test_nobody_on_any_list_or_one_list_is_not_estimable() -> None:
    with pytest.raises(NotEstimable, match="no victims"):
        estimate_hidden([], {"method": "auto"})
    one_list = [
        ListMember(f"p{i}", frozenset({"police"}), None, "x", "x", "x", "x") for i in range(5)
    ]
    with pytest.raises(NotEstimable, match="cannot estimate"):
        estimate_hidden(one_list, {"method": "auto"})
