"""Vocabularies declared as data files, loaded and validated once.

Each file in ``joinedup/model/data/vocab/`` is a YAML mapping with ``name``, ``description``,
optional ``source`` and a list of ``terms`` (``code``, ``label``, optional ``group``). A
partnership may review and extend them without code changes; a malformed file fails loudly,
naming the file and the problem.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import packaged, parse_document
from joinedup.common.errors import JoinedupError


class VocabularyError(JoinedupError, ValueError):
    """A vocabulary file is missing or malformed, or a code is not in a vocabulary."""


class Term(BaseModel):
    """One entry of a vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1)
    group: str | None = None
    hint: str | None = None  # the term in plain words, where a form shows it


class Vocabulary(BaseModel):
    """A named, validated list of codes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)
    source: str | None = None
    terms: tuple[Term, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Vocabulary:
        seen: set[tuple[str | None, str]] = set()
        for term in self.terms:
            key = (term.group, term.code)
            if key in seen:
                raise ValueError(f"duplicate code {term.code!r} (group {term.group!r})")
            seen.add(key)
        return self

    @property
    def codes(self) -> frozenset[str]:
        """All codes of the vocabulary."""
        return frozenset(t.code for t in self.terms)

    @property
    def ordered(self) -> tuple[str, ...]:
        """All codes of the vocabulary, in file order."""
        return tuple(t.code for t in self.terms)

    def codes_in(self, group: str) -> tuple[str, ...]:
        """Codes of one group, in file order."""
        return tuple(t.code for t in self.terms if t.group == group)

    def label(self, code: str, *, group: str | None = None) -> str:
        """The label of ``code`` (in ``group``, where codes repeat across groups); raises
        :class:`VocabularyError` if unknown."""
        return self.term(code, group=group).label

    def term(self, code: str, *, group: str | None = None) -> Term:
        """The term of ``code`` (in ``group``); raises :class:`VocabularyError` if unknown."""
        for term in self.terms:
            if term.code == code and (group is None or term.group == group):
                return term
        raise VocabularyError(f"{code!r} is not a code of vocabulary {self.name!r}")

    def in_group(self, group: str) -> tuple[Term, ...]:
        """The terms of one group, in file order."""
        return tuple(t for t in self.terms if t.group == group)

    def check(self, code: str, *, group: str | None = None) -> str:
        """Return ``code`` if it is in the vocabulary (and group), else raise."""
        if any(t.code == code and (group is None or t.group == group) for t in self.terms):
            return code
        where = f" (group {group!r})" if group else ""
        allowed = ", ".join(sorted(self.codes_in(group) if group else self.codes))
        raise VocabularyError(
            f"{code!r} is not a code of vocabulary {self.name!r}{where}; allowed: {allowed}"
        )


def _vocab_dir() -> Any:
    return packaged("joinedup.model", "vocab")


def names() -> tuple[str, ...]:
    """Names of every shipped vocabulary."""
    return tuple(
        sorted(
            p.name.removesuffix(".yml") for p in _vocab_dir().iterdir() if p.name.endswith(".yml")
        )
    )


def parse(text: str, *, where: str) -> Vocabulary:
    """Parse and validate one vocabulary document; errors name ``where``."""
    return parse_document(Vocabulary, text, where=where, what="vocabulary", error=VocabularyError)


@cache
def vocabulary(name: str) -> Vocabulary:
    """Load the shipped vocabulary ``name`` (cached)."""
    path = _vocab_dir().joinpath(f"{name}.yml")
    if not path.is_file():
        raise VocabularyError(f"no vocabulary named {name!r}; known: {', '.join(names())}")
    vocab = parse(path.read_text(encoding="utf-8"), where=f"vocabulary file {name}.yml")
    if vocab.name != name:
        raise VocabularyError(f"vocabulary file {name}.yml declares name {vocab.name!r}")
    return vocab


def load_all() -> dict[str, Vocabulary]:
    """Load and validate every shipped vocabulary (done at start-up and in tests)."""
    return {n: vocabulary(n) for n in names()}
