"""Poisson log-linear fitting by Newton's method (IRLS), batched over data sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

_ETA_MAX = 700.0


@dataclass(frozen=True)
class PoissonFit:
    """Fits of one design to ``R`` count vectors."""

    beta: NDArray[np.float64]  # (R, p)
    mu: NDArray[np.float64]  # (R, C)
    loglik: NDArray[np.float64]  # (R,) full Poisson log-likelihood
    converged: NDArray[np.bool_]  # (R,)
    iterations: int


def start_values(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Least-squares start on ``log(y + 0.5)`` for each row of ``y`` (R, C) → (R, p)."""
    target = np.log(np.atleast_2d(y) + 0.5).T
    sol, *_ = np.linalg.lstsq(x, target, rcond=None)
    return np.asarray(sol.T, dtype=np.float64)


def _loglik_kernel(y: NDArray[np.float64], eta: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray((y * eta - np.exp(eta)).sum(axis=1), dtype=np.float64)


def fit_poisson(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    beta0: NDArray[np.float64] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> PoissonFit:
    """Maximise the Poisson likelihood of ``y`` (R, C) on design ``x`` (C, p) for every row.

    Newton steps with step-halving; ``beta0`` (p,) or (R, p) warm-starts the iterations.
    The design must have full column rank on the cells given.
    """
    y2 = np.atleast_2d(np.asarray(y, dtype=np.float64))
    r, _ = y2.shape
    p = x.shape[1]
    if beta0 is None:
        beta = start_values(x, y2)
    else:
        beta = np.array(np.broadcast_to(beta0, (r, p)), dtype=np.float64)
    outer = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], p * p)
    eta = np.clip(beta @ x.T, -_ETA_MAX, _ETA_MAX)
    ll = _loglik_kernel(y2, eta)
    converged = np.zeros(r, dtype=bool)
    active = np.arange(r)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        ya, ba, ea = y2[active], beta[active], eta[active]
        mu = np.exp(ea)
        grad = (ya - mu) @ x
        hess = (mu @ outer).reshape(-1, p, p)
        hess += np.eye(p) * 1e-12 * np.maximum(1.0, np.abs(hess).max(axis=(1, 2)))[:, None, None]
        try:
            step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = np.stack(
                [np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hess, grad, strict=True)]
            )
        decrement = np.einsum("ij,ij->i", grad, step)
        t = np.ones(active.shape[0])
        old = ll[active]
        new_b = ba + step
        new_eta = np.clip(new_b @ x.T, -_ETA_MAX, _ETA_MAX)
        new_ll = _loglik_kernel(ya, new_eta)
        for _ in range(40):
            bad = ~(new_ll >= old - 1e-12 * np.abs(old))
            if not bad.any():
                break
            t[bad] *= 0.5
            new_b[bad] = ba[bad] + t[bad, None] * step[bad]
            new_eta[bad] = np.clip(new_b[bad] @ x.T, -_ETA_MAX, _ETA_MAX)
            new_ll[bad] = _loglik_kernel(ya[bad], new_eta[bad])
        beta[active], eta[active], ll[active] = new_b, new_eta, new_ll
        done = (np.abs(decrement) < tol * (1.0 + np.abs(new_ll))) | (
            np.abs(new_ll - old) < 1e-15 * (1.0 + np.abs(old))
        ) & (t < 1e-6)
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    mu_all = np.exp(eta)
    full = ll - gammaln(y2 + 1.0).sum(axis=1)
    return PoissonFit(beta, mu_all, full, converged, iterations)


def information(x: NDArray[np.float64], mu: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fisher information ``X' diag(mu) X`` for one fit (mu of shape (C,))."""
    return np.asarray((x * mu[:, None]).T @ x, dtype=np.float64)


def deviance(y: NDArray[np.float64], mu: NDArray[np.float64]) -> float:
    """Poisson deviance ``2 Σ [y log(y/mu) − (y − mu)]`` with ``0 log 0 = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))
