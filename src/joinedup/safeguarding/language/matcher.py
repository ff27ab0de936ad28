"""Find lexicon matches in a note: patterns, look-alike exclusions, quotations and overlaps.

Quoted speech (a child's own words, recorded faithfully) is never flagged. Quotes are found
with a small scanner rather than a regular expression so that apostrophes ("friend's",
"he's", curly "children’s") are not taken for single quotation marks. Look-alike exclusions
and negation look only within the sentence holding the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from joinedup.safeguarding.language.lexicon import Entry, Lexicon
from joinedup.safeguarding.language.prescreen import prescreen
from joinedup.safeguarding.language.scope import Scope, adult_agent, corrected

# opening mark -> closing marks that end it
_PAIRS: dict[str, str] = {'"': '"', "“": '”"', "„": "“”", "«": "»", "‘": "’'", "'": "'’"}
_SINGLE = frozenset("'‘’")
_WINDOW = 80  # characters of context looked at before and after a match
_MAX_QUOTE = 400  # a quotation longer than this (or unclosed) is not treated as one
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
_FULL_STOP = re.compile(r"[.!?]+(?=\s|$)|\n")
_NEGATION = re.compile(
    r"(?<![\w])(?:not|no longer|never|no|nor|neither|without|hardly|cannot|"
    r"isn['’]t|wasn['’]t|aren['’]t|weren['’]t|don['’]t|doesn['’]t|didn['’]t|won['’]t|"
    r"can['’]t|stopped|denies|denied)(?:\s+[\w'’-]+){0,2}\s*$",
    re.IGNORECASE,
)


def _opens(text: str, i: int) -> bool:
    """Whether the mark at ``i`` can open a quotation."""
    mark = text[i]
    if mark not in _PAIRS:
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    if mark in _SINGLE or mark == '"':
        # an opening mark follows a space, an opening bracket, a dash, a colon or the start
        return before.isspace() or before in "([{—–-:/" or before in _PAIRS
    return True


def _closes(text: str, j: int, closers: str) -> bool:
    """Whether the mark at ``j`` closes a quotation opened with one of ``closers``."""
    if text[j] not in closers:
        return False
    after = text[j + 1] if j + 1 < len(text) else " "
    if text[j] in _SINGLE and (after.isalnum() or after == "_"):
        return False  # an apostrophe inside a word: he's, children’s
    before = text[j - 1] if j > 0 else " "
    return not before.isspace() or text[j] not in _SINGLE


_MARKS = re.compile("[" + re.escape("".join(set(_PAIRS) | set("".join(_PAIRS.values())))) + "]")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Half-open (start, end) spans of quotations in ``text``, marks included, in order.

    Only the positions of quotation marks are visited (most notes have none or a few).
    """
    marks = [m.start() for m in _MARKS.finditer(text)]
    spans: list[tuple[int, int]] = []
    n = len(text)
    k = 0
    while k < len(marks):
        i = marks[k]
        k += 1
        if not _opens(text, i):
            continue
        closers = _PAIRS[text[i]]
        limit = min(n, i + 1 + _MAX_QUOTE)
        newline = text.find("\n", i + 1, limit)
        if newline != -1:
            limit = newline
        for later in range(k, len(marks)):
            j = marks[later]
            if j >= limit:
                break
            if _closes(text, j, closers):
                spans.append((i, j + 1))
                k = later + 1
                break
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps any of ``spans``."""
    return any(s < end and start < e for s, e in spans)


def sentence_bounds(
    text: str, start: int, end: int, ends: re.Pattern[str] = _SENTENCE_END
) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``text[start:end]`` (a semicolon ends one
    unless ``ends`` says otherwise)."""
    left = 0
    for boundary in ends.finditer(text, 0, start):
        left = boundary.end()
    after = ends.search(text, end)
    right = after.start() if after else len(text)
    return left, right


