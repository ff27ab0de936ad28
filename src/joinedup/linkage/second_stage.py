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

Pairs of records with neither a date of birth nor an identifier can never conflict, so
the non-links say little about them: the collective stage never links on this model
alone (it also needs the Fellegi–Sunter collective probability and shared context), and
uses it to take pairs out of review when it is near-certain they are different people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

Features = np.ndarray


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
) -> SecondStage:
    """Fit the coefficients by Newton's method with an L2 penalty (not on the intercept).

    Rows with the same features are pooled first (a profile of comparison levels, with its
    count of links and non-links), so the fit costs little whatever the sample size.
    """
    y = labels.astype(np.float64)
    n_pos, n_neg = float(y.sum()), float(len(y) - y.sum())
    stage.positives, stage.negatives = int(n_pos), int(n_neg)
    if not n_pos or not n_neg:
        return stage
    profiles, inverse = np.unique(features, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    count = np.bincount(inverse, minlength=len(profiles)).astype(np.float64)
    links = np.bincount(inverse, weights=y, minlength=len(profiles))
    share = links / count
    weight = count / len(y)
    ridge = np.full(features.shape[1], penalty / len(y))
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
