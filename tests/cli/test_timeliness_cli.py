"""``joinedup evaluate timeliness``: a tiny borough's monthly drops replayed through the worker."""

from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path

import pytest

from joinedup.common.documents import packaged
from joinedup.simulate import simulate
from joinedup.simulate.drops import write_drops
from tests.cli.helpers import cli_env, run_cli

START, END = "2025-08-01", "2026-01-01"


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scale 0.02 over a two-year window (so that a few months hold a dozen victims' first
    indicators), monthly drops from July 2025, the history ending on 1 January 2026."""
    out = tmp_path_factory.mktemp("timely")
    text = packaged("joinedup.simulate", "scenarios", "default.yml").read_text(encoding="utf-8")
    scenario = out / "short.yml"
    scenario.write_text(
        text.replace("years: 15}", "years: 2}").replace("name: default", "name: short"),
        encoding="utf-8",
    )
    simulate(out, seed=1, scenario=str(scenario), scale=0.02, end_date=date(2026, 1, 1))
    write_drops(out, "monthly", start=date(2025, 7, 1))
    return out


def _truth_victims_in_window(truth: Path) -> tuple[set[str], set[str]]:
    """Victims whose first CSE-related record was recorded in the window, and those of them
    with a police one (computed here from the truth files, apart from the platform's code)."""
    with (truth / "persons.csv").open(encoding="utf-8") as handle:
        victims = {r["person_id"] for r in csv.DictReader(handle) if r["is_victim"] == "1"}
    marked: dict[tuple[str, str, str], set[str]] = {}
    with (truth / "records.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["cse_related"] == "1" and r["person_id"] in victims:
                marked.setdefault((r["agency"], r["file"], r["record_key"]), set()).add(
                    r["person_id"]
                )
    first: dict[str, str] = {}
    police: set[str] = set()
    with (truth / "drops.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            for pid in marked.get((r["agency"], r["file"], r["record_key"]), ()):
                if r["recorded"]:
                    first[pid] = min(first.get(pid, r["recorded"]), r["recorded"])
                    if r["agency"] == "police" and r["recorded"] <= END:
                        police.add(pid)
    window = {p for p, d in first.items() if START <= d <= END}
    return window, window & police


@pytest.mark.sqlite_only("the replay is timed on SQLite; the worker's locks are tested on both")
def test_timeliness_replays_the_drops_and_measures_days_to_flag(
    db_url: str, tmp_path: Path, borough: Path
) -> None:
    env = cli_env(db_url, tmp_path / "home")
    run_cli(env, "init")
    args = ("evaluate", "timeliness", "--truth", str(borough / "truth"))
    args += ("--drops", str(borough / "drops"), "--from", START, "--json")
    result = json.loads(run_cli(env, *args).stdout)

    victims, seen_by_police = _truth_victims_in_window(borough / "truth")
    assert len(victims) >= 5
    assert result["victims"] == result["status_quo"]["victims"] == len(victims)
    assert {v["person_id"] for v in result["per_victim"]} == victims
    assert result["drops_replayed"] == 6  # August to December, and 1 January
    for victim in result["per_victim"]:
        assert victim["first_indicator"] >= START
        if victim["first_flag"] is not None:
            assert victim["days_to_flag"] >= 0 and victim["first_flag"] <= END
        if victim["status_quo_seen"] is not None:
            assert victim["status_quo_days"] >= 0
            assert victim["status_quo_seen"] >= victim["first_indicator"]
    assert {v["person_id"] for v in result["per_victim"] if v["status_quo_seen"]} == (
        seen_by_police
    )
    for figures in (result, result["status_quo"]):
        assert 0 <= figures["share_within_7_days"] <= figures["share_within_30_days"] <= 1
    platform_days = [v["days_to_flag"] for v in result["per_victim"]]
    assert result["never_flagged"] == platform_days.count(None)
    assert result["status_quo"]["never_flagged"] == len(victims) - len(seen_by_police)
    # the joined-up records see more victims, and more of them within a month, than the
    # police's own CSE marking alone
    assert result["never_flagged"] < result["status_quo"]["never_flagged"]
    assert result["share_within_30_days"] > result["status_quo"]["share_within_30_days"]
    assert result["drop_seconds_p50"] > 0

    again = run_cli(env, *args, ok=False)
    assert again.returncode != 0 and "fresh database" in again.stderr + again.stdout


def test_simulate_writes_dated_drops_beside_the_exports(tmp_path: Path) -> None:
    out = tmp_path / "b"
    args = ("simulate", "--out", str(out), "--scale", "0.01", "--end-date", "2026-01-01")
    shown = run_cli(os.environ.copy(), *args, "--drops", "monthly", "--drops-from", "2025-10-01")
    assert "monthly drops 2025-10-31 to 2026-01-01" in " ".join(shown.stdout.split())
    assert [p.name for p in sorted((out / "drops").iterdir())] == [
        "2025-10-31",
        "2025-11-30",
        "2025-12-31",
        "2026-01-01",
    ]
    assert (out / "police" / "manifest.json").is_file()  # the whole exports are still there
    assert (out / "drops" / "2025-10-31" / "police" / ".done").is_file()
    assert (out / "truth" / "drops.csv").is_file()
