"""The lexicon of the language checker: load ``data/language_lexicon.yml`` and validate it.

A malformed lexicon fails loudly with a :class:`LexiconError` that names the entry and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from joinedup.common.documents import load_yaml, packaged, read_text
from joinedup.common.errors import JoinedupError
from joinedup.safeguarding.language.scope import Scope, parse_scope

CATEGORIES = frozenset(
    {
        "responsibility",
        "consent",
        "complicity",
        "transaction",
        "participation",
        "behaviour",
        "relationship",
        "minimising",
        "commercial",
        "sexualising",
        "disbelief",
        "engagement",
        "criminalising",
    }
)
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SELF = r"(?:(?:her|him|them|your|my|our)sel(?:f|ves)|themself|oneself)"
MACROS: dict[str, str] = {
    "self": _SELF,
    "poss": r"(?:her|his|their)",
    "pron": r"(?:she|he|they)",
    "w1": r"(?:[\w'’-]+[,;:]?\s+){0,1}",
    "w2": r"(?:[\w'’-]+[,;:]?\s+){0,2}",
    "w3": r"(?:[\w'’-]+[,;:]?\s+){0,3}",
    "apos": r"['’]",
    "adult_age": r"(?:1[89]|[2-9]\d)",
}
SPACE = r"(?:\s*[,;:]\s*|\s+)"  # a space in a pattern: white space or a comma, colon...
_MACRO = re.compile(r"\{([a-z_0-9]+)\}")
_REQUIRED = ("id", "category", "patterns", "examples", "reason", "suggestion", "source")
_OPTIONAL = ("unless_after", "unless_before", "age_rules", "lookalikes", "negation", "agent")
NEGATION_POLICIES = ("flag", "correct")
AGENTS = ("any", "child")


class LexiconError(JoinedupError, ValueError):
    """The lexicon file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class AgeRule:
    """Wording used instead of the entry's when the child is younger than ``under``."""

    under: int
    reason: str
    suggestion: str