def negated(before: str) -> bool:
    """Whether the text just before a match (same sentence) negates it."""
    return _NEGATION.search(before[-80:]) is not None


@dataclass(frozen=True)
class Match:
    """A raw match of one lexicon entry."""

    entry: Entry
    start: int
    end: int
    negated: bool
    dropped: bool = False  # out of scope (a correction, an adult's act): hides overlaps too


def _excluded(entry: Entry, before: str, after: str) -> bool:
    if any(p.match(after) for p in entry.unless_after):
        return True
    return any(p.search(before) for p in entry.unless_before)


def _out_of_scope(
    scope: Scope, entry: Entry, text: str, span: tuple[int, int], clause: tuple[int, int]
) -> tuple[bool, bool]:
    """(dropped, negated) for a match at ``span`` in a sentence ``clause`` (see scope.py)."""
    start, end = span
    left, right = clause
    is_negated = negated(text[max(left, start - _WINDOW) : start])
    full_left, full_right = sentence_bounds(text, start, end, _FULL_STOP)
    if corrected(scope, text[full_left:start], text[end:full_right], is_negated):
        return True, is_negated
    if is_negated and entry.negation == "correct":
        return True, is_negated
    if entry.agent == "child" and adult_agent(scope, text, start, end, left, right):
        return True, is_negated
    return False, is_negated


def entry_matches(
    entry: Entry,
    text: str,
    quotes: list[tuple[int, int]],
    scope: Scope | None = None,
    *,
    with_dropped: bool = False,
) -> list[Match]:
    """Matches of ``entry`` in ``text`` outside ``quotes``, not excluded as look-alikes and
    (with a ``scope``) neither corrections nor acts of an adult; ``with_dropped`` keeps the
    latter too, marked ``dropped``."""
    found: dict[tuple[int, int], Match] = {}
    for pattern in entry.compiled:
        for m in pattern.finditer(text):
            start, end = m.span()
            if (start, end) in found or inside(quotes, start, end):
                continue
            left, right = sentence_bounds(text, start, end)
            before = text[max(left, start - _WINDOW) : start]
            after = text[end : min(right, end + _WINDOW)]
            if _excluded(entry, before, after):
                continue
            if scope is None:
                is_negated = negated(before)
            else:
                dropped, is_negated = _out_of_scope(scope, entry, text, (start, end), (left, right))
                if dropped:
                    if with_dropped:
                        found[(start, end)] = Match(entry, start, end, is_negated, dropped=True)
                    continue
            found[(start, end)] = Match(entry, start, end, is_negated)
    return list(found.values())


def _resolve(matches: list[Match], order: dict[str, int]) -> list[Match]:
    """Drop matches overlapping a longer (or, at equal length, earlier-listed) match."""
    ranked = sorted(matches, key=lambda m: (-(m.end - m.start), order[m.entry.id], m.start))
    kept: list[Match] = []
    for match in ranked:
        if not any(k.start < match.end and match.start < k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.end))


def find(lexicon: Lexicon, text: str, *, screen: bool = True) -> list[Match]:
    """All non-overlapping lexicon matches in ``text``, in order of position.

    Entries whose required words (:mod:`.prescreen`) are absent from the text are skipped
    (``screen=False`` runs every entry: the same result, slower). A match out of scope (a
    correction, an adult's act) still takes part in resolving overlaps, so that a shorter
    match inside it ("prostitute" in "no such thing as a child prostitute") is not flagged.
    """
    wanted = prescreen(lexicon).candidates(text) if screen else {e.id for e in lexicon.entries}
    if not wanted:
        return []
    quotes = quoted_spans(text)
    matches: list[Match] = []
    for entry in lexicon.entries:
        if entry.id in wanted:
            matches.extend(entry_matches(entry, text, quotes, lexicon.scope, with_dropped=True))
    order = {entry.id: i for i, entry in enumerate(lexicon.entries)}
    return [m for m in _resolve(matches, order) if not m.dropped]
