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
no ``alpha`` update, classes then ordered by weight; ``n0`` redrawn while above ``20 n``).
It is vectorised across ``chains`` independent chains, which are run side by side: numpy's
cost per sweep is mostly fixed, so 20 chains cost little more than one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.common.errors import InputError
from joinedup.estimate.table import CaptureTable

WARM_UP = 500


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


def _log_beta_pair(
    rng: np.random.Generator, shape_a: NDArray[np.float64], shape_b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``log V`` and ``log (1 - V)`` for ``V ~ Beta(a, b)``, safe for tiny shapes: a gamma
    variate of shape ``s`` is drawn as ``G(s + 1) U^(1/s)`` in logs (as R's ``dan_log_gamma_1``)."""
    shapes = np.concatenate([shape_a, shape_b], axis=-1)
    log_g = np.log(rng.standard_gamma(shapes + 1.0)) + np.log(rng.random(shapes.shape)) / shapes
    half = shape_a.shape[-1]
    la, lb = log_g[..., :half], log_g[..., half:]
    top = np.maximum(la, lb)
    total = top + np.log(np.exp(la - top) + np.exp(lb - top))
    return la - total, lb - total


def _stick_weights(log_v: NDArray[np.float64], log_1mv: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log class weights from ``K - 1`` stick fractions (the last class takes the rest)."""
    chains, k1 = log_v.shape
    out = np.empty((chains, k1 + 1))
    acc = np.cumsum(log_1mv, axis=1)
    out[:, 0] = log_v[:, 0]
    out[:, 1:-1] = log_v[:, 1:] + acc[:, :-1]
    out[:, -1] = acc[:, -1]
    return out


class _Sampler:
    """The state of ``chains`` Gibbs chains and one sweep over it."""

    def __init__(self, x: NDArray[np.float64], freq: NDArray[np.int64], s: LcmcrSettings):
        self.rng = np.random.default_rng(s.seed)
        self.s = s
        self.x = x
        chains, k = s.chains, s.K
        self.freq = np.broadcast_to(freq, (chains, freq.shape[-1]))
        self.n = self.freq.sum(axis=1).astype(np.float64)  # (C,)
        share = (self.freq @ x) / self.n[:, None]  # (C, J)
        share = np.clip(share, 1e-12, 1.0 - 1e-12)
        self.log_lam1 = np.repeat(np.log(share)[:, :, None], k, axis=2)
        self.log_lam0 = np.repeat(np.log1p(-share)[:, :, None], k, axis=2)
        ones = np.ones((chains, k - 1))
        self.log_nu = (
            _stick_weights(*_log_beta_pair(self.rng, ones, ones))
            if k > 1
            else (np.zeros((chains, 1)))
        )
        self.alpha = np.full(chains, 0.3 / k)
        self.n0 = np.zeros(chains)
        self.count0 = np.zeros((chains, k))

    def sweep(self, update_alpha: bool = True) -> None:
        """One Gibbs sweep in R's order: classes of the observed, lambda, weights, n0, classes
        of the unobserved, alpha. Written for few numpy calls: their fixed cost dominates."""
        rng, s, x = self.rng, self.s, self.x
        chains, k = s.chains, s.K
        log_unseen = self.log_nu + self.log_lam0.sum(axis=1)  # (C, K)
        logits = log_unseen[:, None, :] + x @ (self.log_lam1 - self.log_lam0)  # (C, M, K)
        probs = np.exp(logits - logits.max(axis=2, keepdims=True))
        probs /= probs.sum(axis=2, keepdims=True)
        counts = rng.multinomial(self.freq, probs)  # (C, M, K)
        seen1 = x.T @ counts  # (C, J, K): class members on each list
        totals = counts.sum(axis=1) + self.count0  # (C, K): class sizes, unobserved included
        jk = seen1[0].size
        # one gamma call for lambda's Beta(1 + in, 1 + out) and the sticks' Beta(1 + n_k,
        # alpha + n_>k); stick shapes may be tiny: G(a) = G(a + 1) U^(1/a), in logs
        stick_a = 1.0 + totals[:, :-1]
        stick_b = self.alpha[:, None] + (self.n0 + self.n)[:, None] - np.cumsum(totals, 1)[:, :-1]
        shapes = np.concatenate(
            [
                (1.0 + seen1).reshape(chains, jk),
                (1.0 + totals[:, None, :] - seen1).reshape(chains, jk),
                stick_a + 1.0,
                stick_b + 1.0,
            ],
            axis=1,
        )
        g = rng.standard_gamma(shapes)
        g_in, g_out = g[:, :jk], g[:, jk : 2 * jk]
        total_g = g_in + g_out
        self.log_lam1 = np.log(g_in / total_g).reshape(seen1.shape)
        self.log_lam0 = np.log(g_out / total_g).reshape(seen1.shape)
        if k > 1:
            sticks = shapes[:, 2 * jk :] - 1.0
            log_g = np.log(g[:, 2 * jk :]) + np.log(rng.random(sticks.shape)) / sticks
            la, lb = log_g[:, : k - 1], log_g[:, k - 1 :]
            top = np.maximum(la, lb)
            log_sum = top + np.log(np.exp(la - top) + np.exp(lb - top))
            self.log_nu = _stick_weights(la - log_sum, lb - log_sum)
        unseen = np.exp(self.log_nu + self.log_lam0.sum(axis=1))
        p0 = np.minimum(unseen.sum(axis=1), 1.0 - 1e-15)
        if chains == 1:  # numpy's scalar samplers skip the array machinery (100x cheaper)
            n, q = float(self.n[0]), 1.0 - float(p0[0])
            draw = int(rng.negative_binomial(n, q))
            while draw > 20 * n:
                draw = int(rng.negative_binomial(n, q))
            self.n0[0] = draw
            self.count0[0] = rng.multinomial(draw, unseen[0] / unseen[0].sum())
            if update_alpha and k > 1:
                rate = s.b_alpha - float(self.log_nu[0, -1])
                self.alpha[0] = rng.gamma(s.a_alpha + k - 1.0, 1.0 / rate)
            return
        n0_all = rng.negative_binomial(self.n, 1.0 - p0).astype(np.float64)
        while (too_many := n0_all > 20 * self.n).any():
            n0_all[too_many] = rng.negative_binomial(self.n[too_many], 1.0 - p0[too_many])
        self.n0 = n0_all
        self.count0 = rng.multinomial(
            n0_all.astype(np.int64), unseen / unseen.sum(axis=1)[:, None]
        ).astype(np.float64)
        if update_alpha and k > 1:
            rates = s.b_alpha - self.log_nu[:, -1]
            self.alpha = rng.gamma(s.a_alpha + k - 1.0, 1.0 / rates)

    def order_classes(self) -> None:
        """Relabel classes by decreasing weight (after the warm-up, as R does)."""
        order = np.argsort(-self.log_nu, axis=1, kind="stable")
        self.log_nu = np.take_along_axis(self.log_nu, order, axis=1)
        self.count0 = np.take_along_axis(self.count0, order, axis=1)
        self.log_lam1 = np.take_along_axis(self.log_lam1, order[:, None, :], axis=2)
        self.log_lam0 = np.take_along_axis(self.log_lam0, order[:, None, :], axis=2)


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
    sampler = _Sampler(x, freq, s)
    for _ in range(WARM_UP):
        sampler.sweep(update_alpha=False)
    sampler.order_classes()
    for _ in range(s.burnin):
        sampler.sweep()
    per_chain = s.samples // s.chains
    draws = np.empty((s.chains, per_chain))
    for i in range(per_chain):
        for _ in range(s.thinning):
            sampler.sweep()
        draws[:, i] = sampler.n0 + sampler.n
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
