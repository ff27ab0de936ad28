"""Bayesian non-parametric latent-class capture-recapture (LCMCR; Manrique-Vallier 2016).

Each person belongs to one of at most ``K`` latent classes (a truncated stick-breaking prior
with concentration ``alpha ~ Gamma(a_alpha, b_alpha)``); within a class the lists are
independent, list ``j`` capturing with probability ``lambda[j, k] ~ Beta(1, 1)``. Mixing
classes absorbs heterogeneity (some children are known to every agency, others to one) and
the dependence it induces between lists. The prior on N is ``1/N``; the unobserved count is
imputed in every sweep (negative binomial) and N's posterior is ``n + n0``.

The Gibbs sampler is the one of the R package LCMCR (``NPLCM_CR_Basic_Freq``: latent
classes allocated per capture pattern, not per person), in R's order of updates and with its
start (lambdas at the lists' marginal shares, 500 warm-up sweeps with ``alpha = 0.3/K`` and
no ``alpha`` update, classes then ordered by weight; ``n0`` redrawn while above ``20 n``),
compiled with numba (:mod:`joinedup.estimate.lcmcr_kernel`); ``chains`` independent chains
run one after the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.common.errors import InputError
from joinedup.estimate.lcmcr_kernel import run_chains
from joinedup.estimate.table import CaptureTable


@dataclass(frozen=True)
class LcmcrSettings:
    """Prior and run length; the defaults are the R package's (``lcmCR``, ``lcmCR_PostSampl``)
    except ``K = 10`` (as in its Kosovo example and HRDAG's practice) and ``chains``."""

    K: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burnin: int = 10_000
    samples: int = 1_000
    thinning: int = 10
    chains: int = 1
    seed: int = 1234

    def __post_init__(self) -> None:
        if self.K < 1 or self.burnin < 0 or self.samples < 1 or self.thinning < 1:
            raise InputError("LCMCR needs K >= 1, burnin >= 0, samples >= 1, thinning >= 1")
        if self.chains < 1 or self.samples % self.chains:
            raise InputError(f"samples ({self.samples}) must be a multiple of chains")
        if self.a_alpha <= 0 or self.b_alpha <= 0:
            raise InputError("a_alpha and b_alpha must be positive")


@dataclass(frozen=True)
class LcmcrResult:
    """Posterior draws of N (``draws[c, s]``: chain ``c``, kept sample ``s``) and summaries."""

    n_observed: int
    draws: NDArray[np.float64]
    settings: LcmcrSettings
    summary: dict[str, float] = field(default_factory=dict)

    @property
    def flat(self) -> NDArray[np.float64]:
        """All kept draws of N."""
        return self.draws.ravel()


def _cells(
    counts: NDArray[np.float64], n_lists: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """0/1 patterns (M, J) and counts (C, M) of the cells observed in any of the count rows
    ``counts`` (C, 2**J - 1): one row per chain."""
    rows = np.atleast_2d(counts)
    keep = rows.sum(axis=0) > 0
    codes = np.arange(1, 2**n_lists)[keep]
    x = ((codes[:, None] >> np.arange(n_lists)[None, :]) & 1).astype(np.float64)
    return x, np.rint(rows[:, keep]).astype(np.int64)


def lcmcr(
    table: CaptureTable,
    settings: LcmcrSettings | None = None,
    chain_counts: NDArray[np.float64] | None = None,
) -> LcmcrResult:
    """Posterior draws of the population size under the NPLCM (see the module docstring).

    ``chain_counts`` (chains, 2**J - 1), if given, gives each chain its own cell counts: the
    tables of a multiple imputation (e.g. of the linkage), whose pooled draws are then the
    posterior averaged over the imputations.
    """
    s = settings or LcmcrSettings()
    counts = table.counts if chain_counts is None else np.asarray(chain_counts, dtype=float)
    if chain_counts is not None and counts.shape != (s.chains, table.counts.size):
        raise ValueError(f"chain_counts must have shape ({s.chains}, {table.counts.size})")
    x, freq = _cells(counts, table.n_lists)
    if (freq.sum(axis=1) <= 0).any():
        raise ValueError("nobody is observed: LCMCR needs at least one person on a list")
    freq = np.ascontiguousarray(np.broadcast_to(freq, (s.chains, freq.shape[-1])))
    draws = run_chains(
        np.ascontiguousarray(x),
        freq,
        s.K,
        s.a_alpha,
        s.b_alpha,
        s.burnin,
        s.samples // s.chains,
        s.thinning,
        s.seed,
    )
    return LcmcrResult(table.n_observed, draws, s, summarise(draws))


def summarise(draws: NDArray[np.float64], level: float = 0.95) -> dict[str, float]:
    """Posterior mean, median, equal-tailed interval and, for several chains, R-hat."""
    flat = draws.ravel()
    lo, hi = (1.0 - level) / 2.0, 1.0 - (1.0 - level) / 2.0
    q = np.quantile(flat, [lo, 0.5, hi])
    out = {
        "mean": float(flat.mean()),
        "median": float(q[1]),
        "low": float(q[0]),
        "high": float(q[2]),
        "sd": float(flat.std(ddof=1)) if flat.size > 1 else math.nan,
    }
    out["r_hat"] = r_hat(draws)
    return out


def r_hat(draws: NDArray[np.float64]) -> float:
    """Gelman-Rubin potential scale reduction over chains (NaN for one chain)."""
    chains, n = draws.shape
    if chains < 2 or n < 2:
        return math.nan
    means = draws.mean(axis=1)
    within = float(draws.var(axis=1, ddof=1).mean())
    between = float(n * means.var(ddof=1))
    if within <= 0:
        return math.nan
    pooled = (n - 1) / n * within + between / n
    return math.sqrt(pooled / within)
