"""Name lists by name origin, and spelling-variant groups (transliterations, nicknames)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from joinedup.common.documents import DocumentError, load_yaml, packaged, read_text


def _data(name: str) -> Any:
    text, where = read_text(packaged("joinedup.simulate", name))
    return load_yaml(text, where=where)


@dataclass(frozen=True)
class Origin:
    """Given names and surnames of one name origin."""

    code: str
    label: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


@dataclass(frozen=True)
class NameBook:
    """All name origins, the ethnicity -> origin mapping and the variant groups."""

    origins: dict[str, Origin]
    ethnicity_origins: dict[str, tuple[tuple[str, ...], tuple[float, ...]]]
    origin_ethnicity: dict[str, str]
    forename_variants: dict[str, tuple[str, ...]]
    surname_variants: dict[str, tuple[str, ...]]

    def origin_for(self, ethnicity: str, rng: random.Random) -> str:
        """Draw a name origin for a person of SSD ethnicity ``ethnicity``."""
        codes, weights = self.ethnicity_origins[ethnicity]
        return codes[0] if len(codes) == 1 else rng.choices(codes, weights)[0]

    def forename(self, origin: str, female: bool, rng: random.Random) -> str:
        """Draw a given name of ``origin``."""
        o = self.origins[origin]
        return rng.choice(o.female if female else o.male)

    def surname(self, origin: str, rng: random.Random) -> str:
        """Draw a surname of ``origin``."""
        return rng.choice(self.origins[origin].surnames)

    def variants(self, name: str, *, surname: bool) -> tuple[str, ...]:
        """Other accepted spellings of ``name`` (empty if it has none)."""
        table = self.surname_variants if surname else self.forename_variants
        return table.get(name, ())


@cache
def namebook() -> NameBook:
    """Load ``data/names.yml`` and ``data/variants.yml`` (cached)."""
    raw = _data("names.yml")
    origins = {
        code: Origin(
            code=code,
            label=str(o["label"]),
            female=tuple(str(x) for x in o["female"]),
            male=tuple(str(x) for x in o["male"]),
            surnames=tuple(str(x) for x in o["surnames"]),
        )
        for code, o in raw["origins"].items()
    }
    eth: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {}
    for code, weights in raw["ethnicity_origins"].items():
        for origin in weights:
            if origin not in origins:
                raise DocumentError(f"names.yml: unknown origin {origin!r} for {code}")
        eth[str(code)] = (tuple(weights), tuple(float(w) for w in weights.values()))
    variants = _data("variants.yml")
    return NameBook(
        origins=origins,
        ethnicity_origins=eth,
        origin_ethnicity={str(k): str(v) for k, v in raw["origin_ethnicity"].items()},
        forename_variants=_groups(variants["forenames"]),
        surname_variants=_groups(variants["surnames"]),
    )


def _groups(groups: list[list[str]]) -> dict[str, tuple[str, ...]]:
    """Map the first (true) form of each group to its other spellings."""
    table: dict[str, tuple[str, ...]] = {}
    for group in groups:
        head, *rest = (str(x) for x in group)
        table.setdefault(head, tuple(rest))
    return table


def variant_groups() -> dict[str, list[list[str]]]:
    """The raw variant groups (for a linkage component's name-variant table)."""
    raw = _data("variants.yml")
    return {k: [[str(x) for x in g] for g in v] for k, v in raw.items()}
