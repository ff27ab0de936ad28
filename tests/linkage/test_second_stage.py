"""The second-stage model: pooled logistic regression on comparison profiles."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from joinedup.linkage.collective import CollectiveOptions
from joinedup.linkage.conflicts import RecordValues
from joinedup.linkage.decisions import DecisionSet
from joinedup.linkage.second_stage import (
    cluster_value_sets,
    fit,
    layout,
    recalibrate,
    training_labels,
)


def _profiles() -> tuple[pa.Table, np.ndarray]:
    """Names agree in every pair; date of birth agrees (2), disagrees (0) or is null (-1).

    Links: 95% where the dates agree, 5% where they disagree, 80% where one is missing.
    """
    gammas: list[int] = []
    labels: list[int] = []
    for level, links, total in ((2, 95, 100), (0, 5, 100), (-1, 80, 100)):
        gammas += [level] * total
        labels += [1] * links + [0] * (total - links)
    table = pa.table({"gamma_forename": [4] * len(gammas), "gamma_date_of_birth": gammas})
    return table, np.array(labels)


def test_fit_recovers_the_share_of_links_of_each_profile() -> None:
    table, labels = _profiles()
    stage = fit(layout(table), layout(table).features(table), labels, penalty=1e-6)
    probability = stage.probability(stage.features(table))
    assert (stage.positives, stage.negatives) == (180, 120)
    assert probability[0] == pytest.approx(0.95, abs=0.01)
    assert probability[100] == pytest.approx(0.05, abs=0.01)
    assert probability[200] == pytest.approx(0.80, abs=0.01)


def test_fit_without_both_labels_leaves_the_model_empty() -> None:
    table, _ = _profiles()
    stage = fit(layout(table), layout(table).features(table), np.ones(table.num_rows))
    assert stage.negatives == 0 and not np.any(stage.coef)


def test_training_labels_from_clusters_conflicts_and_decisions() -> None:
    clusters = {"a": "a", "b": "a", "c": "c", "d": "d", "e": "e", "f": "f"}
    labels = training_labels(
        ["a", "a", "c", "e", "a"],
        ["b", "c", "d", "f", "d"],
        clusters,
        conflicting={("c", "d")},
        confirmed=frozenset({("e", "f")}),
        rejected=frozenset({("a", "d")}),
    )
    # same cluster: link; no label; conflicting clusters: non-link; decisions win
    assert labels.tolist() == [1, -1, 0, 1, 0]


def _recalibrated(decisions: DecisionSet | None) -> float:
    """The second stage's probability for ``q0``-``q1`` after a run with ``decisions``.

    60 pairs of one profile (names agree, date of birth null) were linked by the run, 20
    of another (dates disagree) were between persons with conflicting dates; the pair
    asked about, and the pair decided, have the first profile but are not linked.
    """
    clusters: dict[str, str] = {}
    rows: list[tuple[str, str, int]] = []
    dates: dict[str, str] = {}
    for i in range(60):
        a, b = f"l{i:02d}a", f"l{i:02d}b"
        clusters[a] = clusters[b] = a
        rows.append((a, b, -1))
    for i in range(20):
        a, b = f"n{i:02d}a", f"n{i:02d}b"
        clusters[a], clusters[b] = a, b
        dates[a], dates[b] = "2001-01-01", "1980-06-30"
        rows.append((a, b, 0))
    for a, b in (("d0", "d1"), ("q0", "q1")):
        clusters[a], clusters[b] = a, b
        rows.append((a, b, -1))
    candidates = pa.table(
        {
            "record_id_l": [r[0] for r in rows],
            "record_id_r": [r[1] for r in rows],
            "match_weight": [1.0] * len(rows),
            "match_probability": [0.67] * len(rows),
            "gamma_forename": [4] * len(rows),
            "gamma_date_of_birth": [r[2] for r in rows],
        }
    )
    values = RecordValues.from_mapping({"date_of_birth": dates})
    sets = cluster_value_sets(clusters, values)
    options = CollectiveOptions()
    _, found = recalibrate(
        clusters, candidates, values, decisions, options, [("q0", "q1")], None, sets
    )
    return found[("q0", "q1")]


def test_a_rejection_lowers_the_next_runs_score_for_pairs_like_it() -> None:
    before = _recalibrated(None)
    rejected = _recalibrated(DecisionSet(frozenset(), frozenset({("d0", "d1")})))
    confirmed = _recalibrated(DecisionSet(frozenset({("d0", "d1")}), frozenset()))
    assert before > 0.9
    assert rejected < before - 0.2  # one decision counts as many of the run's own labels
    assert confirmed >= before
