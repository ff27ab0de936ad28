"""R's random stream for the bootstrap, so that a seed reproduces the R reference's resamples.

``set.seed(s); rmultinom(B, n, counts)`` in R (default generator: Mersenne-Twister) is what
MultipleSystemsEstimation and SparseMSE use to draw their bootstrap samples. This module
draws the same numbers: R's seed scrambling (a linear congruential generator run 50 + 625
times) fills the Mersenne-Twister state, uniforms are 32-bit outputs times 2**-32, a
multinomial is a chain of conditional binomials over the cells in order, and binomials follow
Kachitvichyanukul & Schmeiser (1988): inversion when ``n·p < 30``, otherwise the BTPE
triangle/parallelogram/exponential-tails rejection sampler. Written from those published
algorithms (and Matsumoto & Nishimura 1998, via numpy's MT19937) and checked draw for draw
against R 4.2.2's output (tests/estimate/test_rstream.py). Only the stream is R's; the
estimation itself is this package's. Pure Python: about 0.4 s for 1,000 resamples of 31
cells, which matters only for very large tables.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

_MASK = 0xFFFFFFFF
_TWO_M32 = 2.3283064365386963e-10  # 2**-32
_I2_32M1 = 2.328306437080797e-10  # 1 / (2**32 - 1)


def _r_pow_di(x: float, n: int) -> float:
    """x**n by repeated squaring, as R's ``R_pow_di`` (differs from ``pow`` in the last bit)."""
    result = 1.0
    while True:
        if n & 1:
            result *= x
        n >>= 1
        if not n:
            return result
        x *= x


class RStream:
    """Uniform, binomial and multinomial draws identical to R's after ``set.seed(seed)``."""

    def __init__(self, seed: int) -> None:
        s = seed & _MASK
        for _ in range(50):
            s = (69069 * s + 1) & _MASK
        words = []
        for _ in range(625):
            s = (69069 * s + 1) & _MASK
            words.append(s)
        # words[0] is R's stored position (reset to 624); the rest is the generator's state.
        self._bits = np.random.MT19937(0)
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(words[1:], dtype=np.uint32), "pos": 624},
        }
        self._buffer: list[int] = []
        self._next = 0

    def unif(self) -> float:
        """One uniform on (0, 1), as R's ``unif_rand``."""
        if self._next >= len(self._buffer):
            self._buffer = self._bits.random_raw(624).tolist()
            self._next = 0
        value = (self._buffer[self._next] & _MASK) * _TWO_M32
        self._next += 1
        if value <= 0.0:
            return 0.5 * _I2_32M1
        if 1.0 - value <= 0.0:
            return 1.0 - 0.5 * _I2_32M1
        return value

    def binomial(self, n: int, pp: float) -> int:
        """One Binomial(n, pp) draw, as R's ``rbinom``."""
        if n == 0 or pp == 0.0:
            return 0
        if pp == 1.0:
            return n
        p = min(pp, 1.0 - pp)
        q = 1.0 - p
        np_ = n * p
        r = p / q
        g = r * (n + 1)
        ix = self._inversion(n, q, r, g) if np_ < 30.0 else self._btpe(n, p, q, np_, r, g)
        return n - ix if pp > 0.5 else ix

    def _inversion(self, n: int, q: float, r: float, g: float) -> int:
        qn = _r_pow_di(q, n)
        while True:
            ix = 0
            f = qn
            u = self.unif()
            while True:
                if u < f:
                    return ix
                if ix > 110:
                    break
                u -= f
                ix += 1
                f *= g / ix - r

    def _btpe(self, n: int, p: float, q: float, np_: float, r: float, g: float) -> int:
        ffm = np_ + p
        m = int(ffm)
        npq = np_ * q
        p1 = int(2.195 * math.sqrt(npq) - 4.6 * q) + 0.5
        xm = m + 0.5
        xl = xm - p1
        xr = xm + p1
        c = 0.134 + 20.5 / (15.3 + m)
        al = (ffm - xl) / (ffm - xl * p)
        xll = al * (1.0 + 0.5 * al)
        al = (xr - ffm) / (xr * q)
        xlr = al * (1.0 + 0.5 * al)
        p2 = p1 * (1.0 + c + c)
        p3 = p2 + c / xll
        p4 = p3 + c / xlr
        while True:
            u = self.unif() * p4
            v = self.unif()
            if u <= p1:  # triangle: accept at once
                return int(xm - p1 * v + u)
            if u <= p2:  # parallelogram
                x = xl + (u - p1) / c
                v = v * c + 1.0 - abs(xm - x) / p1
                if v > 1.0 or v <= 0.0:
                    continue
                ix = int(x)
            elif u > p3:  # right exponential tail
                ix = int(xr - math.log(v) / xlr)
                if ix > n:
                    continue
                v = v * (u - p3) * xlr
            else:  # left exponential tail
                ix = int(xl + math.log(v) / xll)
                if ix < 0:
                    continue
                v = v * (u - p2) * xll
            if _accept(ix, v, n, m, npq, p, q, r, g, xm):
                return ix

    def multinomial(self, size: int, prob: NDArray[np.float64]) -> NDArray[np.float64]:
        """One multinomial draw over the cells in order, as R's ``rmultinom(1, size, prob)``."""
        return self.multinomial_shares(size, conditional_shares(prob))

    def multinomial_shares(self, size: int, shares: list[float]) -> NDArray[np.float64]:
        """A multinomial draw given ``conditional_shares`` (precomputed once per table)."""
        out = np.zeros(len(shares))
        left = size
        for k, share in enumerate(shares[:-1]):
            if share > 0.0:
                drawn = self.binomial(left, share) if share < 1.0 else left
                out[k] = drawn
                left -= drawn
            if left <= 0:
                return out
        out[-1] = left
        return out


