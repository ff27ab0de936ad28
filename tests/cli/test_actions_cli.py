"""``joinedup actions`` as a chair, an owner and the pipeline run it (click's runner against the
group, on each backend's store)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result

from joinedup.cli.actions import actions
from tests.cli.helpers import cli_env
from tests.conftest import Store
from tests.panel.test_actions import BLAMING, CLEAN, DUE, Panel, make_panel


@pytest.fixture
def panel(store: Store) -> tuple[Store, Panel, dict[str, str]]:
    env = {**cli_env(store.url, store.home), "JOINEDUP_AUDIT_KEY": store.key.hex()}
    env.pop("JOINEDUP_USER", None)
    return store, make_panel(store), env


def run(env: dict[str, str], *args: str, ok: bool = True) -> Result:
    result = CliRunner().invoke(actions, list(args), env=env, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, f"{args}: {result.output}"
    else:
        assert result.exit_code == 1, f"{args} should fail: {result.output}"
    return result


def as_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(run(env, *args, "--json").stdout)


def test_the_chair_adds_the_owner_lists_and_completes(
    panel: tuple[Store, Panel, dict[str, str]],
) -> None:
    _store, p, env = panel
    due = DUE.isoformat()
    added = as_json(
        env, "add", p.meeting_id, "--owner", "sw", "--due", due, "--description", CLEAN,
        "--as", "chair",
    )  # fmt: skip
    assert added["owner_user_id"] == p.users["sw"] and added["language"] == []
    assert added["status"] == "open" and added["due_on"] == due
    warned = run(
        env, "add", p.meeting_id, "--owner", "sw2", "--due", due, "--description", BLAMING,
        "--as", "chair",
    )  # fmt: skip
    assert "Saved as written" in warned.stdout and "putting herself at risk" in warned.stdout
    refused = run(
        env, "add", p.meeting_id, "--owner", "outsider", "--due", due, "--description", CLEAN,
        "--as", "chair", ok=False,
    )  # fmt: skip
    assert "outsider does not sit on panel" in refused.stderr
    mine = as_json(env, "list", "--mine", "--as", "sw")
    assert [(a["id"], a["owner"]) for a in mine] == [(added["id"], "sw")]
    table = run(env, "list", "--panel", p.panel_id, "--as", "chair").stdout
    assert "sw2" in table and added["id"] in table
    assert as_json(env, "list", "--as", "outsider") == []
    other = run(env, "done", added["id"], "--note", "Seen.", "--as", "analyst", ok=False)
    assert "only the owner" in other.stderr
    done = as_json(env, "done", added["id"], "--note", "Visit made.", "--as", "sw")
    assert done["status"] == "done" and done["completion_note"] == "Visit made."
    statuses = {a["status"] for a in as_json(env, "list", "--status", "done", "--as", "chair")}
    assert statuses == {"done"}


def test_the_pipeline_chases_and_the_chair_reassigns(
    panel: tuple[Store, Panel, dict[str, str]],
) -> None:
    _store, p, env = panel
    added = as_json(
        env, "add", p.meeting_id, "--owner", "sw", "--due", DUE.isoformat(),
        "--description", CLEAN, "--as", "chair",
    )  # fmt: skip
    late = (DUE + timedelta(days=8)).isoformat()
    report = as_json(env, "chase", "--today", late)  # the service account by default
    assert report["moved"]["escalated"] == [added["id"]] and report["today"] == late
    assert as_json(env, "chase", "--today", late)["changed"] == 0
    text = run(env, "chase", "--today", late, "--as", "chair").stdout
    assert "0 escalated" in text
    assert run(env, "chase", "--as", "sw", ok=False).exit_code == 1
    due = (date.today() + timedelta(days=10)).isoformat()
    moved = as_json(
        env, "reassign", added["id"], "--owner", "sw2", "--due", due, "--reason", "sw on leave",
        "--as", "chair",
    )  # fmt: skip
    assert moved["owner_user_id"] == p.users["sw2"] and moved["due_on"] == due
    assert (moved["status"], moved["escalation_level"]) == ("escalated", 1)
    assert moved["description"].endswith("from sw to sw2: sw on leave]")
    [listed] = as_json(env, "list", "--open", "--as", "sw2")
    assert listed["owner"] == "sw2"


def test_a_dry_run_changes_nothing_and_a_future_day_is_refused(
    panel: tuple[Store, Panel, dict[str, str]],
) -> None:
    """Issue 14, point 8: `chase --today` in the future escalated real actions for good."""
    _store, p, env = panel
    added = as_json(
        env, "add", p.meeting_id, "--owner", "sw", "--due", DUE.isoformat(),
        "--description", CLEAN, "--as", "chair",
    )  # fmt: skip
    late = (DUE + timedelta(days=8)).isoformat()
    preview = as_json(env, "chase", "--today", late, "--dry-run")
    assert preview["dry_run"] and preview["moved"]["escalated"] == [added["id"]]
    [still] = as_json(env, "list", "--as", "chair")
    assert (still["status"], still["escalation_level"]) == ("open", 0)
    future = (date.today() + timedelta(days=30)).isoformat()
    refused = run(env, "chase", "--today", future, ok=False)
    assert "is in the future" in refused.output
    assert as_json(env, "chase", "--today", future, "--dry-run")["dry_run"]
    [unchanged] = as_json(env, "list", "--as", "chair")
    assert unchanged["status"] == "open"
