"""Estimating the hidden number from the agency lists: whole population and strata."""

from __future__ import annotations

import math
import random

import pytest

from joinedup.assemble.hidden import SOURCE, NotEstimable, estimate_hidden
from joinedup.assemble.lists import ListMember
from joinedup.estimate.lcmcr import LcmcrSettings

SHORT = LcmcrSettings(burnin=500, samples=300, thinning=2)


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
    independent = {"method": "fixed", "model": "[1,2,3]"}  # how _members draws the lists
    out = estimate_hidden(members, independent, latent_class=SHORT)
    assert out["n_observed"] == len(members)
    assert out["ci_low"] <= out["estimate"] <= out["ci_high"]
    assert len(members) < out["estimate"] < 2 * 400  # some hidden victims, not absurdly many
    assert out["provenance"]["source"] == SOURCE
    assert sorted(out["lists"].values()) == ["health", "police", "social_care"]
    # both models side by side; independent lists: they agree and the headline is a number
    assert [m["name"].split()[0] for m in out["models"]] == ["latent-class", "log-linear"]
    assert out["headline"] == "estimate" and out["reasons"] == []
    assert out["list_definitions"] == "specific"


def test_models_that_disagree_make_the_headline_a_range_with_reasons() -> None:
    # two kinds of children: one known to every list, one hardly seen. The log-linear
    # models' independence-like fit and the latent classes then part company.
    rng = random.Random(5)
    out_members: list[ListMember] = []
    for i in range(1200):
        p = 0.9 if i < 300 else 0.08
        lists = frozenset(
            n for n in ("police", "social_care", "health", "education") if rng.random() < p
        )
        if lists:
            out_members.append(ListMember(f"p{i}", lists, None, "x", "x", "x", "x"))
    out = estimate_hidden(
        out_members,
        {"method": "fixed", "model": "[1,2,3,4]"},
        latent_class=SHORT,
        frailty_replicates=0,
    )
    assert out["headline"] == "range" and out["reasons"]
    low, high = out["range"]
    assert [out["ci_low"], out["ci_high"]] == [low, high]
    # independence cannot fit two kinds of children: it is set aside, saying why, and the
    # range is the latent-class model's, which holds the 1,200
    loglinear = out["models"][1]
    assert not loglinear["credible"] and "fits the observed cells poorly" in out["reasons"][0]
    assert out["credible_models"] == [out["models"][0]["name"]]
    assert low <= 1200 <= high and loglinear["estimate"] < low


def test_the_gamma_frailty_joins_the_models_and_shares_the_point() -> None:
    # four lists; police and social care are joined for the frailty (list_dependence.yml)
    rng = random.Random(8)
    members: list[ListMember] = []
    for i in range(900):
        v = rng.gammavariate(2.0, 0.5)  # unequal visibility, mean 1
        lists = frozenset(
            n
            for n, rate in (
                ("police", 0.5),
                ("social_care", 0.4),
                ("health", 0.6),
                ("voluntary", 0.3),
            )
            if rng.random() < 1 - math.exp(-rate * v)
        )
        if lists:
            members.append(ListMember(f"p{i}", lists, None, "x", "x", "x", "x"))
    out = estimate_hidden(members, {"method": "auto"}, latent_class=SHORT, frailty_replicates=20)
    names = [m["name"] for m in out["models"]]
    assert names[0].startswith("latent-class") and names[1].startswith("gamma frailty")
    gamma = out["models"][1]
    assert gamma["joined_lists"] == ["police+social_care"] and gamma["min_shape"] == 1.0
    assert gamma["weight"] == 0.5 and out["models"][2]["weight"] == 0.0
    latent = out["models"][0]
    # drawn as the frailty model assumes: it fits, and the point is the two models' average
    assert gamma["credible"] and latent["credible"]
    assert out["point_weights"] == {latent["name"]: 0.5, gamma["name"]: 0.5}
    assert out["estimate"] == pytest.approx((latent["estimate"] + gamma["estimate"]) / 2)
    assert out["ci_low"] <= out["estimate"] <= out["ci_high"]
    assert out["n_observed"] < out["estimate"]


def test_false_positive_range_lowers_the_estimate_when_precision_is_doubted() -> None:
    members = _members(400)
    out = estimate_hidden(
        members,
        {"method": "auto"},
        latent_class=SHORT,
        precision={"police": 0.7, "social_care": 1.0, "health": 1.0},
    )
    fp = out["false_positives"]
    assert fp["precision"] == {"police": 0.7}
    assert fp["n_observed"] < out["n_observed"]
    assert fp["lcmcr_estimate"] < out["models"][0]["estimate"]


def test_linkage_imputations_feed_one_chain_each() -> None:
    members = _members(400)
    merged = [ListMember("p0", frozenset({"police", "health"}), None, "x", "x", "x", "x")]
    imputations = [members, members[2:] + merged]
    out = estimate_hidden(members, {"method": "auto"}, latent_class=SHORT, linkage=imputations)
    latent = out["models"][0]
    assert latent["settings"]["chains"] == 2 and "2 imputations" in latent["ci_method"]


def test_strata_each_get_an_estimate_or_a_reason() -> None:
    members = _members(400)
    members.append(ListMember("lone", frozenset({"police"}), None, "13-15", "unknown", "x", "p"))
    out = estimate_hidden(members, {"method": "auto"}, stratify="sex", latent_class=None)
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
