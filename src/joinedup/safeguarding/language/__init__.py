"""Language checker: flag victim-blaming language in case notes, with reasons and alternatives.

>>> from joinedup.safeguarding.language import check
>>> [f.entry_id for f in check("She is putting herself at risk.")]
['putting-self-at-risk']
"""

from __future__ import annotations

from joinedup.safeguarding.language.checker import (
    Counts,
    Finding,
    Summary,
    check,
    check_many,
    summarise,
)
from joinedup.safeguarding.language.lexicon import (
    Entry,
    Lexicon,
    LexiconError,
    default_lexicon,
    load,
)

__all__ = [
    "Counts",
    "Entry",
    "Finding",
    "Lexicon",
    "LexiconError",
    "Summary",
    "check",
    "check_many",
    "default_lexicon",
    "load",
    "summarise",
]
