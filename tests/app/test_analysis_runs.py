"""Background runs: kept sealed for their author alone, failures and stops told plainly."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from joinedup.app.analysis_runs import Run, Stage, find_run, runs_of, start_run
from joinedup.app.context import Caller, using
from joinedup.app.errors import Forbidden, NotFound
from joinedup.common.errors import InputError
from tests.web.conftest import Web

ANALYST = Caller("an.one", "analysis")


def _work(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
    stage("counting")
    return {"children": 2}, {"names": ["Aisha Khan"], "by": me.username}


def test_a_run_is_kept_sealed_for_its_author(web: Web) -> None:
    with using(web.rt):
        run = start_run(ANALYST, "network", {"area": "DM1"}, _work, wait=True)
        found = find_run(ANALYST, run.id)
        assert found.status == "done" and found.summary == {"children": 2}
        assert found.result == {"names": ["Aisha Khan"], "by": "an.one"}
        assert [r.id for r in runs_of(ANALYST, "network")] == [run.id]
        assert runs_of(ANALYST, "profile") == []
    folder = web.store.home / "analysis_runs"
    sealed = (folder / f"{run.id}.sealed").read_text()
    assert "Aisha" not in sealed and sealed.startswith("v1:")
    meta = json.loads((folder / f"{run.id}.json").read_text())
    assert meta["owner"] == "an.one" and "result" not in meta
    assert (folder / f"{run.id}.sealed").stat().st_mode & 0o077 == 0


def test_another_person_never_finds_a_run(web: Web) -> None:
    with using(web.rt):
        run = start_run(ANALYST, "network", {}, _work, wait=True)
        with pytest.raises(NotFound):
            find_run(Caller("sw.one", "safeguarding"), run.id)
        with pytest.raises(NotFound):
            find_run(ANALYST, "../../etc")


def test_a_role_without_the_action_cannot_start(web: Web) -> None:
    with using(web.rt), pytest.raises(Forbidden):
        start_run(Caller("sw.one", "safeguarding"), "profile", {}, _work, wait=True)
    assert not list((web.store.home / "analysis_runs").glob("*.json"))


def test_a_failure_is_told_in_words(web: Web) -> None:
    def failing(me: Caller, stage: Stage) -> tuple[dict[str, Any], dict[str, Any]]:
        raise InputError("no victims or possible victims on any agency's list in scope")

    with using(web.rt):
        run = start_run(ANALYST, "estimate", {}, failing, wait=True)
        found = find_run(ANALYST, run.id)
    assert found.status == "failed" and found.result is None
    assert found.error == "no victims or possible victims on any agency's list in scope"


def test_a_run_the_server_left_is_interrupted(web: Web) -> None:
    with using(web.rt):
        run = start_run(ANALYST, "network", {}, _work, wait=True)
        path = web.store.home / "analysis_runs" / f"{run.id}.json"
        meta = json.loads(path.read_text())
        meta["status"] = "running"
        meta["worker"] = f"{socket.gethostname()}:999999999"  # a process that is gone
        path.write_text(json.dumps(meta))
        found = find_run(ANALYST, run.id)
    assert found.status == "interrupted"


def test_seconds_run_from_start_to_finish() -> None:
    run = Run("a", "network", "an.one", "analysis", {}, started="2026-01-01T10:00:00+00:00")
    run.finished = "2026-01-01T10:02:05+00:00"
    assert run.seconds == 125


def test_shared_without_an_agreement_is_said_not_hidden(web: Web) -> None:
    with using(web.rt), pytest.raises(InputError, match="no live information-sharing"):
        start_run(ANALYST, "profile", {}, _work, shared=True, wait=True)
