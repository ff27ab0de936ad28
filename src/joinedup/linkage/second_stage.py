"""A second-stage model: how likely an undecided pair is one person, learnt from the run.

The pairwise model's weights come from EM and can be far from calibrated for a rare
profile of comparisons (two records whose names agree and whose dates of birth disagree:
the model scores some of them above even odds, yet nearly all are namesakes). This
stage fits a logistic regression (L2-penalised, Newton steps in numpy) over one-hot
features: each comparison's level (``gamma_*``, null as its own level): a recalibration
of the pairwise evidence, to which the collective stage adds the relational weight
(:mod:`joinedup.linkage.collective`). Its labels are the run's own confident decisions
(the pairs keep their natural mix, so the fitted probability is the share of links
among labelled pairs of the same profile):

- *links*: scored pairs whose two records the clustering put in one person, and pairs a
  reviewer confirmed;
- *non-links*: scored pairs between two persons whose values conflict (two dates of birth
  no recording error explains, two NHS numbers or UPNs), and pairs a reviewer rejected.

Reviewers' decisions are the learning signal (active learning): every decided pair among
the scored pairs is in the training set whether or not the spread sample drew it, and each
counts as :data:`DECISION_WEIGHT` of the run's own labels, so a handful of decisions on a
profile moves its probability in the next run (a reviewer's word is worth more than a label
the run inferred from its own links).

Pairs of records with neither a date of birth nor an identifier can never conflict, so
the non-links say little about them: the collective stage never links on this model
alone (it also needs the Fellegi–Sunter collective probability and shared context), and
uses it to take pairs out of review when it is near-certain they are different people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.conflicts import RecordValues, groups_conflict
from joinedup.linkage.decisions import DecisionSet

Features = np.ndarray

#: how many of the run's own labels one reviewer's decision counts as
DECISION_WEIGHT = 50.0


class StageOptions(Protocol):
    """What the second stage reads of the collective options."""

    @property
    def training_pairs(self) -> int:
        """At most this many scored pairs are labelled to fit it."""
        ...


def spread(n: int, limit: int) -> list[int]:
    """At most ``limit`` positions of ``range(n)``, evenly spread (all when fewer)."""
    if n <= limit:
        return list(range(n))
    chosen: list[int] = np.linspace(0, n - 1, limit).astype(int).tolist()
    return chosen


@dataclass
class SecondStage:
    """Feature layout and fitted coefficients."""

    columns: list[str]
    levels: dict[str, list[int]]
    coef: np.ndarray
    positives: int = 0
    negatives: int = 0

    @property
    def width(self) -> int:
        """Number of features (intercept included)."""
        return 1 + sum(len(v) for v in self.levels.values())

    def features(self, table: pa.Table) -> Features:
        """One-hot features of ``table``'s comparison levels."""
        n = table.num_rows
        out = np.zeros((n, self.width), dtype=np.float64)
        out[:, 0] = 1.0
        offset = 1
        for column in self.columns:
            values = np.asarray(
                table[column].fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64
            )
            for j, level in enumerate(self.levels[column]):
                out[:, offset + j] = values == level
            offset += len(self.levels[column])
        return out

    def probability(self, features: Features) -> np.ndarray:
        """Fitted probability of each row."""
        result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(features @ self.coef, -40, 40)))
        return result


