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