@dataclass(frozen=True)
class Entry:
    """One lexicon entry with its compiled patterns and look-alike exclusions."""

    id: str
    category: str
    patterns: tuple[str, ...]
    reason: str
    suggestion: str
    source: str
    compiled: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]
    lookalikes: tuple[str, ...] = ()
    unless_after: tuple[re.Pattern[str], ...] = ()
    unless_before: tuple[re.Pattern[str], ...] = ()
    age_rules: tuple[AgeRule, ...] = ()
    negation: str = "flag"  # "correct": a negated mention rejects the framing (not flagged)
    agent: str = "any"  # "child": not flagged when an adult is the agent (see scope.py)

    def wording(self, child_age: int | None) -> tuple[str, str]:
        """The (reason, suggestion) for a child of ``child_age`` (None: age unknown)."""
        if child_age is not None:
            for rule in self.age_rules:
                if child_age < rule.under:
                    return rule.reason, rule.suggestion
        return self.reason, self.suggestion


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon: entries in file order."""

    version: int
    entries: tuple[Entry, ...]
    scope: Scope | None = None

    def entry(self, entry_id: str) -> Entry:
        """The entry called ``entry_id`` (KeyError if absent)."""
        for item in self.entries:
            if item.id == entry_id:
                return item
        raise KeyError(entry_id)


def _substitute(pattern: str, macros: Mapping[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise KeyError(name)
        return macros[name]

    return _MACRO.sub(sub, pattern)


def expand(pattern: str, macros: Mapping[str, str] = MACROS) -> str:
    """Expand ``{macro}`` names; each space matches white space or a comma, colon, semicolon."""
    return _substitute(pattern, macros).replace(" ", SPACE)


def _macros(raw: Any) -> dict[str, str]:
    """The built-in macros and the lexicon's own (``macros:``; each may use earlier ones)."""
    macros = dict(MACROS)
    if raw is None:
        return macros
    if not isinstance(raw, dict):
        raise LexiconError("lexicon: 'macros' must be a mapping of name to pattern")
    for name, body in raw.items():
        where = f"macro {name!r}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_0-9]+", name):
            raise LexiconError(f"{where}: a name is lower-case letters, digits and _")
        if name in macros:
            raise LexiconError(f"{where}: defined twice")
        if not isinstance(body, str) or not body.strip():
            raise LexiconError(f"{where}: must be a non-empty pattern")
        try:
            macros[name] = "(?:" + _substitute(body, macros) + ")"
        except KeyError as exc:
            raise LexiconError(f"{where}: unknown macro {{{exc.args[0]}}}") from exc
        try:
            re.compile(expand(macros[name], macros))
        except re.error as exc:
            raise LexiconError(f"{where}: bad pattern: {exc}") from exc
    return macros


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _compile(
    source: str, where: str, *, wrap: str, macros: Mapping[str, str] = MACROS
) -> re.Pattern[str]:
    try:
        body = expand(source, macros)
    except KeyError as exc:
        raise LexiconError(f"{where}: unknown macro {{{exc.args[0]}}} in {source!r}") from exc
    try:
        return re.compile(wrap.format(body), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: bad pattern {source!r}: {exc}") from exc


def _patterns(
    raw: dict[str, Any], key: str, where: str, *, wrap: str, macros: Mapping[str, str] = MACROS
) -> tuple[re.Pattern[str], ...]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise LexiconError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(_compile(v, f"{where} {key}", wrap=wrap, macros=macros) for v in values)


def _choice(raw: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key, allowed[0])
    if value not in allowed:
        raise LexiconError(f"{where}: '{key}' must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _strings(raw: dict[str, Any], key: str, where: str, *, required: bool) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise LexiconError(f"{where}: '{key}' must be a list of non-empty strings")
    if required and not values:
        raise LexiconError(f"{where}: '{key}' must not be empty")
    return tuple(values)


def _age_rules(raw: dict[str, Any], where: str) -> tuple[AgeRule, ...]:
    values = raw.get("age_rules", [])
    if not isinstance(values, list):
        raise LexiconError(f"{where}: 'age_rules' must be a list")
    rules: list[AgeRule] = []
    for i, value in enumerate(values):
        at = f"{where} age_rules[{i}]"
        if not isinstance(value, dict):
            raise LexiconError(f"{at}: must be a mapping")
        under = value.get("under")
        if not isinstance(under, int) or isinstance(under, bool) or not 0 < under <= 18:
            raise LexiconError(f"{at}: 'under' must be an age from 1 to 18")
        if rules and under <= rules[-1].under:
            raise LexiconError(f"{at}: ages must increase")
        rules.append(AgeRule(under, _text(value, "reason", at), _text(value, "suggestion", at)))
    return tuple(rules)


def parse_entry(raw: Any, index: int, macros: Mapping[str, str] = MACROS) -> Entry:
    """Validate and compile one raw entry (``index`` is used in messages)."""
    if not isinstance(raw, dict):
        raise LexiconError(f"entry #{index}: must be a mapping")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise LexiconError(f"entry #{index}: 'id' must be a lower-case slug, got {entry_id!r}")
    where = f"entry {entry_id!r}"
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    category = _text(raw, "category", where)
    if category not in CATEGORIES:
        raise LexiconError(f"{where}: category {category!r} is not one of {sorted(CATEGORIES)}")
    patterns = raw.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise LexiconError(f"{where}: 'patterns' must be a non-empty list")
    compiled = _patterns(raw, "patterns", where, wrap=r"(?<![\w-])(?:{})(?![\w])", macros=macros)
    for pattern, source in zip(compiled, patterns, strict=True):
        if pattern.search(""):
            raise LexiconError(f"{where}: pattern {source!r} matches empty text")
    return Entry(
        id=entry_id,
        category=category,
        patterns=tuple(patterns),
        reason=_text(raw, "reason", where),
        suggestion=_text(raw, "suggestion", where),
        source=_text(raw, "source", where),
        compiled=compiled,
        examples=_strings(raw, "examples", where, required=True),
        lookalikes=_strings(raw, "lookalikes", where, required=False),
        unless_after=_patterns(raw, "unless_after", where, wrap="(?:{})", macros=macros),
        unless_before=_patterns(
            raw, "unless_before", where, wrap=r"(?<![\w])(?:{})\W*$", macros=macros
        ),
        age_rules=_age_rules(raw, where),
        negation=_choice(raw, "negation", where, NEGATION_POLICIES),
        agent=_choice(raw, "agent", where, AGENTS),
    )


def parse(raw: Any) -> Lexicon:
    """Validate a lexicon already read from YAML."""
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise LexiconError("lexicon: must be a mapping with a list of 'entries'")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LexiconError("lexicon: 'version' must be a positive integer")
    unknown = set(raw) - {"version", "entries", "macros", "scope"}
    if unknown:
        raise LexiconError(f"lexicon: unknown section(s) {', '.join(sorted(map(str, unknown)))}")
    macros = _macros(raw.get("macros"))
    entries = tuple(parse_entry(item, i, macros) for i, item in enumerate(raw["entries"], start=1))
    if not entries:
        raise LexiconError("lexicon: no entries")
    scope: Scope | None = None
    if "scope" in raw:
        try:
            scope = parse_scope(
                raw["scope"], lambda src, where: _compile(src, where, wrap="{}", macros=macros)
            )
        except ValueError as exc:
            raise LexiconError(str(exc)) from exc
    elif any(e.agent != "any" for e in entries):
        raise LexiconError("lexicon: entries with 'agent' need a 'scope' section")
    seen: set[str] = set()
    for item in entries:
        if item.id in seen:
            raise LexiconError(f"entry {item.id!r}: duplicate id")
        seen.add(item.id)
    return Lexicon(version, entries, scope)


def load(path: Path | str | None = None) -> Lexicon:
    """Load and validate a lexicon file (default: the packaged lexicon, cached)."""
    if path is None:
        return default_lexicon()
    try:
        text, _ = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"lexicon {path}: cannot be read: {exc}") from exc
    return parse(load_yaml(text, where=f"lexicon {path}", error=LexiconError))


@cache
def default_lexicon() -> Lexicon:
    """The packaged lexicon ``joinedup/safeguarding/data/language_lexicon.yml`` (cached)."""
    text, where = read_text(packaged("joinedup.safeguarding", "language_lexicon.yml"))
    return parse(load_yaml(text, where=where, error=LexiconError))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(lexicon: Lexicon) -> str:
    """The lexicon as a Markdown table (reproduced verbatim in ``docs/safeguarding.md``)."""
    lines = [
        "| Entry | Flags, e.g. | Not flagged, e.g. | Why it is harmful | Write instead "
        "| Rationale |",
        "|---|---|---|---|---|---|",
    ]
    for entry in lexicon.entries:
        flags = "; ".join(f"“{e}”" for e in entry.examples)
        fine = "; ".join(f"“{e}”" for e in entry.lookalikes) or "–"
        reason = entry.reason
        for rule in entry.age_rules:
            reason += f" *Child under {rule.under}:* {rule.reason}"
        cells = (
            f"`{entry.id}` ({entry.category})",
            flags,
            fine,
            reason,
            entry.suggestion,
            entry.source,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
