"""Quotation finding visits only the quotation marks: the same spans as a scan of every
character (the reference below), on the corpus and on random text full of marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.safeguarding.language.matcher import (
    _MAX_QUOTE,
    _PAIRS,
    _closes,
    _opens,
    quoted_spans,
)

from .helpers import corpus


def reference(text: str) -> list[tuple[int, int]]:
    """Every character visited (the checker's first implementation)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if _opens(text, i):
            closers = _PAIRS[text[i]]
            limit = min(n, i + 1 + _MAX_QUOTE)
            j = i + 1
            while j < limit and not _closes(text, j, closers):
                if text[j] == "\n":
                    j = limit
                    break
                j += 1
            if j < limit:
                spans.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def test_the_corpus_gives_the_reference_spans() -> None:
    for row in corpus():
        assert quoted_spans(row.text) == reference(row.text), row.text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n-:('\"“”‘’„«»s", max_size=60))
def test_random_text_gives_the_reference_spans(text: str) -> None:
    assert quoted_spans(text) == reference(text)


def test_a_long_quotation_is_not_one() -> None:
    text = 'She said "' + "x" * (_MAX_QUOTE + 5) + '" and left.'
    assert quoted_spans(text) == reference(text) == []
