"""``joinedup assess``, ``flags`` and ``evaluate flags`` as users run them on a small borough."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from joinedup.store.engine import make_engine
from tests.cli.helpers import cli_env, run_cli


def _run(env: dict[str, str], *args: str, ok: bool = True) -> Any:
    proc = run_cli(env, *args, ok=False)
    if not ok:
        assert proc.returncode == 1, f"{args} should fail:\n{proc.stdout}\n{proc.stderr}"
        return proc.stderr
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout) if "--json" in args else proc.stdout


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path, Any]:
    """A small simulated borough, ingested, linked and assessed once, with a social worker of
    its children's social care."""
    tmp = tmp_path_factory.mktemp("assess")
    env = cli_env(f"sqlite:///{tmp / 'j.db'}", tmp / "home")
    _run(env, "init", "--admin", "root-admin")
    _run(env, "simulate", "--scale", "0.01", "--seed", "4", "--out", str(tmp / "b"))
    _run(env, "ingest", str(tmp / "b"), "--json")
    _run(env, "link", "--json")
    admin = {**env, "JOINEDUP_USER": "root-admin"}
    _run(
        admin,
        "users",
        "add",
        "sw",
        "--agency",
        "Dunmere social care (synthetic)",
        "--role",
        "social_worker",
    )
    return env, tmp / "b", _run(env, "assess", "--notes", "--json")


@pytest.mark.slow
def test_assess_flags_and_evaluate(borough: tuple[dict[str, str], Path, Any]) -> None:
    env, folder, first = borough
    assert first["findings"]["cse-indicators-no-assessment"] > 0
    assert sum(r["created"] for r in first["flags"].values()) > 0
    assert first["notes"]["flagged_notes"] > 0
    again = _run(env, "assess", "--notes", "--json")  # re-running raises nothing new
    assert sum(r["created"] for r in again["flags"].values()) == 0
    assert again["notes"]["flags_created"] == 0
    assert again["findings"] == first["findings"]
    scores = _run(env, "evaluate", "flags", "--truth", str(folder / "truth"), "--json")
    assert scores["victim_recall"] >= 0.8
    assert 0 < scores["precision"] <= 1
    assert scores["rules"]["cse-indicators-no-assessment"]["recall"] == scores["victim_recall"]


@pytest.mark.slow
def test_a_social_worker_acts_on_flags_and_records_an_assessment(
    borough: tuple[dict[str, str], Path, Any],
) -> None:
    env, _, _ = borough
    sw = {**env, "JOINEDUP_USER": "sw"}
    mine = _run(sw, "flags", "list", "--rule", "cse-indicators-no-assessment", "--json")
    assert mine and all(f["status"] == "open" for f in mine)
    service = ("--as", "joinedup-service", "--purpose", "analysis")
    police = _run(env, "flags", "list", "--rule", "vehicle-or-adult-pattern", "--json", *service)
    assert police
    social = {f["agency_id"] for f in mine}
    assert not social & {f["agency_id"] for f in police}  # owned by the police, unseen by sw
    # a child the social worker's own records know (a person id is the same in every scope)
    flag = next(f for f in mine if "social_care" in f["evidence"]["by_agency"])
    shown = _run(sw, "flags", "show", flag["id"], "--json")
    assert shown["evidence"]["records"] and shown["evidence"]["summary"]
    _run(sw, "flags", "acknowledge", flag["id"], "--note", "allocated")
    assert "needs a reason" in _run(sw, "flags", "resolve", flag["id"], "--reason", " ", ok=False)
    child = flag["subject_id"]
    pre = _run(sw, "assess", "show", child, "--json")
    present = [s["indicator"] for s in pre["suggestions"] if s["present"]]
    assert present and pre["suggested_category"] != "none"
    err = _run(sw, "assess", "record", child, "--set", f"{present[0]}=no", ok=False)
    assert "needs a reason" in err
    stored = _run(
        sw,
        "assess",
        "record",
        child,
        "--set",
        f"{present[0]}=no:seen by the worker; not borne out",
        "--on",
        "2012-01-10",
        "--json",
    )
    assert stored["version"] == 1 and stored["assessed_on"] == "2012-01-10"
    _run(sw, "flags", "resolve", flag["id"], "--reason", "risk assessment completed")
    resolved = _run(sw, "flags", "list", "--status", "resolved", "--json")
    assert [f["id"] for f in resolved] == [flag["id"]]
    text = _run(sw, "flags", "list")
    assert "cse-indicators-no-assessment" in text
    report = _run(sw, "flags", "language-report", "--json")
    assert report["total"]["notes"] > 0
    assert all(r["agency"] == "Dunmere social care (synthetic)" for r in report["by_author"])


def _audit_after(env: dict[str, str], seq: int) -> list[dict[str, Any]]:
    """Audit rows after ``seq`` (with -1: the newest row only)."""
    engine = make_engine(env["JOINEDUP_DATABASE_URL"])
    query = "SELECT * FROM audit_event WHERE seq > :s ORDER BY seq"
    if seq < 0:
        query = "SELECT * FROM audit_event WHERE seq = (SELECT last_seq FROM audit_head)"
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(query), {"s": seq})
            return [dict(r) for r in rows.mappings()]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_assess_show_logs_the_child_shown_not_every_record_scanned(
    borough: tuple[dict[str, str], Path, Any],
) -> None:
    env, _, _ = borough
    sw = {**env, "JOINEDUP_USER": "sw"}
    flag = _run(sw, "flags", "list", "--rule", "cse-indicators-no-assessment", "--json")[0]
    child = flag["subject_id"]
    before = _audit_after(env, -1)[-1]["seq"]
    pre = _run(sw, "assess", "show", child, "--json")
    _run(sw, "flags", "show", flag["id"], "--json")
    logged = [r for r in _audit_after(env, before) if r["actor_name"] == "sw"]
    evidence = {i for s in pre["suggestions"] for i in s["evidence"]}
    consulted = {
        i
        for r in logged
        if r["object_type"] == "source_record" and r["access"] != "scan"
        for i in json.loads(r["object_ids"])
    }
    flag_records = {r["record_id"] for r in flag["evidence"].get("records", [])}
    flag_records |= set(flag["evidence"].get("subject_records", []))  # the child's name shown
    assert consulted and consulted <= evidence | flag_records
    scans = [r for r in logged if r["access"] == "scan" and r["object_type"] == "source_record"]
    assert scans and all(r["object_ids"] == "[]" for r in scans)
    assert sum(json.loads(r["detail"])["rows"] for r in scans) > len(consulted)
    shown_children = [
        r for r in logged if r["access"] == "show" and json.loads(r["object_ids"]) == [child]
    ]
    assert len(shown_children) == 2  # once by assess show, once by flags show
