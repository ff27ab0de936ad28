"""Precision and recall of the language checker on the framing corpus, per category.

    python bench/language_corpus.py [--part dev|blind|both] [--markdown]

The corpus (``tests/safeguarding/data/framing_*.csv``, issue 21) pairs each victim-blaming
sentence with look-alikes written appropriately. A sentence counts as flagged when ``check``
returns any finding. Only aggregates are printed, never a sentence: the blind part must not be
developed on (for the development part's misses, run ``pytest tests/safeguarding/test_framing.py
-k dev -s``).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.safeguarding.language import check

DATA = Path(__file__).resolve().parents[1] / "tests" / "safeguarding" / "data"
PARTS = {"dev": DATA / "framing_dev.csv", "blind": DATA / "framing_blind.csv"}


@dataclass
class Tally:
    """True and false flags and misses, and the sentences counted."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, truth: bool, flagged: bool) -> None:
        """Count one sentence."""
        self.sentences += 1
        self.tp += truth and flagged
        self.fp += flagged and not truth
        self.fn += truth and not flagged

    @property
    def precision(self) -> float:
        """Flagged sentences that should be flagged (1.0 when none is flagged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Sentences that should be flagged and are (1.0 when there are none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of one part (lines starting with '#' are its header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def tally(path: Path) -> tuple[Tally, dict[str, Tally]]:
    """The overall and per-category tallies of one part."""
    total = Tally()
    per: dict[str, Tally] = defaultdict(Tally)
    for row in rows(path):
        truth, flagged = row["flag"] == "1", bool(check(row["text"]))
        total.add(truth, flagged)
        per[row["category"]].add(truth, flagged)
    return total, dict(sorted(per.items()))


def table(parts: dict[str, tuple[Tally, dict[str, Tally]]], markdown: bool) -> str:
    """Per-category precision and recall of each part, as text or a Markdown table."""
    names = list(parts)
    categories = sorted({c for _, per in parts.values() for c in per})
    head = ["category"] + [f"{n} {k}" for n in names for k in ("n", "P", "R")]
    lines = []
    for category in [*categories, "all"]:
        cells = [category]
        for name in names:
            total, per = parts[name]
            t = total if category == "all" else per.get(category, Tally())
            cells += [str(t.sentences), f"{t.precision:.2f}", f"{t.recall:.2f}"]
        lines.append(cells)
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += [
            "| " + " | ".join(c if c != "all" else "**all**" for c in cells) + " |"
            for cells in lines
        ]
        return "\n".join(out)
    width = [max(len(r[i]) for r in [head, *lines]) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) for r in [head, *lines]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["dev", "blind", "both"], default="both")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    names = ["dev", "blind"] if args.part == "both" else [args.part]
    parts = {name: tally(PARTS[name]) for name in names}
    print(table(parts, args.markdown))
    for name, (total, _) in parts.items():
        print(
            f"{name}: {total.sentences} sentences, {total.tp + total.fn} to flag; "
            f"TP {total.tp} FP {total.fp} FN {total.fn}; "
            f"precision {total.precision:.3f} recall {total.recall:.3f}"
        )


if __name__ == "__main__":
    main()
