"""The gamma-frailty model beside LCMCR on the boroughs of ``estimate_boroughs.py``.

    .venv/bin/python bench/estimate_frailty.py --dir DIR [--seeds 1-10] [--min-shape K] [--json]

For each ``DIR/s<seed>`` already evaluated by ``bench/estimate_boroughs.py`` (its
``estimate.json`` with the specific lists' capture table, ``new_table``; boroughs evaluated
before the table was kept are assembled again from their store), the gamma-frailty model
(:mod:`joinedup.estimate.frailty`) with police and social care joined into one list (directly
dependent: a missing episode police recognise as exploitation is recorded by social care;
docs/estimation.md) is fitted to the platform's lists and to the truth's own lists, and put
beside the round's new estimate: alone, and as the range over both (what the headline rule
would give were it a credible model). Round 3 ran it before the shape was bounded below:
``--min-shape 0.001`` comes close to that; the default is the estimate's bound (1). Since
round 4 the frailty is in the estimate itself (``bench/estimate_boroughs.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

DEPENDENT = [["police", "social_care"]]


def _table_rows(folder: Path, row: dict[str, Any]) -> tuple[list[str], list[Any]]:
    kept = folder / "tables.json"
    if kept.exists():  # estimate_boroughs.py since round 4
        tables = json.loads(kept.read_text(encoding="utf-8"))
        return list(tables["names"]), [(tuple(p), c) for p, c in tables["specific"]]
    if "new_table" in row:
        names, rows = row["new_table"]
        return list(names), [(tuple(p), c) for p, c in rows]
    os.environ["JOINEDUP_DATABASE_URL"] = f"sqlite:///{folder / 'b.db'}"
    os.environ["JOINEDUP_HOME"] = str(folder / "home")
    from joinedup.app.runtime import Runtime
    from joinedup.assemble.build import assemble
    from joinedup.assemble.lists import capture_histories, list_members
    from joinedup.settings import SERVICE_ACCOUNT, from_environment

    with Runtime(from_environment()).door.session(SERVICE_ACCOUNT, "analysis") as session:
        assembly = assemble(session, decrypt_text=False)
    names, rows = capture_histories(list_members(assembly, "specific"))["all"]
    return list(names), list(rows)


def evaluate(folder: Path, min_shape: float = 1.0) -> dict[str, Any]:
    """The frailty model on one borough's platform and truth lists, beside the new estimate."""
    from joinedup.assemble.hidden_truth import load_victim_truth, truth_lists
    from joinedup.assemble.lists import capture_histories
    from joinedup.estimate.frailty import gamma_frailty, merge_lists
    from joinedup.estimate.table import table_from_rows

    row = json.loads((folder / "estimate.json").read_text(encoding="utf-8"))
    truth = load_victim_truth(folder / "sim" / "truth")
    true_n = len(truth.victims)
    names, rows = _table_rows(folder, row)
    platform = merge_lists(table_from_rows(tuple(names), rows), DEPENDENT)
    exact_names, exact_rows = capture_histories(truth_lists(truth, names))["all"]
    exact = merge_lists(table_from_rows(exact_names, exact_rows), DEPENDENT)
    out: dict[str, Any] = {"borough": folder.name, "true_victims": true_n}
    for label, table in (("frailty", platform), ("frailty_exact", exact)):
        fit = gamma_frailty(table, min_shape=min_shape)
        out[label] = {
            "n_observed": fit.n_observed,
            "estimate": round(fit.estimate, 1),
            "ci": [round(fit.ci_low, 1), round(fit.ci_high, 1)],
            "shape": round(fit.shape, 2),
            "covers_truth": fit.ci_low <= true_n <= fit.ci_high,
            "relative_error": round(fit.estimate / true_n - 1, 4),
        }
    new = row["new"]
    low = min(new["ci"][0], out["frailty"]["ci"][0])
    high = max(new["ci"][1], out["frailty"]["ci"][1])
    out["new"] = new
    out["range_with_frailty"] = {"ci": [low, high], "covers_truth": low <= true_n <= high}
    return out


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--min-shape", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for seed in _seeds(args.seeds):
        folder = args.dir / f"s{seed}"
        if not (folder / "estimate.json").exists():
            print(f"{folder}: not evaluated yet, skipped", file=sys.stderr)
            continue
        rows.append(evaluate(folder, args.min_shape))
        print(json.dumps(rows[-1]), file=sys.stderr)
    summary: dict[str, Any] = {"boroughs": len(rows)}
    for way in ("frailty", "frailty_exact", "new"):
        if rows:
            summary[way] = {
                "covers_truth": sum(r[way]["covers_truth"] for r in rows),
                "median_abs_relative_error": round(
                    statistics.median(abs(r[way]["relative_error"]) for r in rows), 4
                ),
            }
    summary["range_with_frailty_covers_truth"] = sum(
        r["range_with_frailty"]["covers_truth"] for r in rows
    )
    print(json.dumps({"summary": summary, "boroughs": rows}, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
