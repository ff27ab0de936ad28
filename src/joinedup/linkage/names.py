"""Name keys and the curated variant → canonical tables.

The tables under ``data/`` map spelling variants, nicknames and transliterations of a name
onto one canonical spelling (``mohd`` → ``mohammed``, ``bob`` → ``robert``,
``chowdhury`` → ``choudhury``). They are written from general knowledge and hold no personal
data. Every variant maps to exactly one canonical; a canonical maps to itself. A nickname
shared by two names (``sam``: Samuel or Samantha) may also have one *alternate* canonical,
listed in a second row of kind ``alternate`` after its main row.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from joinedup.common.errors import JoinedupError

NameKind = Literal["forename", "surname"]

_FILES: dict[NameKind, str] = {
    "forename": "forename_variants.csv",
    "surname": "surname_variants.csv",
}
_ALLOWED_KINDS = frozenset(
    {"nickname", "spelling", "transliteration", "gendered form", "alternate"}
)
#: Letters Unicode does not decompose into an ASCII base letter (``Łukasz`` → ``lukasz``).
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


class VariantTableError(JoinedupError, ValueError):
    """A variant table is malformed (bad key, conflicting canonicals, unknown kind)."""


@dataclass(frozen=True)
class VariantTable:
    """A validated mapping from a name key to its canonical key."""

    kind: NameKind
    canonical_of: dict[str, str]
    alternate_of: dict[str, str] = field(default_factory=dict)

    def canonical(self, key: str) -> str:
        """The canonical key of ``key`` (``key`` itself when it is not in the table)."""
        return self.canonical_of.get(key, key)

    def alternate(self, key: str) -> str | None:
        """The second canonical of an ambiguous nickname (``sam`` → ``samantha``), if any."""
        return self.alternate_of.get(key)

    def __len__(self) -> int:
        return len(self.canonical_of)


def name_key(value: str | None) -> str | None:
    """Lower-case ASCII letters only: accents folded, spaces, hyphens and apostrophes removed.

    ``"O'Brien"`` → ``"obrien"``, ``"Zoë"`` → ``"zoe"``; empty results give ``None``.
    """
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", value.translate(_FOLD))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    key = "".join(ch for ch in folded.lower() if "a" <= ch <= "z")
    return key or None


def parse_variant_rows(kind: NameKind, rows: list[dict[str, str]]) -> VariantTable:
    """Validate rows with ``variant``, ``canonical`` and ``kind`` into a table.

    Raises:
        VariantTableError: a key that is not already a name key, a variant listed twice
            with different canonicals (other than one ``alternate`` row after its main
            row), a canonical that is itself a variant of another name, or an unknown kind.
    """
    mapping: dict[str, str] = {}
    alternates: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        variant, canonical = row.get("variant", ""), row.get("canonical", "")
        for value in (variant, canonical):
            if name_key(value) != value:
                raise VariantTableError(f"{kind} row {number}: {value!r} is not a name key")
        if row.get("kind") not in _ALLOWED_KINDS:
            raise VariantTableError(f"{kind} row {number}: unknown kind {row.get('kind')!r}")
        if variant == canonical:
            raise VariantTableError(f"{kind} row {number}: {variant!r} maps to itself")
        if row.get("kind") == "alternate":
            if variant not in mapping or mapping[variant] == canonical:
                raise VariantTableError(
                    f"{kind} row {number}: an alternate for {variant!r} needs a main row "
                    "with another canonical before it"
                )
            if variant in alternates:
                raise VariantTableError(f"{kind} row {number}: {variant!r} has two alternates")
            alternates[variant] = canonical
            continue
        previous = mapping.get(variant)
        if previous is not None and previous != canonical:
            raise VariantTableError(
                f"{kind} row {number}: {variant!r} maps to both {previous!r} and {canonical!r}"
            )
        mapping[variant] = canonical
    canonicals = set(mapping.values())
    chained = sorted(c for c in canonicals | set(alternates.values()) if c in mapping)
    if chained:
        raise VariantTableError(f"{kind}: canonical names also listed as variants: {chained}")
    for canonical in canonicals | set(alternates.values()):
        mapping[canonical] = canonical
    return VariantTable(kind=kind, canonical_of=mapping, alternate_of=alternates)


@lru_cache(maxsize=2)
def load_variant_table(kind: NameKind) -> VariantTable:
    """Load and validate the bundled table for forenames or surnames."""
    text = (
        resources.files("joinedup.linkage")
        .joinpath("data", _FILES[kind])
        .read_text(encoding="utf-8")
    )
    return parse_variant_rows(kind, list(csv.DictReader(text.splitlines())))


def canonical_name(value: str | None, kind: NameKind) -> str | None:
    """Canonical key of a raw name: ``canonical_name("Mohd", "forename") == "mohammed"``."""
    key = name_key(value)
    if key is None:
        return None
    return _canonical_key(key, kind)


@lru_cache(maxsize=200_000)
def _canonical_key(key: str, kind: NameKind) -> str:
    return load_variant_table(kind).canonical(key)


def canonical_any(key: str | None) -> str | None:
    """Canonical key looked up in the forename table, then the surname table.

    Used where a name may sit in the wrong field (swapped forename and surname), so that
    ``Chowdhury`` in a forename field still meets ``Choudhury`` in a surname field.
    """
    if key is None:
        return None
    if key in load_variant_table("forename").canonical_of:
        return _canonical_key(key, "forename")
    return _canonical_key(key, "surname")


def variant_groups(kind: NameKind) -> dict[str, list[str]]:
    """Canonical key → sorted list of its variants (the canonical included)."""
    groups: dict[str, list[str]] = {}
    for variant, canonical in load_variant_table(kind).canonical_of.items():
        groups.setdefault(canonical, []).append(variant)
    return {canonical: sorted(members) for canonical, members in sorted(groups.items())}


def alternate_name(key: str | None, kind: NameKind) -> str | None:
    """The alternate canonical of a name key (``sam`` → ``samantha``), else ``None``."""
    if key is None:
        return None
    return load_variant_table(kind).alternate(key)
