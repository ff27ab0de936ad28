"""Hierarchical log-linear models in generating-class notation.

Lists are numbered ``1..K`` in column order. ``[12,3]`` is the model with the list1×list2
interaction plus list3; for ``K >= 10`` terms are written with colons, ``[1:2,3]``. A model
always contains every main effect. Internally a term is a bitmask (bit ``i`` = list ``i+1``)
and a model is the down-closed set of its terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from joinedup.common.errors import JoinedupError


class NotationError(JoinedupError, ValueError):
    """A model string that cannot be parsed for the given number of lists."""


def popcount(term: int) -> int:
    """Number of lists in a term."""
    return int(term).bit_count()


def term_lists(term: int) -> tuple[int, ...]:
    """0-based list indices of a term, ascending."""
    return tuple(i for i in range(term.bit_length()) if (term >> i) & 1)


def immediate_subterms(term: int) -> list[int]:
    """Terms obtained by removing one list from ``term``."""
    return [term & ~(1 << i) for i in term_lists(term)]


@dataclass(frozen=True)
class Model:
    """A hierarchical log-linear model: every non-empty term, closed under subsets."""

    n_lists: int
    terms: frozenset[int]

    @classmethod
    def from_generators(cls, n_lists: int, generators: Iterable[int]) -> Model:
        """The smallest hierarchical model containing ``generators`` and all main effects."""
        closed: set[int] = {1 << i for i in range(n_lists)}
        for gen in generators:
            if gen <= 0 or gen >= (1 << n_lists):
                raise NotationError(f"term {gen} out of range for {n_lists} lists")
            sub = gen
            while sub:
                closed.add(sub)
                sub = (sub - 1) & gen
        return cls(n_lists, frozenset(closed))

    @classmethod
    def main_effects(cls, n_lists: int) -> Model:
        """The independence model ``[1,2,...,K]``."""
        return cls.from_generators(n_lists, [])

    @cached_property
    def ordered_terms(self) -> tuple[int, ...]:
        """Terms sorted by order then code: the column order of the design matrix."""
        return tuple(sorted(self.terms, key=lambda t: (popcount(t), t)))

    @cached_property
    def generators(self) -> tuple[int, ...]:
        """Maximal terms, highest order first, then in list order."""
        # down-closed: a term is maximal iff no one-list extension of it is in the model
        maximal = [
            t
            for t in self.terms
            if not any(not (t >> i) & 1 and (t | 1 << i) in self.terms for i in range(self.n_lists))
        ]
        return tuple(sorted(maximal, key=lambda t: (-popcount(t), term_lists(t))))

    @property
    def n_params(self) -> int:
        """Number of parameters including the intercept."""
        return len(self.terms) + 1

    @property
    def max_order(self) -> int:
        """Highest interaction order in the model (1 for main effects only)."""
        return max(popcount(t) for t in self.terms)

    def interactions(self) -> tuple[int, ...]:
        """Terms of order two or more."""
        return tuple(t for t in self.ordered_terms if popcount(t) >= 2)

    def with_term(self, term: int) -> Model:
        """Model with ``term`` (and its subsets) added."""
        return Model.from_generators(self.n_lists, [*self.generators, term])

    def without_term(self, term: int) -> Model:
        """Model with a maximal ``term`` removed."""
        return Model(self.n_lists, self.terms - {term})

    def __str__(self) -> str:
        return format_model(self)


def format_term(term: int, n_lists: int) -> str:
    """``12`` for lists 1 and 2; ``1:12`` style when ``n_lists >= 10``."""
    numbers = [str(i + 1) for i in term_lists(term)]
    return (":" if n_lists >= 10 else "").join(numbers)


def format_model(model: Model) -> str:
    """Generating-class notation, e.g. ``[123,14,34]``."""
    return "[" + ",".join(format_term(g, model.n_lists) for g in model.generators) + "]"


_TOKEN = re.compile(r"^[0-9:]+$")


def parse_model(text: str, n_lists: int) -> Model:
    """Parse ``[12,3]`` (or ``[1:2,3]``) for ``n_lists`` lists into a ``Model``."""
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    elif "[" in body or "]" in body:
        raise NotationError(f"unbalanced brackets in model {text!r}")
    generators: list[int] = []
    for raw in body.split(","):
        token = raw.strip()
        if not token:
            if body.strip():
                raise NotationError(f"empty term in model {text!r}")
            continue
        if not _TOKEN.match(token):
            raise NotationError(f"term {token!r} in {text!r}: use list numbers 1..{n_lists}")
        if ":" in token:
            parts = token.split(":")
        elif n_lists >= 10:
            parts = [token]
        else:
            parts = list(token)
        term = 0
        for part in parts:
            if not part:
                raise NotationError(f"empty list number in term {token!r}")
            number = int(part)
            if not 1 <= number <= n_lists:
                raise NotationError(
                    f"list {number} in term {token!r} out of range: the table has {n_lists} lists"
                )
            if term & (1 << (number - 1)):
                raise NotationError(f"list {number} repeated in term {token!r}")
            term |= 1 << (number - 1)
        generators.append(term)
    return Model.from_generators(n_lists, generators)


def boundary_terms(model: Model, max_order: int) -> list[int]:
    """Terms that can be added keeping the model hierarchical, of order ``<= max_order``."""
    out = []
    for term in range(1, 1 << model.n_lists):
        if term in model.terms or not 2 <= popcount(term) <= max_order:
            continue
        if all(s in model.terms for s in immediate_subterms(term)):
            out.append(term)
    return out


def removable_terms(model: Model) -> list[int]:
    """Maximal interaction terms, whose removal keeps the model hierarchical."""
    return [g for g in model.generators if popcount(g) >= 2]


def enumerate_models(n_lists: int, max_order: int, limit: int = 100_000) -> list[Model]:
    """All hierarchical models with every main effect and interactions up to ``max_order``."""
    candidates = sorted(
        (t for t in range(1, 1 << n_lists) if 2 <= popcount(t) <= max_order),
        key=lambda t: (popcount(t), t),
    )
    base = frozenset(1 << i for i in range(n_lists))
    out: list[Model] = []

    def walk(index: int, chosen: frozenset[int]) -> Iterator[frozenset[int]]:
        if index == len(candidates):
            yield chosen
            return
        term = candidates[index]
        yield from walk(index + 1, chosen)
        if all(s in chosen for s in immediate_subterms(term)):
            yield from walk(index + 1, chosen | {term})

    for terms in walk(0, base):
        out.append(Model(n_lists, terms))
        if len(out) > limit:
            raise NotationError(
                f"more than {limit} models for {n_lists} lists up to order {max_order}; "
                "lower --max-order or use stepwise/downhill search"
            )
    return out
