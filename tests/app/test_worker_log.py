"""The worker's JSON-lines log: one object a line, counts and seconds, no personal data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from joinedup.app.joblog import safe_detail
from tests.app.test_worker import drops  # noqa: F401 (the fixture)
from tests.cli.helpers import cli_env, run_cli


def test_the_detail_logged_keeps_counts_and_drops_only() -> None:
    detail = {
        "drops": ["/srv/drops/police/2026-12-07"],
        "files": 2,
        "assess_seconds": {"total": 1.5},
        "assessment": "incremental",
        "unreadable": ["persons.csv: row 3 'Zara Hussain' unreadable"],
        "note": "free text is never logged",
    }
    assert safe_detail(detail) == {
        "drops": ["/srv/drops/police/2026-12-07"],
        "files": 2,
        "assess_seconds": {"total": 1.5},
        "assessment": "incremental",
        "unreadable": 1,
    }


def _values(item: object) -> str:
    """Every value in a logged object, as text (its keys are the log's own words)."""
    if isinstance(item, dict):
        return " ".join(_values(v) for v in item.values())
    if isinstance(item, list):
        return " ".join(_values(v) for v in item)
    return str(item)


def _names(borough: Path) -> set[str]:
    with (borough / "truth" / "persons.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        row[field].strip().lower()
        for row in rows
        for field in ("forename", "surname", "nickname")
        if len(row[field].strip()) >= 4
    }


@pytest.mark.sqlite_only("the end-to-end worker run is timed on SQLite")
def test_a_run_logs_json_lines_without_the_boroughs_names(
    db_url: str,
    tmp_path: Path,
    drops: Path,  # noqa: F811
) -> None:
    env = cli_env(db_url, tmp_path / "home")
    run_cli(env, "init")
    (tmp_path / "home" / "schedule.yml").write_text(
        f"version: 1\ndrop_folders: ['{drops}']\n", encoding="utf-8"
    )
    run_cli(env, "worker", "--once")
    text = (tmp_path / "home" / "logs" / "worker.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    finished = {line["job"]: line for line in lines if line["event"] == "job"}
    assert set(finished) == {"drops", "escalate", "chase", "notify"}
    taken = finished["drops"]
    assert taken["outcome"] == "ok" and taken["level"] == "info" and taken["seconds"] > 0
    assert taken["files"] > 0 and taken["accepted"] > 0 and len(taken["drops"]) == 2
    assert taken["assessment"] == "rebuild" and taken["records_assessed"] > 0
    words = {w for line in lines for w in re.findall(r"[a-z']+", _values(line).lower())}
    borough = drops.parent / f"{drops.name}-borough"
    assert not words & _names(borough)
