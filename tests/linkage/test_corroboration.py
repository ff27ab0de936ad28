"""Name-only agreement never links on its own score; a cluster with one candidate joins it."""

from __future__ import annotations

import pyarrow as pa

from joinedup.linkage.corroboration import attach_unique_candidates, thin_records
from joinedup.linkage.decisions import ReviewDecision, resolve_decisions
from joinedup.linkage.link import LinkConfig, uncorroborated_to_review
from joinedup.linkage.prepare import prepare_records
from tests.linkage.conftest import person


def _pairs() -> pa.Table:
    return pa.table(
        {
            "record_id_l": ["a", "c", "e"],
            "record_id_r": ["b", "d", "f"],
            "match_probability": [0.999, 0.999, 0.7],
            "gamma_forename": [5, 5, 5],
            "gamma_surname": [5, 5, 5],
            "gamma_sex": [1, 1, 1],
            "gamma_date_of_birth": [-1, 3, -1],  # null, exact, null
            "gamma_postcode": [0, None, -1],  # disagrees, missing, null
        }
    )


def test_name_only_pairs_are_held_below_the_threshold() -> None:
    config = LinkConfig(threshold=0.9, review_lower=0.5)
    held = uncorroborated_to_review(_pairs(), config)
    probabilities = held["match_probability"].to_pylist()
    assert config.review_lower <= probabilities[0] < config.threshold  # name only: review
    assert probabilities[1] == 0.999  # the date of birth agrees: linked
    assert probabilities[2] == 0.7  # already in the review band: unchanged
    assert held.column_names == _pairs().column_names


def _scored(rows: list[tuple[str, str, float, int]]) -> pa.Table:
    """Pairs (left, right, probability, forename gamma); surnames agree."""
    return pa.table(
        {
            "record_id_l": [a for a, _, _, _ in rows],
            "record_id_r": [b for _, b, _, _ in rows],
            "match_weight": [0.0] * len(rows),
            "match_probability": [p for _, _, p, _ in rows],
            "gamma_forename": [g for _, _, _, g in rows],
            "gamma_surname": [5] * len(rows),
        }
    )


SINGLETONS = {r: r for r in ("c1", "p1", "p2", "q1")}


def test_a_record_joins_its_only_candidate() -> None:
    # c1: a school concern (name only); p1/p2: one child's records; q1: nobody near
    clusters = {"c1": "c1", "p1": "p1", "p2": "p1", "q1": "q1"}
    pairs = _scored([("c1", "p1", 0.7, 5), ("c1", "p2", 0.6, 5)])
    result = attach_unique_candidates(
        clusters, pairs, {"c1"}, attach_threshold=0.5, candidate_lower=0.01
    )
    assert result.clusters["c1"] == result.clusters["p1"] == "c1"
    assert result.clusters["q1"] == "q1"
    assert result.attached == [("c1", "p1")]


def test_two_candidates_leave_the_record_alone() -> None:
    pairs = _scored([("c1", "p1", 0.7, 5), ("c1", "p2", 0.02, 5)])
    result = attach_unique_candidates(
        SINGLETONS, pairs, {"c1"}, attach_threshold=0.5, candidate_lower=0.01
    )
    assert result.clusters == SINGLETONS and result.attached == []


def test_a_weak_only_candidate_or_a_different_forename_does_not_join() -> None:
    weak = _scored([("c1", "p1", 0.3, 5)])
    parent = _scored([("c1", "p1", 0.95, 0)])  # surname and address shared, forename not
    for pairs in (weak, parent):
        result = attach_unique_candidates(
            SINGLETONS, pairs, {"c1"}, attach_threshold=0.5, candidate_lower=0.01
        )
        assert result.attached == []


def test_thin_clusters_are_not_competing_candidates() -> None:
    # two name-only concerns and one child with a date of birth: both concerns join the child
    pairs = _scored([("c1", "p1", 0.7, 5), ("q1", "p1", 0.7, 5), ("c1", "q1", 0.7, 5)])
    result = attach_unique_candidates(
        SINGLETONS, pairs, {"c1", "q1"}, attach_threshold=0.5, candidate_lower=0.01
    )
    assert result.clusters["c1"] == result.clusters["q1"] == result.clusters["p1"]


def test_attachment_honours_rejections_and_conflicts() -> None:
    pairs = _scored([("c1", "p1", 0.7, 5)])
    rejected = resolve_decisions([ReviewDecision("c1", "p1", "rejected")])
    conflicting = {"sex": {"c1": "1", "p1": "2"}}
    for options in ({"decisions": rejected}, {"values": conflicting}):
        result = attach_unique_candidates(
            SINGLETONS,
            pairs,
            {"c1"},
            attach_threshold=0.5,
            candidate_lower=0.01,
            **options,
        )
        assert result.attached == []


def test_only_thin_limits_attachment_to_records_without_date_or_identifier() -> None:
    pairs = _scored([("c1", "p1", 0.7, 5)])
    result = attach_unique_candidates(
        SINGLETONS, pairs, set(), attach_threshold=0.5, candidate_lower=0.01, only_thin=True
    )
    assert result.attached == []
    assert thin_records(
        prepare_records(
            [person("a", "Amy", "Shaw", date_of_birth=None), person("b", "Amy", "Shaw")]
        )
    ) == {"a"}
