"""The hidden-number estimate on simulated boroughs against their truth: today's and the new.

    .venv/bin/python bench/estimate_boroughs.py --dir /tmp/est-boroughs [--seeds 1-10]
        [--scale 0.3] [--json]

For each seed, a borough at ``--scale`` is simulated, ingested and linked into
``DIR/s<seed>/`` through the CLI (kept, and reused when ``DIR/s<seed>/linked`` exists: about
1 GB each at scale 0.3), then estimated two ways from the same assembly:

- *today*: every CSE-marked record puts a child on a list (the ``broad`` definitions), the
  log-linear model selected by BIC, 200-replicate BCa interval (what ``joinedup estimate
  --from-db --bootstrap 200`` gave before the list definitions);
- *new*: the ``specific`` definitions, LCMCR with 10 imputations of the uncertain links and
  the log-linear models side by side, the headline rule (a range when they disagree);
- *before*: the same without the definitions of round 3 (``ROUND3``: the recorded signs with
  no CSE marker), one linkage, the log-linear interval by profile likelihood;
- *exact*: LCMCR on the truth's own lists (every agency's record of each victim's
  exploitation, exact linkage): what the estimator does when lists and linkage are exact.

Each is compared with the true number of victims and with the victims known to some agency
(the part of the population lists can reach: see docs/estimation.md). Per-seed results are
written to ``DIR/s<seed>/estimate.json``; the summary gives coverage and the median relative
error of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
# the definitions added in round 3 (docs/estimation.md, "List definitions")
ROUND3 = ("police.with_suspect", "social_care.return_interview", "health.risk_presentation")
JOINEDUP = HERE / ".venv" / "bin" / "joinedup"


def _env(folder: Path) -> dict[str, str]:
    return dict(
        os.environ,
        JOINEDUP_DATABASE_URL=f"sqlite:///{folder / 'b.db'}",
        JOINEDUP_HOME=str(folder / "home"),
    )


def build(folder: Path, seed: int, scale: float) -> None:
    """Simulate, ingest and link one borough through the CLI (skipped when already linked)."""
    if (folder / "linked").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    env = _env(folder)
    steps = [
        ["init"],
        ["simulate", "--out", str(folder / "sim"), "--scale", str(scale), "--seed", str(seed)],
        ["ingest", str(folder / "sim"), "--no-language-check", "--json"],
        ["link", "--json"],
    ]
    for step in steps:
        subprocess.run([str(JOINEDUP), *step], env=env, check=True, capture_output=True)
    (folder / "linked").touch()


def evaluate(folder: Path) -> dict[str, Any]:
    """Today's and the new estimate for one linked borough, beside its truth."""
    os.environ.update(_env(folder))
    from joinedup.app.runtime import Runtime
    from joinedup.assemble.build import assemble
    from joinedup.assemble.hidden import DEFAULT_LCMCR, estimate_hidden, point_estimate
    from joinedup.assemble.hidden_store import members_and_imputations
    from joinedup.assemble.hidden_truth import evaluate_estimate, load_victim_truth, truth_lists
    from joinedup.assemble.lists import capture_histories, list_definitions, list_members
    from joinedup.linkage.truth import true_person_of_records
    from joinedup.settings import SERVICE_ACCOUNT, from_environment

    rt = Runtime(from_environment())
    truth_dir = folder / "sim" / "truth"
    start = time.time()
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as session:
        assembly = assemble(session, decrypt_text=False)
        truth_of = true_person_of_records(session, truth_dir)
        _, imputed, n_links = members_and_imputations(session, assembly, "specific", 10)
    new = evaluate_estimate(
        assembly,
        truth_of,
        truth_dir,
        {"method": "auto", "n_bootstrap": 200},
        with_decomposition=False,
        linkage=imputed,
    )
    truth = load_victim_truth(truth_dir)
    broad = list_members(assembly, "broad")
    today = estimate_hidden(
        broad, {"method": "auto", "n_bootstrap": 200}, selection="broad", latent_class=None
    )
    earlier = [d for d in list_definitions() if d.id not in ROUND3]
    before = estimate_hidden(list_members(assembly, "specific", earlier), {"method": "auto"})
    names = sorted(new["lists"])
    exact = point_estimate(truth_lists(truth, names), {"method": "auto"}, DEFAULT_LCMCR)
    exact.update(
        n_observed=len(truth_lists(truth, names)),
        ci_low=exact["interval"][0],
        ci_high=exact["interval"][1],
    )
    true_n, known = len(truth.victims), len(truth.known)

    def score(out: dict[str, Any]) -> dict[str, Any]:
        low, high, est = out["ci_low"], out["ci_high"], out["estimate"]
        return {
            "n_observed": out["n_observed"],
            "estimate": round(est, 1),
            "ci": [round(low, 1), round(high, 1)],
            "headline": out.get("headline", "estimate"),
            "covers_truth": low <= true_n <= high,
            "relative_error": round(est / true_n - 1, 4),
            "covers_known": low <= known <= high,
            "relative_error_known": round(est / known - 1, 4),
        }

    return {
        "borough": folder.name,
        "true_victims": true_n,
        "known_victims": known,
        "uncertain_links": n_links,
        "today": score(today),
        "new": score(new["estimate_output"]),
        "before": score(before),
        "exact": score(exact),
        "new_lists": new["lists"],
        "new_definitions": new["definitions"],
        "new_table": capture_histories(list_members(assembly, "specific"))["all"],
        "listed_non_victims": new["listed_non_victims"],
        "seconds": round(time.time() - start, 1),
    }


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"boroughs": len(rows)}
    for way in ("today", "new", "before", "exact"):
        out[way] = {
            "covers_truth": sum(r[way]["covers_truth"] for r in rows),
            "median_abs_relative_error": round(
                statistics.median(abs(r[way]["relative_error"]) for r in rows), 4
            ),
            "covers_known": sum(r[way]["covers_known"] for r in rows),
            "median_abs_relative_error_known": round(
                statistics.median(abs(r[way]["relative_error_known"]) for r in rows), 4
            ),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for seed in _seeds(args.seeds):
        folder = args.dir / f"s{seed}"
        result_file = folder / "estimate.json"
        if result_file.exists():
            rows.append(json.loads(result_file.read_text(encoding="utf-8")))
            continue
        build(folder, seed, args.scale)
        row = evaluate(folder)
        result_file.write_text(json.dumps(row, indent=2), encoding="utf-8")
        rows.append(row)
        print(
            json.dumps({k: row[k] for k in ("borough", "today", "new", "before", "exact")}),
            file=sys.stderr,
        )
    print(
        json.dumps(
            {"summary": summary(rows), "boroughs": rows}, indent=2 if not args.json else None
        )
    )


if __name__ == "__main__":
    main()
