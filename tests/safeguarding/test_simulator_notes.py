"""The simulator's case notes: those it marks victim-blaming are flagged, the others are not.

Renders every template of ``joinedup/simulate/data/notes.yml`` and checks a small simulated
borough's notes against ``truth/notes.csv``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from joinedup.safeguarding.language import check
from joinedup.simulate import simulate
from joinedup.simulate.notes import contexts

THRESHOLD = 0.9
VALUES = {
    "child": "Amy",
    "adult": "Dan Hollis",
    "vrm": "YX12 ABC",
    "place": "Mill Street",
    "town": "Dunmere",
}


def _rates(pairs: list[tuple[bool, bool, str]]) -> tuple[float, float, str]:
    """(precision, recall, report) of (truth, flagged, label) pairs."""
    tp = sum(t and f for t, f, _ in pairs)
    fp = sum(f and not t for t, f, _ in pairs)
    fn = sum(t and not f for t, f, _ in pairs)
    wrong = [f"{'missed' if t else 'false flag'}: {label}" for t, f, label in pairs if t != f]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, f"precision {precision:.3f} recall {recall:.3f}\n" + "\n".join(wrong)


@pytest.mark.parametrize("age", [11, 15])
def test_every_template(age: int) -> None:
    pairs = []
    for ctx in contexts().values():
        for template in ctx.good + ctx.blaming:
            if age > template.max_age:
                continue
            text = template.text.format(age=age, **VALUES)
            findings = check(text, child_age=age)
            pairs.append(
                (bool(template.phrases), bool(findings), f"{template.template_id}: {text}")
            )
    precision, recall, report = _rates(pairs)
    print(report)
    assert precision >= THRESHOLD and recall >= THRESHOLD, report
    assert precision == recall == 1.0, report  # measured: every template right


def _notes(out: Path) -> dict[tuple[str, str, str, str], str]:
    """(agency, file, record key, column) -> note text, from each agency's files."""
    texts: dict[tuple[str, str, str, str], str] = {}
    for manifest_path in sorted(out.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            column = entry.get("notes_column")
            if not column:
                continue
            path = manifest_path.parent / entry["path"]
            with path.open(encoding=entry["encoding"], newline="") as handle:
                for row in csv.DictReader(handle, delimiter=entry["delimiter"]):
                    key = (manifest["agency"], entry["path"], row[entry["key"]], column)
                    texts[key] = row[column]
    return texts


def test_simulated_borough_notes(tmp_path: Path) -> None:
    simulate(tmp_path, seed=1, scale=0.02)
    texts = _notes(tmp_path)
    with (tmp_path / "truth" / "notes.csv").open(encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert len(truth) > 500
    pairs = []
    for row in truth:
        text = texts[(row["agency"], row["file"], row["record_key"], row["column"])]
        pairs.append((row["victim_blaming"] == "1", bool(check(text)), text))
    assert sum(t for t, _, _ in pairs) > 10
    precision, recall, report = _rates(pairs)
    print(report)
    assert precision >= THRESHOLD, report
    assert recall >= THRESHOLD, report
