"""Collective evidence on a handcrafted borough: thin namesakes, a shared phone, siblings."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from joinedup.linkage.collective import (
    CollectiveOptions,
    RelationalModel,
    cluster_context,
    collective_decide,
)
from joinedup.linkage.conflicts import RecordValues
from joinedup.linkage.context import RecordContext, address_token, phone_token, vehicle_token
from joinedup.linkage.decisions import DecisionSet, value_order

OPTIONS = CollectiveOptions(link_probability=0.99)


def _pairs(rows: list[tuple[str, str, float, int, int, int]]) -> pa.Table:
    """(left, right, match weight, gamma forename, gamma surname, gamma date of birth)."""
    return pa.table(
        {
            "record_id_l": [r[0] for r in rows],
            "record_id_r": [r[1] for r in rows],
            "match_weight": [r[2] for r in rows],
            "match_probability": [1 / (1 + 2 ** (-r[2])) for r in rows],
            "gamma_forename": [r[3] for r in rows],
            "gamma_surname": [r[4] for r in rows],
            "gamma_date_of_birth": [r[5] for r in rows],
        }
    )


def _borough() -> tuple[dict[str, str], RecordContext, list[tuple[Any, ...]]]:
    """Background for estimating m and u, plus the Khan family.

    - 30 persons of two records each sharing an address (what a match looks like);
    - 30 pairs of namesakes with different dates of birth sharing nothing;
    - ``k1``: a thin "Aisha Khan" (a name and a phone), seen in a police event with her
      brother ``s1``; ``k2`` + ``k3``: Aisha's cluster (``k3`` holds the same rare phone
      and is recorded with the same brother); the pair k1-k2 scores 3 (p = 0.89);
    - ``k4``: a thin "Aisha Khan" who is someone else: shares nothing with k2's cluster;
    - ``k5``: her sister "Sana Khan": same surname, address, phone and brother as k2's
      cluster, a different forename (the pair scores 3 on surname and address).
    """
    clusters: dict[str, str] = {}
    context = RecordContext()
    rows: list[tuple[Any, ...]] = []
    for i in range(30):
        a, b = f"m{i:02d}a", f"m{i:02d}b"
        clusters[a] = clusters[b] = a
        token = address_token(f"{i} High Street", f"S{i:02d} 1AB")
        assert token is not None
        context.add_token(a, token)
        context.add_token(b, token)
        c, d = f"u{i:02d}c", f"u{i:02d}d"
        clusters[c], clusters[d] = c, d
        context.add_token(c, f"addr:x{i}")
        context.add_token(d, f"addr:y{i}")
        rows.append((c, d, 1.0, 4, 4, 0))
    for record in ("k1", "k4", "k5", "s1"):
        clusters[record] = record
    clusters["k2"] = clusters["k3"] = "k2"
    phone = phone_token("07700 900123")
    assert phone is not None
    context.add_token("k1", phone)
    context.add_token("k3", phone)
    context.add_token("k5", phone)
    home = address_token("4 Mill Lane", "S60 2XY")
    assert home is not None
    context.add_token("k3", home)
    context.add_token("k5", home)
    for record in ("k1", "k3", "k5"):
        context.add_neighbours(record, "s1")
    rows += [
        ("k1", "k2", 3.0, 4, 4, -1),
        ("k2", "k4", 3.0, 4, 4, -1),
        ("k2", "k5", 3.0, 0, 4, -1),
    ]
    return clusters, context, rows


def _decide(decisions: DecisionSet | None = None) -> Any:
    clusters, context, rows = _borough()
    thin = {"k1", "k4", "k5"}
    return collective_decide(
        clusters,
        _pairs(rows),
        context,
        thin,
        review_lower=0.5,
        threshold=0.9,
        options=OPTIONS,
        decisions=decisions,
    )


def test_thin_namesake_sharing_a_rare_phone_and_a_sibling_is_linked() -> None:
    result = _decide()
    linked = {(a, b) for a, b, _ in result.link}
    assert ("k1", "k2") in linked
    assert all(p >= 0.99 for _, _, p in result.link)


def test_namesake_sharing_nothing_is_not_linked() -> None:
    result = _decide()
    linked = {(a, b) for a, b, _ in result.link}
    assert ("k2", "k4") not in linked
    # nothing shared is evidence against: it falls below the pairwise score
    rest = {
        (a, b): p
        for a, b, p in zip(
            result.undecided["record_id_l"].to_pylist(),
            result.undecided["record_id_r"].to_pylist(),
            result.undecided["match_probability"].to_pylist(),
            strict=True,
        )
    }
    assert rest.get(("k2", "k4"), 0.0) < 1 / (1 + 2**-3.0)


def test_sister_sharing_surname_address_and_phone_is_never_linked() -> None:
    result = _decide()
    assert ("k2", "k5") not in {(a, b) for a, b, _ in result.link}
    undecided = dict(
        zip(
            zip(
                result.undecided["record_id_l"].to_pylist(),
                result.undecided["record_id_r"].to_pylist(),
                strict=True,
            ),
            result.undecided["match_probability"].to_pylist(),
            strict=True,
        )
    )
    # forenames disagree: the shared context never lifts it above its pairwise score
    assert undecided[("k2", "k5")] == 1 / (1 + 2**-3.0)


def test_estimated_levels_favour_shared_context() -> None:
    result = _decide()
    model = result.model
    assert isinstance(model, RelationalModel)
    assert model.m_pairs > 0 and model.u_pairs == 30
    weights = model.weights
    assert weights[0] < 0 < weights[1]
    assert weights == sorted(weights)


def test_a_rejection_feeds_the_estimate_and_is_not_decided_again() -> None:
    rejected = DecisionSet(frozenset(), frozenset({("k1", "k2")}))
    result = _decide(rejected)
    assert ("k1", "k2") not in {(a, b) for a, b, _ in result.link}
    assert result.model is not None and result.model.u_pairs == 31


def test_rarity_weights_a_shared_neighbour_by_cluster() -> None:
    clusters, context, _ = _borough()
    ctx = cluster_context(clusters, context, max_df=50)
    assert "nb:s1" in ctx.by_cluster["k2"] and "nb:s1" in ctx.by_cluster["k1"]
    assert ctx.score("k1", "k2") > ctx.score("k2", "k4") == 0.0
    # the same cluster is no evidence
    assert ctx.score("k2", "k3") == 0.0


def test_tokens_are_normalised() -> None:
    assert phone_token("07700 900123") == phone_token("+44 7700 900123")
    assert vehicle_token("yt16 dxm") == vehicle_token("YT16DXM")
    assert address_token("Flat 3, 17 Albert Drive", "dm7 7pd") == address_token(
        "flat 3 17 albert drive", "DM7 7PD"
    )
    assert phone_token("") is None and address_token("1 Road", "") is None


def test_queue_keeps_one_pair_per_pair_of_clusters_most_valuable_first() -> None:
    queue = pa.table(
        {
            "record_id_l": ["a", "a", "c", "e"],
            "record_id_r": ["b", "x", "d", "f"],
            "match_weight": [0.0, -1.0, 0.0, 3.0],
            "match_probability": [0.5, 0.33, 0.5, 0.89],
        }
    )
    clusters = {"a": "a", "b": "b", "x": "b", "y": "b", "c": "c", "d": "c", "e": "e", "f": "f"}
    ordered = value_order(queue, clusters)
    # a-x is implied by a-b (same clusters); c-d is already one person
    assert ordered["record_id_l"].to_pylist() == ["a", "e"]
    assert ordered["cluster_pairs"].to_pylist() == [3, 1]
    assert ordered["value"].to_pylist()[0] > ordered["value"].to_pylist()[1]


def test_pairs_between_persons_with_conflicting_values_leave_review() -> None:
    clusters, context, rows = _borough()
    values = RecordValues.from_mapping(
        {"date_of_birth": {"k2": "2008-05-17", "k3": "2008-05-17", "k4": "1990-01-01"}}
    )
    result = collective_decide(
        clusters,
        _pairs(rows),
        context,
        {"k1", "k4", "k5"},
        review_lower=0.5,
        threshold=0.9,
        options=OPTIONS,
        values=values,
    )
    undecided = set(
        zip(
            result.undecided["record_id_l"].to_pylist(),
            result.undecided["record_id_r"].to_pylist(),
            strict=True,
        )
    )
    assert ("k2", "k4") not in undecided and result.conflicting == 1
    assert ("k1", "k2") in {(a, b) for a, b, _ in result.link}  # no date: no conflict
