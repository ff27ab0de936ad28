"""The language checker's speed on the simulated borough's case notes, and its accuracy there.

    python bench/language_borough.py [--scale 1] [--seed 0] [--workers 2] [--json]

Simulates the default borough, reads every case note from the agencies' files (as ingest
would, before encryption), then checks each note with ``check`` in one process (per-note
times: mean, median, 99th percentile, maximum; and the mean over the notes the keyword screen
does not pass over) and again split over ``--workers`` processes (wall time including the
workers' start and lexicon load). Targets (issue 21): at most 1 ms per typical note; every note
re-checked in under a minute on 2 cores. Also prints precision and recall of flagged notes
against the simulator's truth (``truth/notes.csv``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from joinedup.safeguarding.language import check, default_lexicon
from joinedup.safeguarding.language.prescreen import prescreen
from joinedup.simulate import simulate

Key = tuple[str, str, str, str]


def read_notes(out: Path) -> dict[Key, str]:
    """(agency, file, record key, column) -> note text, from each agency's files."""
    texts: dict[Key, str] = {}
    for manifest_path in sorted(out.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            column = entry.get("notes_column")
            if not column:
                continue
            path = manifest_path.parent / entry["path"]
            with path.open(encoding=entry["encoding"], newline="") as handle:
                for row in csv.DictReader(handle, delimiter=entry["delimiter"]):
                    if row[column].strip():
                        key = (manifest["agency"], entry["path"], row[entry["key"]], column)
                        texts[key] = row[column]
    return texts


def _flagged(texts: list[str]) -> list[bool]:
    return [bool(check(text)) for text in texts]


def _parallel(texts: list[str], workers: int) -> tuple[float, int]:
    """Wall seconds to check ``texts`` over ``workers`` processes, and the flagged count."""
    started = time.perf_counter()
    size = -(-len(texts) // (workers * 8))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        flagged = sum(sum(part) for part in pool.map(_flagged, chunks))
    return time.perf_counter() - started, flagged


def run(root: Path, scale: float, seed: int, workers: int) -> dict[str, Any]:
    """Simulate under ``root``, time the checker on every note; the figures as a mapping."""
    started = time.perf_counter()
    simulate(root, seed=seed, scale=scale)
    simulate_s = time.perf_counter() - started
    notes = read_notes(root)
    keys = list(notes)
    texts = [notes[k] for k in keys]
    screen = prescreen(default_lexicon())
    for text in texts[:200]:
        check(text)  # warm up: lexicon load and regex caches
    times: list[float] = []
    flagged: list[bool] = []
    screened: list[bool] = []
    for text in texts:
        t = time.perf_counter()
        found = check(text)
        times.append(time.perf_counter() - t)
        flagged.append(bool(found))
        screened.append(not screen.may_flag(text))
    one_process = sum(times)
    wall, flagged_parallel = _parallel(texts, workers)
    truth: dict[Key, bool] = {}
    with (root / "truth" / "notes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["agency"], row["file"], row["record_key"], row["column"])
            truth[key] = row["victim_blaming"] == "1"
    pairs = [(truth.get(k, False), f) for k, f in zip(keys, flagged, strict=True)]
    tp = sum(t and f for t, f in pairs)
    fp = sum(f and not t for t, f in pairs)
    fn = sum(t and not f for t, f in pairs)
    ms = sorted(t * 1000 for t in times)
    run_through = [t * 1000 for t, s in zip(times, screened, strict=True) if not s]
    return {
        "notes": len(texts),
        "screened_out": sum(screened),
        "flagged": sum(flagged),
        "flagged_parallel": flagged_parallel,
        "median_chars": statistics.median(len(t) for t in texts),
        "ms_mean": round(statistics.fmean(ms), 4),
        "ms_median": round(statistics.median(ms), 4),
        "ms_p99": round(ms[int(0.99 * (len(ms) - 1))], 4),
        "ms_max": round(ms[-1], 3),
        "ms_mean_not_screened_out": round(statistics.fmean(run_through), 4),
        "one_process_s": round(one_process, 2),
        "workers": workers,
        "parallel_wall_s": round(wall, 2),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "simulate_s": round(simulate_s, 1),
        "cores": os.cpu_count(),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="joinedup-language-") as tmp:
        out = run(Path(tmp), args.scale, args.seed, args.workers)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    typical_ok = out["ms_median"] <= 1.0 and out["ms_mean"] <= 1.0
    all_ok = out["parallel_wall_s"] < 60
    print(
        f"cores: {out['cores']}; load {out['load']}; notes {out['notes']:,} "
        f"(median {out['median_chars']:.0f} characters); simulate {out['simulate_s']} s\n"
        f"keyword screen passed over {out['screened_out']:,}; flagged {out['flagged']:,} "
        f"(precision {out['precision']:.4f}, recall {out['recall']:.4f} against the truth)\n"
        f"per note, one process: mean {out['ms_mean']:.3f} ms, median {out['ms_median']:.3f} ms, "
        f"p99 {out['ms_p99']:.3f} ms, max {out['ms_max']:.1f} ms; "
        f"mean over notes not passed over {out['ms_mean_not_screened_out']:.3f} ms "
        f"({'PASS' if typical_ok else 'FAIL'} <= 1 ms)\n"
        f"all notes: {out['one_process_s']} s in one process; {out['parallel_wall_s']} s on "
        f"{out['workers']} processes ({'PASS' if all_ok else 'FAIL'} < 60 s)"
    )


if __name__ == "__main__":
    main()
