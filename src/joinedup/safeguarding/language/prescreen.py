"""A fast keyword pre-screen: the literal words a lexicon pattern cannot match without.

Each entry's regular expressions are parsed (Python's own regex parser) to find, for each
pattern, a set of literal strings at least one of which every match must contain (the longest
run of plain characters in a required part of the pattern; alternatives contribute one
string each). A note containing none of an entry's strings cannot match that entry, so the
checker skips the entry; a note containing none of any entry's strings is passed over without
running a single regular expression. Exact, not heuristic: a pattern whose requirement cannot be
derived is always run. Text is compared case-folded (patterns are case-insensitive).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

import ahocorasick

from joinedup.safeguarding.language.lexicon import SPACE, Lexicon

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

Need = frozenset[str] | None  # any one of these strings must occur; None: no requirement known

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}


_SEPARATORS = re.compile(r"[\s,;:]+")
_PLACEHOLDER = "\x00"  # stands for a lexicon space (SPACE) while a pattern is parsed


def normal(text: str) -> str:
    """Text as the screen compares it: case-folded, each run of white space, commas, colons
    and semicolons one space (so a lexicon space is one plain space in a key)."""
    return _SEPARATORS.sub(" ", text.casefold())


def _fold(code: int) -> str:
    char = chr(code)
    return " " if char == _PLACEHOLDER or _SEPARATORS.fullmatch(char) else char.casefold()


_MAX_VARIANTS = 64


def _exact(op: Any, av: Any) -> frozenset[str] | None:
    """The finite set of (case-folded) strings an item matches exactly, if it has one."""
    if op == _c.LITERAL:
        return frozenset({_fold(av)})
    if op == _c.IN:
        chars = {_fold(v) for o, v in av if o == _c.LITERAL}
        if chars and all(o == _c.LITERAL for o, _ in av) and len(chars) <= 4:
            return frozenset(chars)
        return None
    if op == _c.SUBPATTERN:
        return _exact_seq(av[-1])
    if op == _c.BRANCH:
        parts = [_exact_seq(branch) for branch in av[1]]
        if any(p is None for p in parts):
            return None
        out = frozenset().union(*parts)  # type: ignore[arg-type]
        return out if len(out) <= _MAX_VARIANTS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        inner = _exact_seq(av[2])
        return None if inner is None else inner | {""}
    return None


def _exact_seq(items: Any) -> frozenset[str] | None:
    out = frozenset({""})
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        part = _exact(op, av)
        if part is None:
            return None
        out = frozenset(a + b for a in out for b in part)
        if len(out) > _MAX_VARIANTS:
            return None
    return out


def _usable(candidates: list[frozenset[str]]) -> list[frozenset[str]]:
    return [c for c in candidates if c and "" not in c]


def _best(candidates: list[frozenset[str]]) -> Need:
    usable = _usable(candidates)
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(s) for s in c), -len(c)))


def _candidates(items: Any) -> list[frozenset[str]]:
    """Every requirement of a parsed sequence: any match contains a string of each set."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] = frozenset({""})
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        exact = _exact(op, av)
        if exact is not None:
            grown = frozenset(a + b for a in run for b in exact)
            if len(grown) <= _MAX_VARIANTS:
                run = grown
                continue
        candidates.append(run)
        run = frozenset({""})
        need = _item(op, av)
        if need:
            candidates.append(need)
        if exact is not None:
            run = exact
    candidates.append(run)
    return _usable(candidates)


def required(items: Any) -> Need:
    """The most selective single requirement of a parsed (sub)pattern (None: none known)."""
    return _best(_candidates(items))


def _item(op: Any, av: Any) -> Need:
    if op == _c.SUBPATTERN:
        return required(av[-1])
    if op == _c.BRANCH:
        needs = [required(branch) for branch in av[1]]
        if any(n is None for n in needs):
            return None
        return frozenset().union(*needs)  # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return required(av[2])
    return None


