"""The second-stage model: pooled logistic regression on comparison profiles."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from joinedup.linkage.second_stage import fit, layout, training_labels


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
