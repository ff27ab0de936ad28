"""The hidden-number estimate on simulated boroughs against their truth (round 4).

    .venv/bin/python bench/estimate_boroughs.py --dir /tmp/est-boroughs [--seeds 1-10]
        [--scale 0.3] [--json] [--build-only | --built-only]

For each seed, a borough at ``--scale`` is simulated, ingested and linked into
``DIR/s<seed>/`` through the CLI (kept, and reused when ``DIR/s<seed>/linked`` exists: about
1 GB each at scale 0.3; ``--build-only`` stops there), then estimated from one assembly:

- *new* (round 4): what ``joinedup evaluate estimate --bootstrap 200 --no-decomposition``
  gives (the same function): the ``specific`` definitions, LCMCR with 10 imputations of the
  uncertain links, the gamma-frailty model (police and social care joined, shape >= 1) and
  the log-linear models side by side, the headline rule and the model-averaged point;
- *round3*: the headline of round 3 from the same model runs (LCMCR and the log-linear
  models only, LCMCR's point);
- *exact*, *exact_frailty*: LCMCR and the gamma frailty on the truth's own lists (every
  agency's record of each victim's exploitation, exact linkage).

Each is compared with the true number of victims and with the victims known to some agency
(the part of the population lists can reach: see docs/estimation.md). Per-seed results are
written to ``DIR/s<seed>/estimate.json`` and the capture tables to ``DIR/s<seed>/tables.json``;
the summary gives coverage and the median relative error of each. Round 3's *today* and
*before* (the ``broad`` lists; the round-2 definitions) are not re-run: bench/README.md.
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
JOINEDUP = HERE / ".venv" / "bin" / "joinedup"
WAYS = ("new", "round3", "exact", "exact_frailty")


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


def _rows(members: list[Any], names: list[str]) -> list[list[Any]]:
    from joinedup.assemble.lists import capture_histories

    if not members:
        return []
    got, rows = capture_histories(members)["all"]
    return [[[int(n in got and p[got.index(n)]) for n in names], c] for p, c in rows]


def _without_frailty(out: dict[str, Any]) -> dict[str, Any]:
    """Round 3's headline from the same model runs: the headline rule over LCMCR and the
    log-linear models, the point LCMCR's (what ``estimate_hidden`` gave before the frailty)."""
    from joinedup.estimate.credible import ModelSummary, headline

    inf = float("inf")
    models = [
        ModelSummary(
            m["name"],
            m["estimate"],
            m["ci_low"] if m["ci_low"] is not None else out["n_observed"],
            m["ci_high"] if m["ci_high"] is not None else inf,
            m["credible"],
            m["note"],
        )
        for m in out["models"]
        if not m["name"].startswith("gamma frailty")
    ]
    verdict = headline(models)
    first = next(m for m in models if m.name == verdict["preferred"])
    low, high = (first.low, first.high) if verdict["headline"] == "estimate" else verdict["range"]
    return {
        "n_observed": out["n_observed"],
        "estimate": first.estimate,
        "ci_low": low,
        "ci_high": high,
        "headline": verdict["headline"],
    }