def conditional_shares(prob: NDArray[np.float64]) -> list[float]:
    """Each cell's probability given the cells before it were not chosen, as R's
    ``rmultinom`` computes it (normalised probabilities, running total in long double)."""
    p = np.asarray(prob, dtype=np.float64)
    p = p / float(np.sum(p))
    total = np.longdouble(0.0)
    for value in p:
        total += np.longdouble(value)
    shares = []
    for value in p:
        shares.append(float(np.longdouble(value) / total) if value > 0.0 else 0.0)
        total -= np.longdouble(value)
    return shares


def _accept(
    ix: int,
    v: float,
    n: int,
    m: int,
    npq: float,
    p: float,
    q: float,
    r: float,
    g: float,
    xm: float,
) -> bool:
    """BTPE acceptance: explicit ratio near the mode, else squeeze and Stirling bounds."""
    k = abs(ix - m)
    if k <= 20 or k >= npq / 2 - 1:
        f = 1.0
        if m < ix:
            for i in range(m + 1, ix + 1):
                f *= g / i - r
        elif m > ix:
            for i in range(ix + 1, m + 1):
                f /= g / i - r
        return v <= f
    amaxp = (k / npq) * ((k * (k / 3.0 + 0.625) + 0.1666666666666) / npq + 0.5)
    ynorm = -k * k / (2.0 * npq)
    alv = math.log(v)
    if alv < ynorm - amaxp:
        return True
    if alv > ynorm + amaxp:
        return False
    x1 = ix + 1.0
    f1 = m + 1.0  # the mode, as in the published algorithm (step 5.3)
    z = n + 1.0 - m
    w = n - ix + 1.0
    bound = (
        xm * math.log(f1 / x1)
        + (n - m + 0.5) * math.log(z / w)
        + (ix - m) * math.log(w * p / (x1 * q))
        + _stirling(f1)
        + _stirling(z)
        + _stirling(x1)
        + _stirling(w)
    )
    return alv <= bound


def _stirling(x: float) -> float:
    x2 = x * x
    return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0


def r_multinomial(seed: int, size: int, prob: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``set.seed(seed); t(rmultinom(n, size, prob))``: ``n`` draws, shape (n, cells)."""
    stream = RStream(seed)
    shares = conditional_shares(prob)
    return np.array([stream.multinomial_shares(size, shares) for _ in range(n)])
