"""The LCMCR Gibbs sampler, compiled with numba (one sweep is some 20 µs, as R's C++).

The sampler of the R package LCMCR (``NPLCM_CR_Basic_Freq``), in R's order of updates:
classes of the observed capture patterns, the capture probabilities ``lambda``, the stick
weights ``nu``, the unobserved count ``n0`` (negative binomial, redrawn while above
``20 n``) and its classes, then ``alpha``. Start as R: lambdas at the lists' marginal shares,
``WARM_UP`` sweeps with ``alpha = 0.3 / K`` and no ``alpha`` update, classes then ordered by
weight. Chains run one after the other from one random stream seeded by ``seed``
(numba's Mersenne Twister: the same seed gives the same draws).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

WARM_UP = 500


@njit(cache=True, error_model="numpy")
def _log_beta(a: float, b: float) -> tuple[float, float]:
    """``log V`` and ``log (1 - V)`` for ``V ~ Beta(a, b)``, safe for tiny shapes: a gamma
    variate of shape ``s`` drawn as ``G(s + 1) U^(1/s)`` in logs (R's ``dan_log_gamma_1``)."""
    la = np.log(np.random.gamma(a + 1.0, 1.0)) + np.log(np.random.random()) / a
    lb = np.log(np.random.gamma(b + 1.0, 1.0)) + np.log(np.random.random()) / b
    top = max(la, lb)
    total = top + np.log(np.exp(la - top) + np.exp(lb - top))
    return la - total, lb - total


@njit(cache=True, error_model="numpy")
def _multinomial(n: int, probs: NDArray[np.float64], out: NDArray[np.float64]) -> None:
    """``out`` = a multinomial draw of ``n`` over ``probs`` (summing to one): one categorical
    draw per item when ``n`` is below the number of classes, else by binomials."""
    k_last = probs.size - 1
    if n <= k_last:
        out[:] = 0.0
        for _ in range(n):
            u = np.random.random()
            k = 0
            while k < k_last and u >= probs[k]:
                u -= probs[k]
                k += 1
            out[k] += 1.0
        return
    left, rest = n, 1.0
    for k in range(k_last):
        if left <= 0 or rest <= 0.0:
            out[k] = 0.0
            continue
        p = min(1.0, max(0.0, probs[k] / rest))
        draw = np.random.binomial(left, p)
        out[k] = draw
        left -= draw
        rest -= probs[k]
    out[k_last] = max(left, 0)


@njit(cache=True, error_model="numpy")
def _sweep(
    x: NDArray[np.float64],
    freq: NDArray[np.int64],
    n: float,
    log_lam1: NDArray[np.float64],
    log_lam0: NDArray[np.float64],
    log_nu: NDArray[np.float64],
    count0: NDArray[np.float64],
    state: NDArray[np.float64],
    a_alpha: float,
    b_alpha: float,
    update_alpha: bool,
) -> None:
    """One Gibbs sweep, updating the arrays in place (``state`` = [alpha, n0])."""
    m_cells, j_lists = x.shape
    k_classes = log_nu.size
    alpha, n0 = state[0], state[1]
    log_unseen = np.empty(k_classes)
    for k in range(k_classes):
        acc = log_nu[k]
        for j in range(j_lists):
            acc += log_lam0[j, k]
        log_unseen[k] = acc
    diff = log_lam1 - log_lam0
    seen1 = np.zeros((j_lists, k_classes))
    totals = count0.copy()
    logits = np.empty(k_classes)
    drawn = np.empty(k_classes)
    for m in range(m_cells):
        if freq[m] == 0:
            continue
        top = -np.inf
        for k in range(k_classes):
            acc = log_unseen[k]
            for j in range(j_lists):
                if x[m, j] > 0.5:
                    acc += diff[j, k]
            logits[k] = acc
            top = max(top, acc)
        total = 0.0
        for k in range(k_classes):
            logits[k] = np.exp(logits[k] - top)
            total += logits[k]
        for k in range(k_classes):
            logits[k] /= total
        _multinomial(freq[m], logits, drawn)
        for k in range(k_classes):
            totals[k] += drawn[k]
            for j in range(j_lists):
                if x[m, j] > 0.5:
                    seen1[j, k] += drawn[k]
    for j in range(j_lists):
        for k in range(k_classes):
            if totals[k] == 0.0:  # an empty class: Beta(1, 1), a uniform
                u = np.random.random()
                log_lam1[j, k] = np.log(u)
                log_lam0[j, k] = np.log1p(-u)
                continue
            g_in = np.random.gamma(1.0 + seen1[j, k], 1.0)
            g_out = np.random.gamma(1.0 + totals[k] - seen1[j, k], 1.0)
            log_lam1[j, k] = np.log(g_in / (g_in + g_out))
            log_lam0[j, k] = np.log(g_out / (g_in + g_out))
    if k_classes > 1:
        remaining = n0 + n
        acc_rest = 0.0
        for k in range(k_classes - 1):
            remaining -= totals[k]
            if totals[k] == 0.0:  # Beta(1, b) by inversion: log(1 - V) = log(U) / b
                l1mv = np.log(np.random.random()) / (alpha + remaining)
                lv = np.log(-np.expm1(l1mv)) if l1mv < 0.0 else -np.inf
            else:
                lv, l1mv = _log_beta(1.0 + totals[k], alpha + remaining)
            log_nu[k] = lv + acc_rest
            acc_rest += l1mv
        log_nu[k_classes - 1] = acc_rest
    p0 = 0.0
    unseen = np.empty(k_classes)
    for k in range(k_classes):
        acc = log_nu[k]
        for j in range(j_lists):
            acc += log_lam0[j, k]
        unseen[k] = np.exp(acc)
        p0 += unseen[k]
    mass = p0
    p0 = min(p0, 1.0 - 1e-15)
    while True:  # negative binomial (n, 1 - p0) as a gamma-Poisson mixture
        draw = np.random.poisson(np.random.gamma(n, p0 / (1.0 - p0)))
        if draw <= 20.0 * n:
            break
    state[1] = draw
    for k in range(k_classes):
        unseen[k] /= mass
    _multinomial(draw, unseen, count0)
    if update_alpha and k_classes > 1:
        rate = b_alpha - log_nu[k_classes - 1]
        state[0] = np.random.gamma(a_alpha + k_classes - 1.0, 1.0 / rate)


@njit(cache=True, error_model="numpy")
def run_chains(
    x: NDArray[np.float64],
    freq: NDArray[np.int64],
    k_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    per_chain: int,
    thinning: int,
    seed: int,
) -> NDArray[np.float64]:
    """Draws of N (chains, per_chain): chain ``c`` runs on the cell counts ``freq[c]``."""
    np.random.seed(seed)
    chains, m_cells = freq.shape
    j_lists = x.shape[1]
    draws = np.empty((chains, per_chain))
    for c in range(chains):
        f = freq[c]
        n = 0.0
        for m in range(m_cells):
            n += f[m]
        log_lam1 = np.empty((j_lists, k_classes))
        log_lam0 = np.empty((j_lists, k_classes))
        for j in range(j_lists):
            on = 0.0
            for m in range(m_cells):
                on += f[m] * x[m, j]
            share = min(max(on / n, 1e-12), 1.0 - 1e-12)
            for k in range(k_classes):
                log_lam1[j, k] = np.log(share)
                log_lam0[j, k] = np.log1p(-share)
        log_nu = np.zeros(k_classes)
        acc_rest = 0.0
        for k in range(k_classes - 1):
            lv, l1mv = _log_beta(1.0, 1.0)
            log_nu[k] = lv + acc_rest
            acc_rest += l1mv
        log_nu[k_classes - 1] = acc_rest
        count0 = np.zeros(k_classes)
        state = np.array([0.3 / k_classes, 0.0])
        for _ in range(WARM_UP):
            _sweep(x, f, n, log_lam1, log_lam0, log_nu, count0, state, a_alpha, b_alpha, False)
        order = np.argsort(-log_nu, kind="mergesort")
        log_nu[:] = log_nu[order]
        count0[:] = count0[order]
        log_lam1[:, :] = log_lam1[:, order]
        log_lam0[:, :] = log_lam0[:, order]
        for _ in range(burnin):
            _sweep(x, f, n, log_lam1, log_lam0, log_nu, count0, state, a_alpha, b_alpha, True)
        for i in range(per_chain):
            for _ in range(thinning):
                _sweep(x, f, n, log_lam1, log_lam0, log_nu, count0, state, a_alpha, b_alpha, True)
            draws[c, i] = state[1] + n
    return draws
