"""Realistic name, postcode and date-of-birth draws for the synthetic person generator.

Real name frequencies are heavy-headed with a long tail: a few surnames (Smith, Khan) are
carried by about one person in a hundred, and most surnames by very few. The pools here put
real common names at the head of a Zipf-like distribution (weight ``1 / (rank + offset)``)
and a long tail of distinct made-up names from a large syllable space behind them, so that
blocks and name collisions at a million records look like a real population's. Postcodes
come from a space of over a million units (``AB12 3CD`` shape) and dates of birth from 85
years. Entirely invented data.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ONSETS = _words(
    "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sc sh sl sm sn sp st "
    "t th tr v w wh y z"
)
_VOWELS = _words("a e i o u ai ea ee ie oa ou oo y ar er or")
_CODAS = tuple(["", "", "n", "r", "l", "s", "t", "ck", "ll", "rd", "nd", "ng", "m", "th", "x"])
_SURNAME_ENDINGS = (
    *("", "", "", "son", "ton", "ley", "ford", "field", "wood", "worth", "man", "er", "well"),
    *("by", "ham", "ridge", "stone", "ock", "ins", "ett", "ard", "ington", "hurst", "wick"),
)
_FORENAME_ENDINGS = tuple(["", "", "a", "ie", "y", "en", "an", "ia", "el", "o", "ette", "ine"])
_SA_ONSETS = _words("b bh ch d dh f g h j k kh m n p r s sh t v y z")
_SA_VOWELS = _words("a aa e ee i o u ai ei")
_SA_ENDINGS = tuple(["", "", "an", "een", "ish", "deep", "preet", "inder", "jit", "ullah", "uddin"])
#: Areas for postcodes: two letters from these, districts 1-49, sectors 0-9, 400 units each.
_AREA_LETTERS = "ABCDEGHKLMNPRSTW"
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _syllable(rng: random.Random, onsets: tuple[str, ...], vowels: tuple[str, ...]) -> str:
    return rng.choice(onsets) + rng.choice(vowels) + rng.choice(_CODAS)


def _made_up(
    rng: random.Random,
    count: int,
    onsets: tuple[str, ...],
    vowels: tuple[str, ...],
    endings: tuple[str, ...],
    taken: set[str],
) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        syllables = 1 + (rng.random() < 0.6)
        name = "".join(_syllable(rng, onsets, vowels) for _ in range(syllables))
        name += rng.choice(endings)
        if 4 <= len(name) <= 12 and name not in taken:
            taken.add(name)
            names.append(name)
    return names


@dataclass(frozen=True)
class NamePool:
    """Names in rank order with cumulative Zipf-like weights, for fast weighted draws."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def zipf(cls, names: list[str], offset: float) -> NamePool:
        """Weights ``1 / (rank + offset)`` for ranks 1, 2, ... in list order."""
        weights = (1.0 / (rank + offset) for rank in range(1, len(names) + 1))
        return cls(tuple(names), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        """One name, drawn by frequency."""
        point = rng.random() * self.cumulative[-1]
        return self.names[bisect.bisect_right(self.cumulative, point)]


@dataclass(frozen=True)
class Population:
    """Forename and surname pools for each name origin."""

    forenames: dict[str, NamePool]
    surnames: dict[str, NamePool]


def build_population(
    rng: random.Random,
    real: dict[str, tuple[list[str], list[str]]],
    *,
    tail_forenames: int = 6000,
    tail_surnames: int = 150_000,
) -> Population:
    """Pools per origin: the ``real`` (forenames, surnames) lists at the head, in the given
    order, then made-up tails (South Asian-sounding for ``south_asian``).

    Surnames get weight ``1 / (rank + 10)`` (the commonest about 1%), forenames
    ``1 / (rank + 5)`` (the commonest about 2%).
    """
    taken = {name for pair in real.values() for names in pair for name in names}
    forenames: dict[str, NamePool] = {}
    surnames: dict[str, NamePool] = {}
    for origin, (real_f, real_s) in real.items():
        share = 0.3 if origin == "south_asian" else 1.0
        if origin == "south_asian":
            shape = (_SA_ONSETS, _SA_VOWELS, _SA_ENDINGS)
            f_shape, s_shape = shape, shape
        else:
            f_shape = (_ONSETS, _VOWELS, _FORENAME_ENDINGS)
            s_shape = (_ONSETS, _VOWELS, _SURNAME_ENDINGS)
        tail_f = _made_up(rng, int(tail_forenames * share), *f_shape, taken)
        tail_s = _made_up(rng, int(tail_surnames * share), *s_shape, taken)
        forenames[origin] = NamePool.zipf(list(real_f) + tail_f, offset=5)
        surnames[origin] = NamePool.zipf(list(real_s) + tail_s, offset=10)
    return Population(forenames, surnames)


def realistic_postcode(rng: random.Random) -> str:
    """A postcode from about 2.5 million units (256 areas x 49 districts x 10 x 400)."""
    area = rng.choice(_AREA_LETTERS) + rng.choice(_AREA_LETTERS)
    unit = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    return f"{area}{rng.randrange(1, 50)} {rng.randrange(10)}{unit}"


def realistic_dob(rng: random.Random) -> date:
    """A date of birth between 1940 and 2024 (children and young people twice as likely)."""
    if rng.random() < 0.4:
        return date(2006, 1, 1) + timedelta(days=rng.randrange(19 * 365))
    return date(1940, 1, 1) + timedelta(days=rng.randrange(85 * 365))
