"""Who a framing is about and whether it is used or corrected: the scope checks of a match.

The lexicon's patterns find phrases; these checks decide, from the words around a match in its
sentence, whether the phrase frames the *child* (rather than an adult) and whether it is used
(rather than mentioned to correct it). Rules over tokens, no parser: every vocabulary is data,
the ``scope`` section of ``data/language_lexicon.yml``.

- **Agent** (entries with ``agent: child``): the match is not flagged when an adult is the one
  who acts. That is when the match starts with an adult's possessive ("the men's behaviour"),
  an act is coerced ("made her", "pressured her into", "used him to" just before it), the act
  is done "by" adults (right after it), or the subject of the clause, the first person named
  in it after any reporter ("staff say", "officers believe"), is an adult.
- **Correction** (every entry): a mention that corrects the term is not flagged: a correcting
  phrase earlier in the sentence ("there is no such thing as", "the law no longer refers
  to"); a capacity denied ("cannot consent", "cannot be called"); or a negation of the match
  with the child named as a victim of abuse in the same sentence ("she is not a sex worker;
  she is a child being exploited").
- **Negation** (entries with ``negation: correct``): negating the framing rejects it ("she is
  not to blame") and is not flagged; elsewhere a negated label is still flagged, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Compile = Callable[[str, str], re.Pattern[str]]

KEYS = (
    "not_child",
    "child",
    "reporting",
    "coercion",
    "corrections",
    "capacity",
    "reframing",
    "restatement",
)
_CLAUSE = re.compile(r"[;:,()]|\s[-–—]\s|\n")
_WORDS_BEFORE = 40  # characters before a match searched for a coercion cue
_WORDS_AFTER = 30  # characters after a match searched for "by <adult>"


@dataclass(frozen=True)
class Scope:
    """Compiled vocabularies of the scope checks (see the module docstring)."""

    not_child: re.Pattern[str]
    child: re.Pattern[str]
    reporting: re.Pattern[str]
    coercion: re.Pattern[str]
    corrections: re.Pattern[str]
    capacity: re.Pattern[str]
    reframing: re.Pattern[str]
    restatement: re.Pattern[str]
    by_adult: re.Pattern[str]
    person: re.Pattern[str]


def parse_scope(raw: Any, compile_: Compile) -> Scope:
    """Validate and compile the ``scope`` section (``compile_(source, where)``)."""
    if not isinstance(raw, dict):
        raise ValueError("scope: must be a mapping of vocabularies")
    unknown = set(raw) - set(KEYS)
    missing = set(KEYS) - set(raw)
    if unknown or missing:
        raise ValueError(
            f"scope: unknown {sorted(unknown)} / missing {sorted(missing)} vocabularies"
        )
    sources: dict[str, str] = {}
    for key in KEYS:
        values = raw[key]
        if not isinstance(values, list) or not values:
            raise ValueError(f"scope {key}: must be a non-empty list of patterns")
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError(f"scope {key}: every pattern must be a non-empty string")
        sources[key] = "|".join(f"(?:{v})" for v in values)
    word = r"(?<![\w'’-])(?:{})(?![\w-])"
    return Scope(
        not_child=compile_(word.format(sources["not_child"]), "scope not_child"),
        child=compile_(word.format(sources["child"]), "scope child"),
        reporting=compile_(r"^\W*(?:{})\b".format(sources["reporting"]), "scope reporting"),
        coercion=compile_(r"(?<![\w-])(?:{})".format(sources["coercion"]), "scope coercion"),
        corrections=compile_(
            r"(?<![\w-])(?:{})".format(sources["corrections"]), "scope corrections"
        ),
        capacity=compile_(
            r"(?<![\w-])(?:{})(?:\s+[\w'’-]+)?\W*$".format(sources["capacity"]), "scope capacity"
        ),
        reframing=compile_(r"(?<![\w-])(?:{})".format(sources["reframing"]), "scope reframing"),
        restatement=compile_(
            r"(?<![\w-])(?:{})".format(sources["restatement"]), "scope restatement"
        ),
        by_adult=compile_(
            r"^(?:[\s,]+[\w'’-]+){{0,3}}?\s+by {}".format(word.format(sources["not_child"])),
            "scope by_adult",
        ),
        person=compile_(word.format(sources["not_child"] + "|" + sources["child"]), "scope person"),
    )


def clause_start(text: str, left: int, start: int) -> int:
    """Where the clause holding position ``start`` begins (no earlier than ``left``)."""
    begin = left
    for mark in _CLAUSE.finditer(text, left, start):
        begin = mark.end()
    return begin


_POSSESSIVE = re.compile(r"([\w-]+?)(?:['’]s|s['’])(?=\s)", re.IGNORECASE)
_OBJECT_OF = re.compile(
    r"(?<![\w-])(?:with|by|to|for|from|of|at|on|about|towards|against|between|among|like|than)"
    r"(?:\s+[\w'’-]+){0,2}\s+$",
    re.IGNORECASE,
)


def _subject_is_adult(scope: Scope, clause: str) -> bool:
    """Whether the first person named in ``clause`` (after a reporter, and not as the object
    of a preposition: "sex with a 24-year-old was ...") is not the child."""
    at = 0
    for _ in range(4):
        found = scope.person.search(clause, at)
        if found is None:
            return False
        at = found.end()
        if scope.reporting.match(clause[at:]):
            continue  # "staff say she ...": the reporter is not the subject
        if _OBJECT_OF.search(clause[: found.start()]):
            continue
        return scope.not_child.fullmatch(found.group(0)) is not None
    return False


def adult_agent(scope: Scope, text: str, start: int, end: int, left: int, right: int) -> bool:
    """Whether an adult, not the child, is the agent of the match ``text[start:end]``."""
    possessor = _POSSESSIVE.match(text, start, end)
    if possessor and scope.not_child.fullmatch(possessor.group(1)):
        return True  # "the men's behaviour", "adults' choices"
    begin = clause_start(text, left, start)
    if scope.coercion.search(text[max(begin, start - _WORDS_BEFORE) : start]):
        return True
    if scope.by_adult.match(text[end : min(right, end + _WORDS_AFTER)]):
        return True
    return _subject_is_adult(scope, text[begin:start])


def corrected(scope: Scope, before: str, after: str, negated: bool) -> bool:
    """Whether the match is mentioned to correct it (``before`` and ``after``: the rest of its
    sentence on either side)."""
    if scope.corrections.search(before) or scope.capacity.search(before[-60:]):
        return True
    if scope.reframing.search(after):
        return True  # "she says she is happy with him, which may show grooming"
    return negated and scope.restatement.search(before + " " + after) is not None
