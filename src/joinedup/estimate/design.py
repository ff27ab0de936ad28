"""Design matrices and marginal totals for log-linear models on ``2**K - 1`` cells."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray


@lru_cache(maxsize=64)
def cell_codes(n_lists: int) -> NDArray[np.int64]:
    """Bitmask codes ``1 .. 2**K - 1`` of the observable cells."""
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    codes.setflags(write=False)
    return codes


@lru_cache(maxsize=64)
def cell_order(n_lists: int) -> NDArray[np.int64]:
    """Number of lists each cell is on."""
    codes = cell_codes(n_lists)
    out = np.array([int(c).bit_count() for c in codes], dtype=np.int64)
    out.setflags(write=False)
    return out


def term_column(n_lists: int, term: int) -> NDArray[np.float64]:
    """Indicator over cells of "on every list in ``term``"."""
    codes = cell_codes(n_lists)
    out: NDArray[np.float64] = ((codes & term) == term).astype(np.float64)
    return out


@lru_cache(maxsize=65536)
def _design(n_lists: int, terms: tuple[int, ...]) -> NDArray[np.float64]:
    codes = cell_codes(n_lists)
    cols = [np.ones(codes.shape[0])] + [((codes & t) == t).astype(np.float64) for t in terms]
    mat = np.column_stack(cols)
    mat.setflags(write=False)
    return mat


def design_for_terms(n_lists: int, terms: tuple[int, ...]) -> NDArray[np.float64]:
    """Intercept plus the given terms over all cells (cached, read-only)."""
    return _design(n_lists, terms)


def term_totals(counts: NDArray[np.float64], n_lists: int) -> NDArray[np.float64]:
    """For each term ``t`` (index ``0 .. 2**K - 1``) the number of individuals on all lists in
    ``t``; works on a vector or on a batch ``(R, 2**K - 1)`` (superset-sum transform)."""
    batch = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    r = batch.shape[0]
    f = np.zeros((r, 2**n_lists))
    f[:, 1:] = batch
    for i in range(n_lists):
        view = f.reshape(r, 2 ** (n_lists - 1 - i), 2, 2**i)
        view[:, :, 0, :] += view[:, :, 1, :]
    return f if np.ndim(counts) == 2 else f[0]


def cells_containing(n_lists: int, terms: tuple[int, ...]) -> NDArray[np.bool_]:
    """Mask of cells on all the lists of at least one of ``terms``."""
    codes = cell_codes(n_lists)
    mask = np.zeros(codes.shape[0], dtype=bool)
    for t in terms:
        mask |= (codes & t) == t
    return mask
