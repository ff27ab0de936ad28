"""``joinedup panel`` as a chair uses it: generate the agenda, open, decide, close, minutes."""

from __future__ import annotations

import json
import stat
from datetime import date, timedelta
from pathlib import Path

from tests.cli.helpers import cli_env, run_cli
from tests.conftest import Store
from tests.panel.world import build


def test_a_meeting_from_agenda_to_minutes(store: Store, tmp_path: Path) -> None:
    w = build(store)
    env = cli_env(store.url, store.home)
    env["JOINEDUP_AUDIT_KEY"] = store.key.hex()
    member = run_cli(env, "panel", "agenda", w.meeting_id, "--generate", "--as", "sw", ok=False)
    assert member.returncode == 1 and "only the chair" in member.stderr
    shown = json.loads(
        run_cli(
            env, "panel", "agenda", w.meeting_id, "--generate", "--as", "chair", "--json"
        ).stdout
    )
    assert shown["report"]["created"] == 5
    items = shown["items"]
    assert [i["subject_id"] for i in items][:2] == ["amy", "eve"]
    shown_item = run_cli(env, "panel", "item", items[0]["id"], "--as", "sw").stdout
    assert "Risk: Category 3" in shown_item and "police records: INC1" in shown_item
    as_data = json.loads(
        run_cli(env, "panel", "item", items[0]["id"], "--as", "sw", "--json").stdout
    )
    assert as_data["id"] == items[0]["id"] and "Risk: Category 3" in as_data["reasons"][0]
    # an action about the child's case names the child (issue 14, point 9: which child?)
    run_cli(
        env, "actions", "add", w.meeting_id, "--owner", "sw", "--due", "2013-03-11",
        "--description", "Home visit", "--case", items[0]["case_id"], "--as", "chair",
    )  # fmt: skip
    [action] = json.loads(run_cli(env, "actions", "list", "--as", "sw", "--json").stdout)
    assert action["child"] and action["child"].split()[0] in items[0]["title"]
    seated = run_cli(env, "panel", "members", "Dunmere MASE", "--as", "sw").stdout
    assert "chair" in seated and "social_worker" in seated
    run_cli(env, "panel", "open", w.meeting_id, "--as", "chair")
    decided = json.loads(
        run_cli(
            env,
            "panel",
            "decide",
            w.meeting_id,
            "--item",
            items[0]["id"],
            "--text",
            "Strategy meeting within 2 days; Amy is promiscuous",
            "--as",
            "chair",
            "--json",
        ).stdout
    )
    assert [f["entry_id"] for f in decided["language"]] == ["promiscuous"]
    run_cli(env, "panel", "close", w.meeting_id, "--as", "chair")
    late = run_cli(env, "panel", "decide", w.meeting_id, "--text", "x", "--as", "chair", ok=False)
    assert late.returncode != 0 and "closed" in (late.stdout + late.stderr)
    out = tmp_path / "minutes.md"
    run_cli(env, "panel", "minutes", w.meeting_id, "--out", str(out), "--as", "sw")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # issue 13, point 11
    text = out.read_text(encoding="utf-8")
    assert "# Dunmere MASE: meeting of 2013-03-04" in text
    assert "**Decision**: Strategy meeting within 2 days" in text
    assert "Risk: Category 3 (habitual exploitation) (pre-fill)" in text
    listed = json.loads(run_cli(env, "panel", "list", "--as", "sw", "--json").stdout)
    assert [m["status"] for m in listed] == ["closed"]
    outsider = run_cli(env, "panel", "minutes", w.meeting_id, "--as", "outsider", ok=False)
    assert outsider.returncode != 0  # not a member: the meeting does not exist for them


def test_the_cli_refuses_opening_early_and_actions_due_early_in_the_same_words(
    store: Store,
) -> None:
    """Issue 17: a chair could open a meeting a week ahead, then every action was refused."""
    build(store)
    env = cli_env(store.url, store.home)
    env["JOINEDUP_AUDIT_KEY"] = store.key.hex()
    ahead = (date.today() + timedelta(days=7)).isoformat()
    made = run_cli(env, "panel", "schedule", "Dunmere MASE", "--on", ahead, "--as", "chair")
    meeting_id = made.stdout.split()[1]
    early = run_cli(env, "panel", "open", meeting_id, "--as", "chair", ok=False)
    assert early.returncode == 1 and "cannot be opened before its date" in early.stderr
    before = run_cli(
        env, "actions", "add", meeting_id, "--owner", "sw", "--due", date.today().isoformat(),
        "--description", "Home visit", "--as", "chair", ok=False,
    )  # fmt: skip
    assert before.returncode == 1 and "cannot be due before its meeting" in before.stderr