def evaluate(folder: Path) -> dict[str, Any]:
    """Round 4 (with the gamma frailty) and round 3's headline for one linked borough, and
    LCMCR and the frailty on the truth's own lists, beside its truth; the capture tables
    are kept in ``DIR/s<seed>/tables.json``."""
    os.environ.update(_env(folder))
    from joinedup.app.runtime import Runtime
    from joinedup.assemble.build import assemble
    from joinedup.assemble.hidden import DEFAULT_LCMCR, point_estimate
    from joinedup.assemble.hidden_frailty import frailty_summary
    from joinedup.assemble.hidden_store import members_and_imputations
    from joinedup.assemble.hidden_truth import evaluate_estimate, load_victim_truth, truth_lists
    from joinedup.assemble.lists import capture_histories, list_members
    from joinedup.estimate.table import table_from_rows
    from joinedup.linkage.truth import true_person_of_records
    from joinedup.settings import SERVICE_ACCOUNT, from_environment

    rt = Runtime(from_environment())
    truth_dir = folder / "sim" / "truth"
    start = time.time()
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as session:
        assembly = assemble(session, decrypt_text=False)
        truth_of = true_person_of_records(session, truth_dir)
        members, imputed, n_links = members_and_imputations(session, assembly, "specific", 10)
    new = evaluate_estimate(
        assembly,
        truth_of,
        truth_dir,
        {"method": "auto", "n_bootstrap": 200},
        with_decomposition=False,
        linkage=imputed,
    )
    truth = load_victim_truth(truth_dir)
    out = new["estimate_output"]
    names = sorted(new["lists"])
    exact_members = truth_lists(truth, names)
    exact = point_estimate(exact_members, {"method": "auto"}, DEFAULT_LCMCR)
    exact.update(
        n_observed=len(exact_members), ci_low=exact["interval"][0], ci_high=exact["interval"][1]
    )
    exact_names, exact_rows = capture_histories(exact_members)["all"]
    gamma = frailty_summary(table_from_rows(exact_names, exact_rows))
    assert gamma is not None
    exact_frailty = {
        "n_observed": len(exact_members),
        "estimate": gamma.estimate,
        "ci_low": gamma.low,
        "ci_high": gamma.high,
        "shape": gamma.details["shape"],
    }
    tables = {
        "names": names,
        "specific": _rows(members, names),
        "imputed": [_rows(ms, names) for ms in imputed or []],
        "broad": _rows(list_members(assembly, "broad"), names),
        "exact": _rows(exact_members, names),
    }
    (folder / "tables.json").write_text(json.dumps(tables), encoding="utf-8")
    true_n, known = len(truth.victims), len(truth.known)

    def score(res: dict[str, Any]) -> dict[str, Any]:
        low, high, est = res["ci_low"], res["ci_high"], res["estimate"]
        high = float("inf") if high is None else high
        return {
            "n_observed": res["n_observed"],
            "estimate": round(est, 1),
            "ci": [round(low, 1), round(high, 1)],
            "headline": res.get("headline", "estimate"),
            "covers_truth": low <= true_n <= high,
            "relative_error": round(est / true_n - 1, 4),
            "covers_known": low <= known <= high,
            "relative_error_known": round(est / known - 1, 4),
        }

    frailty = next((m for m in out["models"] if m["name"].startswith("gamma")), None)
    return {
        "borough": folder.name,
        "true_victims": true_n,
        "known_victims": known,
        "uncertain_links": n_links,
        "new": score(out),
        "round3": score(_without_frailty(out)),
        "exact": score(exact),
        "exact_frailty": score(exact_frailty) | {"shape": exact_frailty["shape"]},
        "models": out["models"],
        "reasons": out["reasons"],
        "point_weights": out["point_weights"],
        "covered": new["covered"],
        "frailty_shape": frailty and frailty["shape"],
        "new_lists": new["lists"],
        "listed_non_victims": new["listed_non_victims"],
        "seconds": round(time.time() - start, 1),
    }


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"boroughs": len(rows)}
    for way in WAYS if rows else ():
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
    parser.add_argument(
        "--build-only", action="store_true", help="simulate, ingest and link; no estimates"
    )
    parser.add_argument(
        "--built-only",
        action="store_true",
        help="evaluate only boroughs already built (another process may be building the rest)",
    )
    parser.add_argument("--reverse", action="store_true", help="the seeds from the last")
    args = parser.parse_args()
    if args.build_only:
        for seed in _seeds(args.seeds):
            started = time.time()
            build(args.dir / f"s{seed}", seed, args.scale)
            print(f"s{seed} built in {time.time() - started:.0f} s", file=sys.stderr, flush=True)
        return
    rows = []
    for seed in sorted(_seeds(args.seeds), reverse=args.reverse):
        folder = args.dir / f"s{seed}"
        result_file = folder / "estimate.json"
        if result_file.exists():
            rows.append(json.loads(result_file.read_text(encoding="utf-8")))
            continue
        if args.built_only and not (folder / "linked").exists():
            continue
        claim = folder / "evaluating"
        if claim.exists():  # another process is evaluating it
            continue
        claim.touch()
        build(folder, seed, args.scale)
        row = evaluate(folder)
        result_file.write_text(json.dumps(row, indent=2), encoding="utf-8")
        claim.unlink()
        rows.append(row)
        print(
            json.dumps({k: row[k] for k in ("borough", *WAYS)}),
            file=sys.stderr,
        )
    print(
        json.dumps(
            {"summary": summary(rows), "boroughs": rows}, indent=2 if not args.json else None
        )
    )


if __name__ == "__main__":
    main()