def pattern_needs(pattern: str, flags: int = 0) -> list[frozenset[str]] | None:
    """Every requirement a regular expression makes of any text it matches: the text must hold
    a string of each set (None: nothing known, always run the pattern)."""
    try:
        needs = _candidates(_parser.parse(pattern.replace(SPACE, _PLACEHOLDER), flags))
    except Exception:  # an unparseable pattern is simply never pre-screened
        return None
    return [frozenset(_key(w) for w in need) for need in needs] or None


_KEY_LENGTH = 16


def _key(word: str) -> str:
    """A word shortened to its first characters: fewer distinct keys, each still required."""
    return _SEPARATORS.sub(" ", word)[:_KEY_LENGTH]


_MIN_KEY = 3  # a requirement met by one- or two-character strings is not worth testing


@dataclass(frozen=True)
class PatternScreen:
    """One pattern's requirements, most selective first: a key of each set must occur."""

    entry_id: str
    first: frozenset[str]
    rest: tuple[frozenset[str], ...]

    def rest_holds(self, folded: str) -> bool:
        """Whether the requirements after the first hold in the :func:`normal` text."""
        return all(any(k in folded for k in need) for need in self.rest)


class Prescreen:
    """Per-pattern requirements of a lexicon, indexed for speed.

    The first-stage keys of every pattern are held in one Aho-Corasick automaton
    (``pyahocorasick``, in C), so a note is scanned once for all of them; a key found selects
    the patterns it opens, and only those patterns' other requirements are tested. Entries
    with a pattern whose requirements are unknown are always candidates.
    """

    def __init__(self, patterns: list[PatternScreen], always: set[str]) -> None:
        self.patterns = tuple(patterns)
        self.always = frozenset(always)
        by_key: dict[str, list[int]] = {}
        for i, p in enumerate(self.patterns):
            for key in p.first:
                by_key.setdefault(key, []).append(i)
        self.by_key = {k: tuple(v) for k, v in by_key.items()}
        self.automaton: Any = ahocorasick.Automaton()
        for key, indices in self.by_key.items():
            self.automaton.add_word(key, indices)
        if self.by_key:
            self.automaton.make_automaton()

    def candidates(self, text: str) -> set[str]:
        """Ids of the entries that could match ``text``."""
        found = set(self.always)
        if not self.by_key:
            return found
        folded = normal(text)
        opened: set[int] = set()
        for _end, indices in self.automaton.iter(folded):
            opened.update(indices)
        for i in opened:
            pattern = self.patterns[i]
            if pattern.entry_id not in found and pattern.rest_holds(folded):
                found.add(pattern.entry_id)
        return found

    def may_flag(self, text: str) -> bool:
        """False only when no entry can match ``text``."""
        return bool(self.candidates(text))


def _pattern_screen(entry_id: str, needs: list[frozenset[str]]) -> PatternScreen | None:
    useful = [n for n in needs if min(len(k) for k in n) >= _MIN_KEY]
    if not useful:
        return None
    useful.sort(key=lambda n: (-min(len(k) for k in n), len(n), sorted(n)))
    return PatternScreen(entry_id, useful[0], tuple(useful[1:]))


_SCREENS: dict[int, tuple[Lexicon, Prescreen]] = {}


def prescreen(lexicon: Lexicon) -> Prescreen:
    """The pre-screen of a lexicon (kept for the life of the lexicon)."""
    held = _SCREENS.get(id(lexicon))
    if held is None or held[0] is not lexicon:
        patterns: list[PatternScreen] = []
        always: set[str] = set()
        for entry in lexicon.entries:
            for compiled in entry.compiled:
                needs = pattern_needs(compiled.pattern, compiled.flags)
                screen = _pattern_screen(entry.id, needs) if needs is not None else None
                if screen is None:
                    always.add(entry.id)
                else:
                    patterns.append(screen)
        held = (lexicon, Prescreen(patterns, always))
        _SCREENS[id(lexicon)] = held
    return held[1]
