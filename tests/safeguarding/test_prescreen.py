"""The keyword pre-screen is exact: it never hides a finding the full checker would make."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.safeguarding.language import default_lexicon
from joinedup.safeguarding.language.lexicon import expand
from joinedup.safeguarding.language.matcher import find
from joinedup.safeguarding.language.prescreen import pattern_needs, prescreen

from .helpers import FRAMING_DEV, corpus, framing

LEXICON = default_lexicon()


def _same(text: str) -> None:
    fast = [(m.entry.id, m.start, m.end) for m in find(LEXICON, text)]
    full = [(m.entry.id, m.start, m.end) for m in find(LEXICON, text, screen=False)]
    assert fast == full, text


def test_requirements_of_simple_patterns() -> None:
    assert pattern_needs(r"put(?:s|ting)?\s+herself\s+at\s+risk") == [
        frozenset({"put", "puts", "putting"}),
        frozenset({"herself"}),
        frozenset({"at"}),
        frozenset({"risk"}),
    ]
    assert pattern_needs(r"(?:a|b)\w+") == [frozenset({"a", "b"})]
    assert pattern_needs("put(?:s|ting)? herself") == [
        frozenset({"put herself", "puts herself", "putting herself"})
    ]
    # keys are at most 16 characters; a lexicon space (or , ; :) is one plain space
    assert pattern_needs(expand("the consenting  adults, here")) == [
        frozenset({"the consenting a"})
    ]
    assert pattern_needs(r"\w+") is None
    assert pattern_needs("(") is None  # unparseable: always run


def test_every_entry_has_a_screen_and_common_notes_are_passed_over() -> None:
    screen = prescreen(LEXICON)
    assert not screen.always
    for text in (
        "Home visit. Amy seen alone; reports being happy at school.",
        "Minor injury: sprained wrist playing football. Discharged.",
        "Supervision attended. No new concerns.",
    ):
        assert not screen.may_flag(text), text


def test_corpus_lexicon_examples_and_lookalikes_give_the_same_findings() -> None:
    texts = [row.text for row in corpus()] + [row.text for row in framing(FRAMING_DEV)]
    for entry in LEXICON.entries:
        texts.extend(entry.examples)
        texts.extend(entry.lookalikes)
    for text in texts:
        _same(text)
        _same(text.upper())


_WORDS = sorted(
    {w for e in LEXICON.entries for x in e.examples for w in re.findall(r"[\w'’-]+", x)}
)
_SEPARATORS = [",", ".", '"', "aged 25", "(30)", ";", " ,", "\n", ":", "  "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.sampled_from(_SEPARATORS), max_size=14))
def test_random_notes_from_lexicon_words_give_the_same_findings(words: list[str]) -> None:
    _same(" ".join(words))
