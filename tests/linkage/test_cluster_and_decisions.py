"""Clustering with review decisions; decisions survive re-runs."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from joinedup.linkage.cluster import cluster_pairs, clusters_as_groups
from joinedup.linkage.decisions import ReviewDecision, resolve_decisions, review_queue
from joinedup.linkage.link import LinkConfig, link_records
from tests.linkage.conftest import person


def _pairs(rows: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table(
        {
            "record_id_l": [a for a, _, _ in rows],
            "record_id_r": [b for _, b, _ in rows],
            "match_weight": [w for _, _, w in rows],
            "match_probability": [2**w / (1 + 2**w) for _, _, w in rows],
        }
    )


CHAIN = _pairs([("a", "b", 20.0), ("b", "c", 5.0), ("c", "d", 18.0), ("x", "y", -3.0)])


def test_without_decisions_it_is_connected_components() -> None:
    result = cluster_pairs("abcdxy", CHAIN, threshold=0.9)
    assert clusters_as_groups(result.clusters) == {
        "a": ["a", "b", "c", "d"],
        "x": ["x"],
        "y": ["y"],
    }


def test_rejection_cuts_the_weakest_link_on_the_path() -> None:
    decisions = resolve_decisions([ReviewDecision("a", "d", "rejected", "different DOB")])
    result = cluster_pairs("abcdxy", CHAIN, threshold=0.9, decisions=decisions)
    groups = clusters_as_groups(result.clusters)
    assert groups["a"] == ["a", "b"] and groups["c"] == ["c", "d"]
    assert result.refused_links == [("b", "c")]


def test_confirmation_merges_below_threshold_and_latest_decision_wins() -> None:
    decisions = resolve_decisions(
        [
            {"record_id_a": "y", "record_id_b": "x", "verdict": "rejected"},
            {"record_id_a": "x", "record_id_b": "y", "verdict": "confirmed"},
        ]
    )
    result = cluster_pairs("abcdxy", CHAIN, threshold=0.9, decisions=decisions)
    assert result.clusters["x"] == result.clusters["y"]


def test_contradicting_confirmation_is_reported_and_rejection_wins() -> None:
    decisions = resolve_decisions(
        [
            ReviewDecision("x", "y", "confirmed"),
            ReviewDecision("y", "z", "confirmed"),
            ReviewDecision("x", "z", "rejected"),
        ]
    )
    result = cluster_pairs("xyz", _pairs([]), threshold=0.9, decisions=decisions)
    assert result.clusters["x"] != result.clusters["z"]
    assert result.conflicts == [("y", "z")]


def test_review_queue_holds_the_uncertain_band_minus_decided_pairs() -> None:
    pairs = _pairs([("a", "b", 0.5), ("c", "d", 1.5), ("e", "f", 30.0), ("g", "h", -9.0)])
    decided = resolve_decisions([ReviewDecision("d", "c", "rejected")])
    queue = review_queue(pairs, lower=0.5, upper=0.99, decisions=decided)
    assert list(
        zip(queue["record_id_l"].to_pylist(), queue["record_id_r"].to_pylist(), strict=True)
    ) == [("a", "b")]


def _twins() -> list[dict[str, Any]]:
    # Twins: same surname, date of birth and address; one name apart.
    return [
        person("t1", "Hassan", "Ali", sex="1"),
        person("t2", "Hussain", "Ali", sex="1"),
        person("t3", "Hussein", "Ali", sex="1"),
    ]


def test_decisions_survive_re_runs(
    model: dict[str, Any], synthetic: tuple[list[dict[str, Any]], Any, Any]
) -> None:
    records = synthetic[0][:300] + _twins()
    config = LinkConfig(threshold=0.9)
    decisions = [
        ReviewDecision("t1", "t2", "rejected", "twins: different children"),
        ReviewDecision("t1", "t3", "rejected", "twins: different children"),
        ReviewDecision("t2", "t3", "confirmed", "same child, spelling differs"),
    ]
    first = link_records(records, model=model, decisions=decisions, config=config)
    second = link_records(
        records,
        model=model,
        decisions=decisions,
        previous_person_ids=first.person_ids,
        config=config,
    )
    for run in (first, second):
        ids = run.person_ids
        assert ids["t2"] == ids["t3"]
        assert ids["t1"] != ids["t2"]
    assert second.person_ids == first.person_ids
