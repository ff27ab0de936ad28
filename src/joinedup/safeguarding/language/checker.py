"""The public checker: findings for a note, for many notes, and a summary by agency and author."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from joinedup.common.errors import InputError
from joinedup.safeguarding.language.lexicon import Lexicon, default_lexicon
from joinedup.safeguarding.language.matcher import find

NEGATION_NOTE = (
    "It is negated here, but negating the label still applies it: the note still judges the "
    "child by it."
)


@dataclass(frozen=True)
class Finding:
    """One flagged phrase in a note, with why it is harmful and what to write instead."""

    phrase: str
    start: int
    end: int
    entry_id: str
    category: str
    reason: str
    suggestion: str
    negated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "phrase": self.phrase,
            "start": self.start,
            "end": self.end,
            "entry_id": self.entry_id,
            "category": self.category,
            "reason": self.reason,
            "suggestion": self.suggestion,
            "negated": self.negated,
        }


def _check_age(child_age: int | None) -> None:
    if child_age is not None and (
        isinstance(child_age, bool) or not isinstance(child_age, int) or child_age < 0
    ):
        raise InputError(f"child_age must be a non-negative whole number, got {child_age!r}")


def check(
    text: str, *, child_age: int | None = None, lexicon: Lexicon | None = None
) -> list[Finding]:
    """Findings of victim-blaming language in one note, in order of position.

    ``child_age`` (years), when known, sharpens the wording of age-dependent entries (e.g.
    "sexually active" of a child under 13). ``lexicon`` defaults to the packaged lexicon.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    _check_age(child_age)
    lex = lexicon if lexicon is not None else default_lexicon()
    findings: list[Finding] = []
    for match in find(lex, text):
        reason, suggestion = match.entry.wording(child_age)
        if match.negated:
            reason = f"{reason} {NEGATION_NOTE}"
        findings.append(
            Finding(
                phrase=text[match.start : match.end],
                start=match.start,
                end=match.end,
                entry_id=match.entry.id,
                category=match.entry.category,
                reason=reason,
                suggestion=suggestion,
                negated=match.negated,
            )
        )
    return findings


def check_many(
    lines: Iterable[str], *, child_age: int | None = None, lexicon: Lexicon | None = None
) -> list[list[Finding]]:
    """:func:`check` applied to each note of ``lines``; one list of findings per note."""
    return [check(line, child_age=child_age, lexicon=lexicon) for line in lines]


@dataclass
class Counts:
    """Notes seen, notes with at least one finding, and findings."""

    notes: int = 0
    flagged_notes: int = 0
    findings: int = 0

    def add(self, findings: list[Finding]) -> None:
        """Count one note and its findings."""
        self.notes += 1
        self.flagged_notes += bool(findings)
        self.findings += len(findings)


@dataclass
class Summary:
    """Counts of flagged notes overall, by agency, by (agency, author) and by lexicon entry."""

    total: Counts = field(default_factory=Counts)
    by_agency: dict[str, Counts] = field(default_factory=dict)
    by_author: dict[tuple[str, str], Counts] = field(default_factory=dict)
    by_entry: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (authors as a list of rows, since keys are pairs)."""
        return {
            "total": vars(self.total),
            "by_agency": {k: vars(v) for k, v in sorted(self.by_agency.items())},
            "by_author": [
                {"agency": agency, "author": author, **vars(v)}
                for (agency, author), v in sorted(self.by_author.items())
            ],
            "by_entry": dict(sorted(self.by_entry.items())),
        }


def summarise(findings_by_note: Iterable[tuple[str, str, list[Finding]]]) -> Summary:
    """Summarise ``(agency, author, findings)`` per note: notes, flagged notes and findings."""
    summary = Summary()
    for agency, author, findings in findings_by_note:
        summary.total.add(findings)
        summary.by_agency.setdefault(agency, Counts()).add(findings)
        summary.by_author.setdefault((agency, author), Counts()).add(findings)
        summary.by_entry.update(f.entry_id for f in findings)
    return summary
