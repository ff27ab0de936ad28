"""``joinedup link``, ``review`` and ``evaluate linkage`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import cli_env, run_cli


def _run(env: dict[str, str], *args: str) -> Any:
    proc = run_cli(env, *args)
    return json.loads(proc.stdout) if "--json" in args else proc.stdout


def test_link_review_and_evaluate_a_simulated_borough(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'j.db'}", tmp_path / "home")
    borough = tmp_path / "borough"
    _run(env, "init")
    _run(
        env,
        "simulate",
        "--scenario",
        "inquiry",
        "--scale",
        "0.01",
        "--seed",
        "4",
        "--out",
        str(borough),
    )
    _run(env, "ingest", str(borough), "--json")
    # a high threshold leaves pairs for review (collective evidence decides most at 0.9)
    first = _run(env, "link", "--json", "--threshold", "0.99")
    assert first["records"] == first["new_records"] > 1000
    assert 0 < first["persons"] < first["records"]
    scores = _run(env, "evaluate", "linkage", "--truth", str(borough / "truth"), "--json")
    assert scores["precision"] > 0.97 and scores["recall"] > 0.9
    assert scores["blocking_recall"] > 0.9 and scores["cluster_count"] == first["persons"]
    assert "pakistani" in scores["recall_by_name_origin"]
    queue = _run(env, "review", "list", "--json", "--as", "joinedup-service")
    assert queue and {"left", "right", "match_probability", "value"} <= set(queue[0])
    values = [item["value"] for item in queue]
    assert values == sorted(values, reverse=True)  # most valuable decision first
    # the evidence kept with the pair: each comparison, the weights, the collective evidence
    shown = _run(env, "review", "show", queue[0]["id"], "--json", "--as", "joinedup-service")
    evidence = shown["evidence"]
    assert shown["id"] == queue[0]["id"] and evidence["comparisons"]
    assert evidence["collective"] is not None  # the stage weighed the borough's context
    text = _run(env, "review", "show", queue[0]["id"], "--as", "joinedup-service")
    assert "Evidence" in text and "match weight" in text
    _run(
        env,
        "review",
        "confirm",
        queue[0]["id"],
        "--reason",
        "same school record",
        "--as",
        "joinedup-service",
    )
    again = _run(env, "link", "--json")
    assert again["decisions_honoured"] == 1 and again["new_records"] == 0
    after = _run(
        env, "review", "list", "--json", "--status", "confirmed", "--as", "joinedup-service"
    )
    assert [item["id"] for item in after] == [queue[0]["id"]]
    assert after[0]["reason"] == "same school record"
    estimate = _run(env, "estimate", "--from-db", "--stratify", "sex", "--json")
    assert estimate["n_observed"] >= 5 and estimate["estimate"] >= estimate["n_observed"]
    assert estimate["ci_low"] <= estimate["estimate"] <= estimate["ci_high"]
    assert set(estimate["lists"].values()) <= {
        "police",
        "social_care",
        "education",
        "health",
        "voluntary",
        "probation",
        "licensing",
    }
    assert estimate["stratified_by"] == "sex" and "female" in estimate["strata"]
    assert estimate["provenance"]["source"].startswith("database")
