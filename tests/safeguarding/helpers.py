"""Reading the labelled corpus of the language checker tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "language_corpus.csv"


@dataclass(frozen=True)
class Example:
    text: str
    flag: bool
    entry_id: str
    note: str


def corpus() -> list[Example]:
    """The corpus rows (lines starting with '#' are its header note)."""
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [
        Example(row["text"], row["flag"] == "1", row["entry_id"], row["note"])
        for row in csv.DictReader(lines)
    ]


FRAMING_DEV = Path(__file__).parent / "data" / "framing_dev.csv"
FRAMING_BLIND = Path(__file__).parent / "data" / "framing_blind.csv"


@dataclass(frozen=True)
class Sentence:
    """One row of the framing corpus."""

    pair: str
    category: str
    flag: bool
    kind: str
    register: str
    text: str


def framing(path: Path) -> list[Sentence]:
    """The rows of one part of the framing corpus (lines starting with '#' are its header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [
        Sentence(r["pair"], r["category"], r["flag"] == "1", r["kind"], r["register"], r["text"])
        for r in csv.DictReader(lines)
    ]
