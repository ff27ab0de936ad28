from __future__ import annotations

import json

from click.testing import CliRunner

from joinedup.cli.estimate import estimate as estimate_cmd

from .conftest import REF

KEYS = {"n_observed", "estimate", "ci_low", "ci_high", "ci_method", "model", "method", "warnings"}


def run(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(estimate_cmd, list(args))
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.output)
    return out


def test_json_fixed_model() -> None:
    out = run(
        "--table",
        str(REF / "korea_palembang_3lists.csv"),
        "--method",
        "fixed",
        "--model",
        "[12,3]",
        "--json",
    )
    assert out.keys() >= KEYS
    assert out["model"] == "[12,3]" and out["method"] == "fixed"
    assert f"{out['estimate']:.7g}" == "268.7778"
    assert "model-conditional" in str(out["ci_method"])
    prov = out["provenance"]
    assert isinstance(prov, dict) and len(prov["input_sha256"]) == 64


def test_json_stepwise_threshold() -> None:
    out = run(
        "--table",
        str(REF / "neworleans_8lists_185.csv"),
        "--method",
        "stepwise",
        "--threshold",
        "0.02",
        "--json",
    )
    assert out["model"] == "[45,1,2,3,6,7,8]"
    assert round(float(out["estimate"])) == 1184  # type: ignore[arg-type]
    assert any("no one in common" in w for w in out["warnings"])  # type: ignore[attr-defined]


def test_json_auto_and_bootstrap() -> None:
    out = run(
        "--table",
        str(REF / "korea_palembang_3lists.csv"),
        "--bootstrap",
        "100",
        "--seed",
        "4",
        "--json",
    )
    assert out["method"] == "bic" and out["model"] == "[12,23]"
    assert out["ci_method"] == "bca-bootstrap"
    assert out["ci_low"] < out["estimate"] < out["ci_high"]  # type: ignore[operator]


def test_heterogeneity_option() -> None:
    out = run(
        "--table",
        str(REF / "diabetes_bruno_4lists.csv"),
        "--model",
        "[13,24,34]",
        "--heterogeneity",
        "gamma:3.5",
        "--json",
    )
    assert round(float(out["estimate"])) == 2964  # type: ignore[arg-type]


def test_suppression_of_small_cells() -> None:
    args = ["--table", str(REF / "neworleans_8lists_185.csv"), "--method", "stepwise", "--json"]
    plain = run(*args)
    safe = run(*args, "--suppress")
    overlap = safe["diagnostics"]["overlap"]  # type: ignore[index]
    flat = [v for row in overlap for v in row]
    assert "<5" in flat
    assert not any(isinstance(v, int) and 0 < v < 5 for v in flat)
    assert safe["estimate"] == plain["estimate"]
    assert safe["provenance"]["suppressed"] is True  # type: ignore[index]


def test_readable_table_output() -> None:
    result = CliRunner().invoke(
        estimate_cmd, ["--table", str(REF / "kosovo_4lists.csv"), "--max-order", "2"]
    )
    assert result.exit_code == 0
    assert "[12,13,14,23,34]" in result.output
    assert "14,341.7" in result.output


def test_bad_model_and_method_combination() -> None:
    table = str(REF / "korea_palembang_3lists.csv")
    for args in (
        ["--method", "fixed"],
        ["--method", "fixed", "--model", "[14]"],
        ["--method", "bic", "--heterogeneity", "lb"],
        ["--heterogeneity", "gamma:x"],
    ):
        result = CliRunner().invoke(estimate_cmd, ["--table", table, *args])
        assert result.exit_code != 0
        assert "Error" in result.output and "Traceback" not in result.output
