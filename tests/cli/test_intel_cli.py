"""``joinedup intel`` as a referrer and a recipient use it: submit, list, show, acknowledge,
status, escalate (run with click's CliRunner against a fresh store on each backend)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from joinedup.cli import common
from joinedup.cli.intel import intel
from joinedup.cli.main import cli

TAXI = "Girls from year 9 collected at lunchtime by a private hire car, the same driver each week."


class Joinedup:
    """Runs commands against one store as a given user."""

    def __init__(self, db_url: str, home: Path) -> None:
        self.env = {"JOINEDUP_DATABASE_URL": db_url, "JOINEDUP_HOME": str(home)}
        self.runner = CliRunner()

    def run(
        self, command: click.Command, *args: str, user: str | None = None, code: int = 0, **kw: Any
    ) -> Result:
        env = {**self.env, "JOINEDUP_USER": user or ""}
        result = self.runner.invoke(command, list(args), env=env, catch_exceptions=False, **kw)
        assert result.exit_code == code, f"{args}: {result.exit_code}\n{result.output}"
        return result

    def json(self, *args: str, user: str) -> Any:
        return json.loads(self.run(intel, *args, "--json", user=user).stdout)


@pytest.fixture
def db_url(store_url: str) -> str:
    """A store migrated to the newest schema, not initialised (``init`` migrating an empty
    database is tested in tests/store/test_migrate.py and tests/cli/test_audit_cli.py)."""
    return store_url


@pytest.fixture
def jd(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Joinedup:
    """A store with police, social care, licensing and a school; a teacher and a police analyst."""
    monkeypatch.setattr(common.console, "_width", 200)
    j = Joinedup(db_url, tmp_path / "home")
    j.run(cli, "init", "--admin", "root")
    for name, kind in (
        ("Dunmere police", "police"),
        ("Dunmere social care", "social_care"),
        ("Dunmere licensing", "licensing"),
        ("Dunmere Academy", "education"),
    ):
        j.run(cli, "agencies", "add", name, "--kind", kind, user="root")
    for username, agency, role in (
        ("teacher", "Dunmere Academy", "referrer"),
        ("teacher2", "Dunmere Academy", "referrer"),
        ("pc", "Dunmere police", "analyst"),
    ):
        j.run(cli, "users", "add", username, "--agency", agency, "--role", role, user="root")
    return j


def test_submit_list_acknowledge_status_and_escalate(jd: Joinedup) -> None:
    sent = jd.json("submit", "--summary", TAXI, "--vrm", "ab12 cde", "--urgency", "urgent",
                   user="teacher")  # fmt: skip
    sub = sent["submission"]
    assert sub["vrms"] == ["AB12CDE"] and "summary" not in sub and sent["language"] == []
    assert {r["agency"] for r in sent["routes"]} == {
        "Dunmere police",
        "Dunmere social care",
        "Dunmere licensing",
    }
    (police,) = [r for r in sent["routes"] if r["agency"] == "Dunmere police"]
    # the police analyst sees it, reads the text and acknowledges it once
    (listed,) = jd.json("list", "--unacknowledged", user="pc")
    assert listed["id"] == police["id"] and listed["from_agency"] == "Dunmere Academy"
    shown = jd.run(intel, "show", police["id"], user="pc").stdout
    assert TAXI in shown and "from: Dunmere Academy" in shown and "urgent" in shown
    done = jd.run(intel, "acknowledge", police["id"], "--note", "With the CSE team.", user="pc")
    assert f"acknowledged {police['id']}" in done.stdout
    again = jd.run(intel, "acknowledge", police["id"], user="pc", code=1)
    assert "already acknowledged" in again.output
    assert jd.json("list", "--unacknowledged", user="pc") == []
    # the teacher follows the submission; another referrer of the same school cannot
    status = jd.json("status", sub["id"], user="teacher")
    acked = {r["agency"]: r["acknowledged_by_name"] for r in status["routes"]}
    assert acked == {"Dunmere police": "pc", "Dunmere social care": None, "Dunmere licensing": None}
    table = jd.run(intel, "status", sub["id"], user="teacher").stdout
    assert "Dunmere police" in table and "acknowledged" in table and "awaiting" in table
    refused = jd.run(intel, "status", sub["id"], user="teacher2", code=1)
    assert "no intelligence_submission" in refused.output
    jd.run(intel, "show", police["id"], user="teacher2", code=1)
    # escalation as the service account: two routes left for years reach the highest level
    report = jd.json("escalate", "--now", "2099-01-01T00:00:00", user="")
    assert report["escalated"] == {"3": 2} and report["submissions_acknowledged"] == 1
    assert jd.json("escalate", "--now", "2099-01-01T00:00:00", user="")["escalated"] == {}
    levels = {r["agency"]: r["escalation_level"] for r in jd.json("status", sub["id"],
              user="teacher")["routes"]}  # fmt: skip
    assert levels == {"Dunmere police": 0, "Dunmere social care": 3, "Dunmere licensing": 3}
    assert "OVERDUE" in jd.run(intel, "status", sub["id"], user="teacher").stdout
    (mine,) = jd.json("mine", user="teacher")
    assert mine["id"] == sub["id"] and len(mine["routes"]) == 3
    assert jd.json("mine", user="teacher2") == []
    listing = jd.run(intel, "mine", user="teacher").stdout
    assert sub["id"] in listing


def test_submit_from_a_file_warns_about_language_and_refuses_bad_input(
    jd: Joinedup, tmp_path: Path
) -> None:
    concern = tmp_path / "concern.txt"
    concern.write_text("She is putting herself at risk with older men.\n", encoding="utf-8")
    out = jd.run(intel, "submit", "--summary-file", str(concern), user="teacher").stdout
    assert "routed to 2 agencies" in out and "Dunmere licensing" not in out
    assert "Saved as written" in out and "putting herself at risk" in out
    piped = jd.run(intel, "submit", "--summary-file", "-", user="teacher", input="Seen at 3pm.")
    assert "routed to 2 agencies" in piped.stdout
    assert "--summary" in jd.run(intel, "submit", user="teacher", code=2).output
    bad = jd.run(intel, "submit", "--summary", "A car.", "--vrm", "??", user="teacher", code=1)
    assert "not a UK vehicle registration mark" in bad.output
    long = jd.run(intel, "submit", "--summary", "x" * 20_001, user="teacher", code=1)
    assert "the limit is 20,000" in long.output
    assert "--as" in jd.run(intel, "list", code=2).output  # no user named
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Seen at the caf\xe9 by the school.".encode("latin-1"))
    wrong = jd.run(intel, "submit", "--summary-file", str(latin), user="teacher", code=2)
    assert "latin1.txt is not UTF-8 text (byte 15" in wrong.output
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"x" * 80_001)
    assert "larger than 80,000 bytes" in (
        jd.run(intel, "submit", "--summary-file", str(huge), user="teacher", code=2).output
    )


def test_police_grade_with_the_3x5x2_scheme_and_referrers_may_not(jd: Joinedup) -> None:
    sent = jd.json("submit", "--summary", TAXI, "--grading", "2-b-p", user="pc")
    assert sent["submission"]["grading"] == "2-B-P"
    assert sent["routes"] and {r["grading"] for r in sent["routes"]} == {"2-B-P"}
    refused = jd.run(intel, "submit", "--summary", TAXI, "--grading", "2-B-P", user="teacher",
                     code=1)  # fmt: skip
    assert "only police users grade intelligence" in refused.output
    bad = jd.run(intel, "submit", "--summary", TAXI, "--grading", "2-F-P", user="pc", code=1)
    assert "allowed: A, B, C, D, E" in bad.output
