"""``joinedup estimate --from-db`` and ``joinedup evaluate estimate`` on a small borough."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import cli_env, run_cli
from tests.web.demo_run import copy_demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """A copy of the run's demonstration store (its borough simulated, ingested, linked and
    assessed by ``joinedup demo``: tests/web/demo_run.py) and the borough's folder."""
    db_url, home = copy_demo("sqlite", tmp_path_factory.mktemp("estimate-store"))
    env = cli_env(db_url, home)
    env.pop("JOINEDUP_USER", None)  # the service account: every agency's lists
    return env, home / "demo-borough"


def _json(env: dict[str, str], *args: str) -> Any:
    return json.loads(run_cli(env, *args).stdout)


def test_estimate_from_the_store_puts_the_models_side_by_side(
    borough: tuple[dict[str, str], Path],
) -> None:
    env, _ = borough
    out = _json(env, "estimate", "--from-db", "--json", "--linkage-imputations", "3", "--quick")
    assert out["list_definitions"] == "specific"
    kinds = {m["name"].split()[0] for m in out["models"]}
    assert kinds == {"latent-class", "gamma", "log-linear"}
    gamma = next(m for m in out["models"] if m["name"].startswith("gamma frailty"))
    assert gamma["joined_lists"] == ["police+social_care"] and gamma["min_shape"] == 1.0
    latent = next(m for m in out["models"] if m["name"].startswith("latent-class"))
    assert gamma["replicates"] == 50 and latent["settings"]["burnin"] == 2_000  # --quick
    weights = out["point_weights"]
    assert abs(sum(weights.values()) - 1.0) < 1e-9 and all(w > 0 for w in weights.values())
    assert out["headline"] in ("estimate", "range")
    assert out["ci_low"] <= out["ci_high"] and out["n_observed"] > 0
    assert out["linkage_imputation"]["imputations"] in (0, 3)
    broad = _json(env, "estimate", "--from-db", "--json", "--definitions", "broad", "--quick")
    assert broad["list_definitions"] == "broad" and broad["n_observed"] >= out["n_observed"]
    text = run_cli(env, "estimate", "--from-db", "--linkage-imputations", "0", "--quick").stdout
    assert "latent-class LCMCR" in text and "gamma frailty" in text
    assert "List definitions" in text


def test_evaluate_estimate_reports_the_estimate_beside_the_truth(
    borough: tuple[dict[str, str], Path],
) -> None:
    env, folder = borough
    out = _json(
        env,
        "evaluate",
        "estimate",
        "--truth",
        str(folder / "truth"),
        "--json",
        "--quick",
        "--linkage-imputations",
        "2",
    )
    truth = folder / "truth" / "persons.csv"
    victims = sum(1 for line in truth.read_text(encoding="utf-8").splitlines() if ",1," in line)
    assert out["true_victims"] > 0 and out["known_victims"] <= out["true_victims"] <= victims
    assert out["covered"] == (out["ci_low"] <= out["true_victims"] <= out["ci_high"])
    for row in out["lists"].values():
        assert row["true_victims"] + row["non_victims"] + row["unmatched"] == row["members"]
    assert {r["lists"].split(",")[0] for r in out["decomposition"]} >= {
        "broad definitions",
        "specific definitions",
    }
    assert set(out["definitions"]) >= {"police.victim", "social_care.cse_team"}
    empty = folder.parent / "empty"
    empty.mkdir(exist_ok=True)
    bad = run_cli(env, "evaluate", "estimate", "--truth", str(empty), "--json", ok=False)
    assert bad.returncode == 1 and "not found" in bad.stderr and "Traceback" not in bad.stderr
