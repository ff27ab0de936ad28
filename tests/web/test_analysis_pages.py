"""The analyst's pages: start a network or a profile, follow it while it runs, read what it
found; export the network to a named recipient (a disclosure on the audit trail); the
estimate page with its charts and their tables; nobody else reaches any of it."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from joinedup.app.analysis_runs import Stage, start_run
from joinedup.app.context import Caller, using
from joinedup.assemble.hidden import QUICK_LCMCR, estimate_hidden
from joinedup.assemble.lists import ListMember, selected
from joinedup.store.tables.audit import AuditEventRow
from tests.app.conftest import build_world
from tests.estimate.conftest import REF
from tests.web.conftest import Web


def _start(web: Web, kind: str, **form: str) -> str:
    answer = web.client.post(
        f"/analysis/{kind}",
        data={"csrf_token": web.csrf(f"/analysis/{kind}"), **form},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def _finished(web: Web, url: str, seconds: float = 90) -> None:
    """Poll the progress panel as the page does until it asks for a reload."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        answer = web.client.get(f"{url}/progress")
        assert answer.status_code == 200
        if answer.headers.get("HX-Refresh") == "true":
            return
        assert "Running" in answer.text
        time.sleep(0.5)
    raise AssertionError("the run did not finish")


def test_network_explorer_end_to_end_with_export(web: Web, tmp_path: Path) -> None:
    world = build_world(web, tmp_path)
    web.sign_in("an.one")
    form = web.client.get("/analysis/network")
    assert form.status_code == 200 and "Network explorer" in form.text
    url = _start(web, "network", since="", until="", area="")
    _finished(web, url)
    shown = web.client.get(url)
    assert shown.status_code == 200
    assert "Zara Hussain" in shown.text and f"/people/{world.zara}" in shown.text
    assert "Export the network" in shown.text and 'id="network-data"' in shown.text
    listed = web.client.get("/analysis/network")
    assert url.rsplit("/", 1)[-1] in listed.text  # kept under "Made before"

    run_id = url.rsplit("/", 1)[-1]
    refused = web.client.post(
        "/analysis/network/export",
        data={"csrf_token": web.csrf(url), "run_id": run_id, "fmt": "graphml", "recipient": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and "missing=1" in refused.headers["location"]
    exported = web.client.post(
        "/analysis/network/export",
        data={
            "csrf_token": web.csrf(url),
            "run_id": run_id,
            "fmt": "graphml",
            "recipient": "DC Patel, Operation Lantern",
            "reason": "strategy meeting",
        },
    )
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].endswith('network.graphml"')
    assert b"<graphml" in exported.content and b"Zara Hussain" in exported.content
    with web.store.engine.connect() as conn:
        logged = conn.execute(
            select(AuditEventRow.recipient).where(AuditEventRow.operation == "disclosure")
        ).scalars()
        recipients = set(logged)
    assert "DC Patel, Operation Lantern (reason: strategy meeting)" in recipients

    zipped = web.client.post(
        "/analysis/network/export",
        data={
            "csrf_token": web.csrf(url),
            "run_id": run_id,
            "fmt": "i2",
            "recipient": "DC Patel",
            "reason": "chart",
            "pseudonymise": "yes",
        },
    )
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    assert b"Zara" not in zipped.content


def test_profile_page_shows_charts_with_their_tables(web: Web, tmp_path: Path) -> None:
    build_world(web, tmp_path)
    web.sign_in("an.one")
    url = _start(web, "profile", since="2020-01-01", until="", area="")
    _finished(web, url)
    shown = web.client.get(url)
    assert shown.status_code == 200
    assert "Data sources and coverage" in shown.text
    assert "<svg" in shown.text and "The same figures as a table" in shown.text
    assert shown.text.count("OFFICIAL") >= 2 or "marking" in shown.text


def test_a_bad_date_is_pointed_out(web: Web) -> None:
    web.sign_in("an.one")
    answer = web.client.post(
        "/analysis/profile",
        data={"csrf_token": web.csrf("/analysis/profile"), "since": "31/01/2024"},
    )
    assert answer.status_code == 200 and "must be a date like 2024-01-31" in answer.text


def _members() -> list[ListMember]:
    """Children on three agencies' lists, as many with each pattern as a reference table."""
    names = ("police", "social_care", "health")
    members = []
    with open(REF / "korea_palembang_3lists.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lists = frozenset(n for n, c in zip(names, list(row)[:3], strict=True) if row[c] == "1")
            for _ in range(int(row["count"])):
                i = len(members)
                members.append(ListMember(f"p{i}", lists, None, "13-15", "F", "A1", "2024"))
    return members


def _store_estimate(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
    options = {"method": "auto", "n_bootstrap": 60, "seed": 7}
    out = estimate_hidden(_members(), options, latent_class=QUICK_LCMCR)
    definitions = [
        {"id": d.id, "agency": d.agency, "level": d.level, "basis": d.basis}
        for d in selected("specific")
    ]
    return {"estimate": out["estimate"]}, {"estimate": out, "definitions": definitions}


def test_estimate_page_plots_the_bootstrap_and_the_models(web: Web) -> None:
    with using(web.rt):
        run = start_run(Caller("an.one", "analysis"), "estimate", {}, _store_estimate, wait=True)
    web.sign_in("an.one")
    shown = web.client.get(f"/analysis/runs/{run.id}")
    assert shown.status_code == 200, shown.text
    text = shown.text
    assert "Bootstrap distribution of the estimated number of victims" in text
    assert "Bootstrap replicates by estimated number of victims" in text  # the table
    assert "Estimated number of victims by candidate model" in text
    assert "The list definitions chosen, with their stated basis" in text
    assert selected("specific")[0].basis[:30] in text
    assert "Top log-linear models" in text
    assert "LCMCR" in text  # each candidate model, with its interval, in the table


def test_other_roles_and_other_people_reach_nothing(web: Web) -> None:
    with using(web.rt):
        run = start_run(Caller("an.one", "analysis"), "estimate", {}, _store_estimate, wait=True)
    web.sign_in("sw.one")
    for url in ("/analysis/profile", "/analysis/network", "/analysis/estimate"):
        assert web.client.get(url).status_code == 404
    assert web.client.get(f"/analysis/runs/{run.id}").status_code == 404
    assert web.client.get(f"/analysis/runs/{run.id}/progress").status_code == 404
