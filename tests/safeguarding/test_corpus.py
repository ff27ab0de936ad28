"""Precision and recall of the checker on the labelled corpus (tests/safeguarding/data)."""

from __future__ import annotations

from collections import defaultdict

from joinedup.safeguarding.language import check

from .helpers import corpus

THRESHOLD = 0.9


def _table(rows: dict[str, list[int]]) -> str:
    lines = [f"{'entry':28} {'TP':>4} {'FN':>4} {'FP':>4}  (FP by entry found)"]
    for entry, (tp, fn, fp) in sorted(rows.items()):
        lines.append(f"{entry:28} {tp:4} {fn:4} {fp:4}")
    return "\n".join(lines)


def test_corpus_is_large_balanced_and_varied() -> None:
    rows = corpus()
    flagged = sum(r.flag for r in rows)
    assert len(rows) >= 200
    assert 0.4 <= flagged / len(rows) <= 0.6
    notes = " ".join(r.note for r in rows)
    for kind in ("negation", "quote", "upper case", "look-alike"):
        assert kind in notes, kind
    assert all(r.entry_id for r in rows if r.flag)
    assert not any(r.entry_id for r in rows if not r.flag)


def test_precision_and_recall_on_corpus() -> None:
    per_entry: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # TP, FN, FP
    tp = fp = fn = 0
    wrong_entry: list[str] = []
    misses: list[str] = []
    for row in corpus():
        found = [f.entry_id for f in check(row.text)]
        if row.flag and found:
            tp += 1
            per_entry[row.entry_id][0] += 1
            if row.entry_id not in found:
                wrong_entry.append(f"{row.text!r}: expected {row.entry_id}, got {found}")
        elif row.flag:
            fn += 1
            per_entry[row.entry_id][1] += 1
            misses.append(f"missed: {row.text!r} ({row.entry_id})")
        elif found:
            fp += 1
            for entry in found:
                per_entry[entry][2] += 1
            misses.append(f"false flag: {row.text!r} ({found})")
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    report = (
        f"precision {precision:.3f} recall {recall:.3f}\n"
        + _table(per_entry)
        + "\n"
        + "\n".join(misses + wrong_entry)
    )
    print(report)
    assert precision >= THRESHOLD, report
    assert recall >= THRESHOLD, report
    assert len(wrong_entry) <= 0.05 * tp, report