def layout(table: pa.Table) -> SecondStage:
    """The feature layout of ``table``'s comparison columns (no coefficients yet)."""
    columns = [c for c in table.column_names if c.startswith("gamma_")]
    levels: dict[str, list[int]] = {}
    for column in columns:
        values = np.asarray(
            table[column].fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        levels[column] = sorted(int(v) for v in np.unique(values))
    stage = SecondStage(columns, levels, np.zeros(0))
    stage.coef = np.zeros(stage.width)
    return stage


def fit(
    stage: SecondStage,
    features: Features,
    labels: np.ndarray,
    *,
    penalty: float = 1.0,
    iterations: int = 25,
    weights: np.ndarray | None = None,
) -> SecondStage:
    """Fit the coefficients by Newton's method with an L2 penalty (not on the intercept).

    Rows with the same features are pooled first (a profile of comparison levels, with its
    count of links and non-links), so the fit costs little whatever the sample size.
    ``weights`` (default 1) count a row as that many rows (reviewers' decisions).
    """
    y = labels.astype(np.float64)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    n_pos, n_neg = float(y.sum()), float(len(y) - y.sum())
    stage.positives, stage.negatives = int(n_pos), int(n_neg)
    if not n_pos or not n_neg:
        return stage
    profiles, inverse = np.unique(features, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    count = np.bincount(inverse, weights=w, minlength=len(profiles))
    links = np.bincount(inverse, weights=w * y, minlength=len(profiles))
    share = links / count
    total = float(w.sum())
    weight = count / total
    ridge = np.full(features.shape[1], penalty / total)
    ridge[0] = 0.0
    coef = np.zeros(features.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(profiles @ coef, -40, 40)))
        gradient = profiles.T @ (weight * (p - share)) + ridge * coef
        curvature = (profiles * (weight * p * (1 - p))[:, None]).T @ profiles
        curvature[np.diag_indices_from(curvature)] += ridge + 1e-9
        step = np.linalg.solve(curvature, gradient)
        coef -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    stage.coef = coef
    return stage


def training_labels(
    lefts: Sequence[str],
    rights: Sequence[str],
    clusters: Mapping[str, str],
    conflicting: set[tuple[str, str]],
    confirmed: frozenset[tuple[str, str]],
    rejected: frozenset[tuple[str, str]],
) -> np.ndarray:
    """Per pair: 1 a confident link, 0 a confident non-link, -1 no label.

    ``conflicting`` holds cluster-key pairs (smaller first) whose values conflict.
    """
    out = np.full(len(lefts), -1, dtype=np.int64)
    for i, (a, b) in enumerate(zip(lefts, rights, strict=True)):
        pair = (a, b) if a < b else (b, a)
        if pair in confirmed:
            out[i] = 1
            continue
        if pair in rejected:
            out[i] = 0
            continue
        ca, cb = clusters.get(a, a), clusters.get(b, b)
        if ca == cb:
            out[i] = 1
        elif ((ca, cb) if ca < cb else (cb, ca)) in conflicting:
            out[i] = 0
    return out


def cluster_value_sets(
    clusters: Mapping[str, str], values: RecordValues
) -> dict[str, dict[str, frozenset[str]]]:
    """Each cluster's set of values per conflict column."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    ids = values.record_ids.to_pylist()
    for column, array in values.columns.items():
        found: dict[str, set[str]] = {}
        for record, value in zip(ids, array.to_pylist(), strict=True):
            if value is not None:
                found.setdefault(clusters.get(record, record), set()).add(value)
        for cluster, held in found.items():
            out.setdefault(cluster, {})[column] = frozenset(held)
    return out


def recalibrate(
    clusters: Mapping[str, str],
    candidates: pa.Table,
    values: RecordValues,
    decisions: DecisionSet | None,
    options: StageOptions,
    wanted: list[tuple[str, str]],
    stage: SecondStage | None = None,
    sets: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
) -> tuple[SecondStage | None, dict[tuple[str, str], float]]:
    """The second stage (fitted on a spread sample of the run's confident pairs unless
    ``stage`` is given) and its probability for the ``wanted`` pairs."""
    if not any(c.startswith("gamma_") for c in candidates.column_names) or not wanted:
        return stage, {}
    if stage is None:
        stage = _fit_stage(clusters, candidates, sets or {}, decisions, options)
    if not stage.positives or not stage.negatives:
        return stage, {}
    keys = pa.array([f"{a}|{b}" for a, b in wanted], pa.string())
    joined = pc.binary_join_element_wise(
        pc.cast(candidates["record_id_l"], pa.string()),
        pc.cast(candidates["record_id_r"], pa.string()),
        "|",
    )
    rows = pc.index_in(keys, value_set=joined)
    probability = stage.probability(stage.features(candidates.take(rows))).tolist()
    return stage, dict(zip(wanted, probability, strict=True))


def _fit_stage(
    clusters: Mapping[str, str],
    candidates: pa.Table,
    sets: Mapping[str, Mapping[str, frozenset[str]]],
    decisions: DecisionSet | None,
    options: StageOptions,
) -> SecondStage:
    chosen = spread(candidates.num_rows, options.training_pairs)
    decided = _decided_rows(candidates, decisions)
    sample = candidates.take(pa.array(chosen + decided, pa.int64()))
    lefts = sample["record_id_l"].to_pylist()
    rights = sample["record_id_r"].to_pylist()
    conflicting: set[tuple[str, str]] = set()
    for a, b in zip(lefts, rights, strict=True):
        ca, cb = clusters.get(a, a), clusters.get(b, b)
        if ca != cb and groups_conflict(sets.get(ca, {}), sets.get(cb, {})):
            conflicting.add((ca, cb) if ca < cb else (cb, ca))
    confirmed = decisions.confirmed if decisions is not None else frozenset()
    rejected = decisions.rejected if decisions is not None else frozenset()
    labels = training_labels(lefts, rights, clusters, conflicting, confirmed, rejected)
    weights = np.ones(len(labels))
    weights[len(chosen) :] = DECISION_WEIGHT
    weights[: len(chosen)][np.isin(chosen, decided)] = 0.0  # drawn twice: count it once
    labelled = np.flatnonzero((labels >= 0) & (weights > 0))
    stage = layout(candidates)
    train = sample.take(pa.array(labelled, pa.int64()))
    return fit(stage, stage.features(train), labels[labelled], weights=weights[labelled])


def _decided_rows(candidates: pa.Table, decisions: DecisionSet | None) -> list[int]:
    """Positions in ``candidates`` of the pairs a reviewer decided."""
    if decisions is None or not decisions.decided:
        return []
    keys = pa.array(sorted(f"{a}|{b}" for a, b in decisions.decided), pa.string())
    joined = pc.binary_join_element_wise(
        pc.cast(candidates["record_id_l"], pa.string()),
        pc.cast(candidates["record_id_r"], pa.string()),
        "|",
    )
    found = pc.is_in(joined, value_set=keys)
    return [int(i) for i in np.flatnonzero(found.to_numpy(zero_copy_only=False))]
