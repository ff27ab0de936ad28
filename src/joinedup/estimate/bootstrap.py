"""BCa bootstrap that repeats model selection in every replicate (Silverman, Chan & Vincent
2024): multinomial resamples of the observed table, delete-one jackknife for acceleration,
seeded, run in parallel worker processes and vectorised across replicates where possible."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.estimate.batch import evaluate_models, select_best
from joinedup.estimate.intervals import Interval, bca_interval, jackknife_acceleration
from joinedup.estimate.notation import Model, format_model
from joinedup.estimate.table import CaptureTable

Selector = Callable[[CaptureTable, NDArray[np.float64]], tuple[NDArray[np.float64], list[str]]]
"""Maps a batch of count vectors (R, C) to estimates (R,) and the selected model labels."""


@dataclass(frozen=True)
class BatchSelector:
    """Select among ``models`` by AIC/BIC, vectorised (a single model gives a fixed fit)."""

    models: tuple[Model, ...]
    criterion: str = "bic"
    warm: tuple[NDArray[np.float64] | None, ...] | None = None

    def __call__(
        self, table: CaptureTable, counts: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], list[str]]:
        est, crit = evaluate_models(self.models, counts, self.criterion, self.warm)
        best, idx = select_best(est, crit)
        labels = [format_model(self.models[i]) if i >= 0 else "" for i in idx]
        return best, labels


@dataclass(frozen=True)
class LoopSelector:
    """Apply ``fn`` (table → (estimate, model label)) to each replicate in turn."""

    fn: Callable[[CaptureTable], tuple[float, str]]

    def __call__(
        self, table: CaptureTable, counts: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], list[str]]:
        out = np.full(counts.shape[0], math.nan)
        labels = []
        for i, row in enumerate(counts):
            try:
                out[i], label = self.fn(table.with_counts(row))
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                label = ""
            labels.append(label)
        return out, labels


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap and jackknife replicates and the BCa interval they give."""

    interval: Interval
    replicates: NDArray[np.float64]
    jackknife: NDArray[np.float64]
    model_frequencies: dict[str, int] = field(default_factory=dict)
    seed: int = 0


def resample(table: CaptureTable, n_boot: int, seed: int) -> NDArray[np.float64]:
    """``n_boot`` multinomial resamples of the observed cell counts, shape (n_boot, C)."""
    rng = np.random.default_rng(seed)
    n = round(float(table.counts.sum()))
    return rng.multinomial(n, table.counts / table.counts.sum(), size=n_boot).astype(np.float64)


def jackknife_counts(table: CaptureTable) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Delete-one count vectors, one per positive cell, and the cell counts as weights."""
    cells = np.flatnonzero(table.counts > 0)
    rows = np.repeat(table.counts[None, :], cells.size, axis=0)
    rows[np.arange(cells.size), cells] -= 1.0
    return rows, table.counts[cells]


def _run_chunk(
    selector: Selector, table: CaptureTable, counts: NDArray[np.float64]
) -> tuple[NDArray[np.float64], list[str]]:
    return selector(table, counts)


def run_selector(
    selector: Selector,
    table: CaptureTable,
    counts: NDArray[np.float64],
    workers: int | None = None,
) -> tuple[NDArray[np.float64], list[str]]:
    """Apply ``selector`` to the rows of ``counts``, split over ``workers`` processes."""
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if n_workers <= 1 or counts.shape[0] < 2 * n_workers:
        return selector(table, counts)
    chunks = np.array_split(counts, n_workers)
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        parts = list(pool.map(_run_chunk, [selector] * n_workers, [table] * n_workers, chunks))
    est = np.concatenate([p[0] for p in parts])
    labels = [label for p in parts for label in p[1]]
    return est, labels


def bootstrap(
    table: CaptureTable,
    selector: Selector,
    estimate: float,
    n_boot: int = 1000,
    seed: int = 1234,
    level: float = 0.95,
    workers: int | None = None,
) -> BootstrapResult:
    """BCa interval for the estimate produced by ``selector`` on ``table``."""
    boot_counts = resample(table, n_boot, seed)
    jack_counts, weights = jackknife_counts(table)
    both = np.vstack([boot_counts, jack_counts])
    est, labels = run_selector(selector, table, both, workers)
    boot, jack = est[:n_boot], est[n_boot:]
    accel = jackknife_acceleration(jack, weights)
    interval = bca_interval(boot, estimate, accel, level)
    freq: dict[str, int] = {}
    for label in labels[:n_boot]:
        if label:
            freq[label] = freq.get(label, 0) + 1
    ordered = dict(sorted(freq.items(), key=lambda kv: -kv[1]))
    return BootstrapResult(interval, boot, jack, ordered, seed)


def batch_selector_for(
    models: Sequence[Model],
    criterion: str,
    warm: Sequence[NDArray[np.float64] | None] | None = None,
) -> BatchSelector:
    """A vectorised selector over ``models`` with optional warm starts."""
    return BatchSelector(tuple(models), criterion, None if warm is None else tuple(warm))
