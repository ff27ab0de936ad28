"""BCa bootstrap that repeats model selection in every replicate (Chan, Silverman & Vincent
2021; Silverman, Chan & Vincent 2024), as the R package MultipleSystemsEstimation does it:
multinomial resamples of the observed cells (by default the very resamples R draws after
``set.seed(seed)``), the whole selection repeated on each, replicates without an admissible
model dropped, a delete-one jackknife over the observed cells (weighted by their counts) for
the acceleration. Run in parallel worker processes, vectorised across replicates where
possible."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.common.errors import InputError
from joinedup.estimate.batch import evaluate_models, select_best
from joinedup.estimate.intervals import Interval, bca_interval, jackknife_acceleration
from joinedup.estimate.notation import Model, format_model
from joinedup.estimate.rstream import r_multinomial
from joinedup.estimate.table import CaptureTable

STREAMS = ("r", "numpy")
"""Random streams for the resamples: R's (default; a seed gives R's replicates) or numpy's."""

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
    stream: str = "r"


def r_cell_order(n_lists: int) -> NDArray[np.int64]:
    """Cell indices in the R reference's order (``tidylists``): by number of lists, then
    lexicographically with list 1 first (``100``, ``010``, ``001``, ``110``, ``101``, …)."""
    codes = np.arange(1, 2**n_lists)
    bits = (codes[:, None] >> np.arange(n_lists)[None, :]) & 1
    keys = [tuple(-b for b in row) for row in bits.tolist()]
    order = sorted(range(codes.size), key=lambda i: (int(bits[i].sum()), keys[i]))
    return np.array(order, dtype=np.int64)


def resample(table: CaptureTable, n_boot: int, seed: int, stream: str = "r") -> NDArray[np.float64]:
    """``n_boot`` multinomial resamples of the observed cell counts, shape (n_boot, C).

    ``stream="r"`` draws exactly what R's ``set.seed(seed); rmultinom(n_boot, n, counts)``
    draws over the positive cells in the R reference's order; ``"numpy"`` uses numpy's
    generator (vectorised, not comparable with R).
    """
    n = round(float(table.counts.sum()))
    if stream == "numpy":
        rng = np.random.default_rng(seed)
        probs = table.counts / table.counts.sum()
        return rng.multinomial(n, probs, size=n_boot).astype(np.float64)
    if stream != "r":
        raise InputError(f"unknown random stream {stream!r}; use one of {', '.join(STREAMS)}")
    order = r_cell_order(table.n_lists)
    cells = order[table.counts[order] > 0]
    out = np.zeros((n_boot, table.counts.size))
    out[:, cells] = r_multinomial(seed, n, table.counts[cells], n_boot)
    return out


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
    stream: str = "r",
) -> BootstrapResult:
    """BCa interval for the estimate produced by ``selector`` on ``table``."""
    boot_counts = resample(table, n_boot, seed, stream)
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
    return BootstrapResult(interval, boot, jack, ordered, seed, stream)


def batch_selector_for(
    models: Sequence[Model],
    criterion: str,
    warm: Sequence[NDArray[np.float64] | None] | None = None,
) -> BatchSelector:
    """A vectorised selector over ``models`` with optional warm starts."""
    return BatchSelector(tuple(models), criterion, None if warm is None else tuple(warm))
