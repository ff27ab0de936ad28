"""``joinedup profile``, ``joinedup export graph`` and ``joinedup evaluate network``, run as a
user would run them, on the demonstration borough (seed 2014, scale 0.02)."""

from __future__ import annotations

import csv
import json
import re
import stat
import subprocess
import time
from pathlib import Path

import networkx as nx
import pytest

from tests.cli.helpers import cli_env, run_cli

pytestmark = pytest.mark.slow


def _run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, ok=ok)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("network-cli")
    env = cli_env(f"sqlite:///{root / 'store.db'}", root / "home")
    env.pop("JOINEDUP_USER", None)
    borough = root / "borough"
    _run(env, "init", "--admin", "root-admin")
    _run(
        env,
        "simulate",
        "--scenario",
        "inquiry",
        "--seed",
        "2014",
        "--scale",
        "0.02",
        "--out",
        str(borough),
    )
    _run(env, "ingest", str(borough))
    admin = {**env, "JOINEDUP_USER": "root-admin"}
    _run(
        admin, "users", "add", "ana", "--agency", "Dunmere police (synthetic)", "--role", "analyst"
    )
    _run(
        admin, "users", "add", "dpo", "--agency", "Dunmere police (synthetic)", "--role", "auditor"
    )
    env["BOROUGH"] = str(borough)
    return env


def test_evaluate_network_needs_linkage_then_reports_json(env: dict[str, str]) -> None:
    truth = str(Path(env["BOROUGH"]) / "truth")
    refused = _run(env, "evaluate", "network", "--truth", truth, ok=False)
    assert refused.returncode == 1 and "joinedup link" in refused.stderr
    _run(env, "link")
    out = json.loads(_run(env, "evaluate", "network", "--truth", truth, "--json").stdout)
    assert {"ari", "hotspot_hits_top10", "ari_identified", "top10"} <= set(out)
    assert 0 <= out["hotspot_hits_top10"] <= 10 and -1 <= out["ari"] <= 1
    assert out["true_groups"] >= 1 and out["members_visible"] >= 1


def test_profile_of_the_demo_borough_takes_under_30_seconds(
    env: dict[str, str], tmp_path: Path
) -> None:
    started = time.perf_counter()  # as a user runs it: a new interpreter, imports included
    done = run_cli(env, "profile", "--out", str(tmp_path / "demo.html"), subprocess_=True)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, elapsed
    assert "children at risk" in done.stdout
    html = (tmp_path / "demo.html").read_text()
    markdown = (tmp_path / "demo.md").read_text()
    assert html.count("<svg") >= 4 and "<script" not in html
    assert "## Victims: children at risk" in markdown
    figures = re.findall(r"^- \*\*([^*]+)\*\* (.+)$", markdown, re.M)
    people = [v for v, label in figures if label not in ("Groups", "Brokers between groups")]
    assert people and not [v for v in people if re.fullmatch(r"[1-4]", v)]
    windowed = _run(
        env,
        "profile",
        "--from",
        "2005-01-01",
        "--to",
        "2008-12-31",
        "--area",
        "Dunmere",
        "--as",
        "ana",
        "--out",
        str(tmp_path / "ana.html"),
    )
    assert "wrote" in windowed.stdout
    text = (tmp_path / "ana.md").read_text()
    assert "Period: 2005-01-01 to 2008-12-31" in text and "Area: Dunmere" in text
    sources = text.split("## Data sources and coverage")[1].split("##")[0]
    assert "Dunmere police" in sources and "Dunmere social care" not in sources


def test_export_graph_as_graphml_and_i2_is_a_logged_disclosure(
    env: dict[str, str], tmp_path: Path
) -> None:
    refused = _run(
        env, "export", "graph", "--format", "graphml", "--out", str(tmp_path / "x"), ok=False
    )
    assert refused.returncode == 2 and "--as or JOINEDUP_USER" in refused.stderr
    service = _run(
        env,
        "export",
        "graph",
        "--format",
        "graphml",
        "--out",
        str(tmp_path / "x"),
        "--as",
        "joinedup-service",
        ok=False,
    )
    assert service.returncode == 1 and "may not perform disclosure" in service.stderr
    graphml = tmp_path / "net.graphml"
    _run(env, "export", "graph", "--format", "graphml", "--out", str(graphml), "--as", "ana")
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() > 0 and graph.number_of_edges() > 0
    _run(
        env,
        "export",
        "graph",
        "--format",
        "i2",
        "--out",
        str(tmp_path / "i2"),
        "--pseudonymise",
        "--recipient",
        "Operation Test",
        "--as",
        "ana",
    )
    for written in (graphml, tmp_path / "i2" / "links.csv", tmp_path / "i2" / "entities.csv"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written
    with (tmp_path / "i2" / "links.csv").open(encoding="utf-8-sig") as handle:
        links = list(csv.DictReader(handle))
    record = links[0]["Source Records"].split(";")[0]
    trail = json.loads(
        _run(env, "audit", "show", "--record", record, "--as", "dpo", "--json").stdout
    )
    assert any(
        e["operation"] == "disclosure" and e["recipient"] == "Operation Test" for e in trail
    ), trail


def test_a_blank_recipient_fails_before_any_file_is_written(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "i2"
    args = ("export", "graph", "--format", "i2", "--out", str(out), "--recipient", "   ")
    refused = _run(env, *args, "--as", "ana", ok=False)
    assert refused.returncode == 1 and "recipient is blank" in refused.stderr
    assert not out.exists()
