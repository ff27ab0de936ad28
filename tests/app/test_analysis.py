"""The analyst's background runs on the police and licensing world: the network explorer's
content (names and pages, never ids) and the problem profile kept for the browser."""

from __future__ import annotations

from pathlib import Path

from joinedup.app import analysis
from joinedup.app.analysis_runs import find_run
from joinedup.app.context import Caller, using
from tests.app.conftest import World, build_world
from tests.web.conftest import Web

ANALYST = Caller("an.one", "analysis")


def _world(web: Web, tmp_path: Path) -> World:
    return build_world(web, tmp_path)


def test_network_run_names_people_and_links_their_pages(web: Web, tmp_path: Path) -> None:
    world = _world(web, tmp_path)
    with using(web.rt):
        run = analysis.start_network(ANALYST, analysis.Window(), wait=True)
        found = find_run(ANALYST, run.id)
    assert found.status == "done", found.error
    content = found.result or {}
    assert content["linked"] is True
    nodes = [e["data"] for e in content["elements"] if "source" not in e["data"]]
    labels = {n["label"] for n in nodes}
    hrefs = {n["href"] for n in nodes}
    assert "Zara Hussain" in labels
    assert f"/people/{world.zara}" in hrefs
    assert not any(label.startswith("person-") for label in labels)  # names, not ids
    edges = [e["data"] for e in content["elements"] if "source" in e["data"]]
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)


def test_profile_run_keeps_the_volt_profile(web: Web, tmp_path: Path) -> None:
    _world(web, tmp_path)
    with using(web.rt):
        run = analysis.start_profile(ANALYST, analysis.Window(area="DM1"), wait=True)
        found = find_run(ANALYST, run.id)
    assert found.status == "done", found.error
    assert found.asked == {"since": None, "until": None, "area": "DM1", "shared": False}
    profile = (found.result or {})["profile"]
    assert profile["area"] and profile["sections"]
    keys = [s["key"] for s in profile["sections"]]
    assert {"victims", "offenders"} <= set(keys)
    charts = [c for s in profile["sections"] for c in s["charts"]]
    assert all(c["svg"].startswith("<svg") and c["data"]["columns"] for c in charts)


def test_estimate_run_that_cannot_estimate_says_why(web: Web, tmp_path: Path) -> None:
    _world(web, tmp_path)
    with using(web.rt):
        run = analysis.start_estimate(ANALYST, {"method": "auto"}, wait=True)
        found = find_run(ANALYST, run.id)
    assert found.status == "failed"
    assert found.error and "list" in found.error  # not a traceback: what to do about it
    assert found.asked["definitions"] == "specific"
