"""``joinedup actions``: panel actions - add, list, done, reassign, and the daily chase that
marks late actions overdue and escalates them."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click
from rich.table import Table

from joinedup.app import actions as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, echo_saved, show_language

DAY = click.DateTime(["%Y-%m-%d"])
STATUSES = ["open", "overdue", "escalated", "done"]


def _day(value: datetime) -> date:
    return value.date()


@click.group()
def actions() -> None:
    """Panel actions: owner, due date, status and escalation."""


@actions.command("add")
@click.argument("meeting_id")
@click.option("--owner", "owner", required=True, help="Username of the panel member who owns it.")
@click.option("--due", type=DAY, required=True, help="Due date (YYYY-MM-DD).")
@click.option("--description", required=True, help="What is to be done (1-5000 characters).")
@click.option("--decision", "decision_id", default=None, help="The decision it carries out.")
@click.option("--case", "case_id", default=None, help="The case it concerns.")
@click.option("--json", "as_json", is_flag=True, help="Print the action and any language found.")
@acting("panel")
def add(
    meeting_id: str,
    owner: str,
    due: datetime,
    description: str,
    decision_id: str | None,
    case_id: str | None,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Record an action agreed at a meeting (panel chairs; the owner must sit on the panel)."""
    added = uc.add_action(
        Caller(actor, purpose),
        meeting_id=meeting_id,
        description=description,
        owner_username=owner,
        due_on=_day(due),
        decision_id=decision_id,
        case_id=case_id,
    )
    if as_json:
        echo_saved(added)
        return
    console.print(f"added action {added.item.id} for {owner}, due {added.item.due_on}")
    show_language(added.language)


@actions.command("list")
@click.option("--mine", is_flag=True, help="Only actions you own.")
@click.option("--panel", "panel_id", default=None, help="Only this panel's actions (panel id).")
@click.option("--meeting", "meeting_id", default=None, help="Only this meeting's actions.")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--open", "open_only", is_flag=True, help="Only actions not done.")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def list_command(
    mine: bool,
    panel_id: str | None,
    meeting_id: str | None,
    status: str | None,
    open_only: bool,
    limit: int,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Actions of the panels you sit on, earliest due first, with their owners."""
    views = uc.list_actions(
        Caller(actor, purpose),
        mine=mine,
        panel_id=panel_id,
        meeting_id=meeting_id,
        status=status,
        open_only=open_only,
        limit=limit,
    )
    if as_json:
        out = [{**v.action.model_dump(mode="json"), "owner": v.owner} for v in views]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    table = Table(title="Panel actions")
    for column in ("id", "due", "status", "level", "owner"):
        table.add_column(column, no_wrap=True)
    table.add_column("description")
    for v in views:
        r = v.action
        table.add_row(
            r.id,
            str(r.due_on or ""),
            r.status,
            str(r.escalation_level or ""),
            v.owner or "",
            r.description.splitlines()[0][:100],
        )
    console.print(table)


@actions.command("done")
@click.argument("action_id")
@click.option("--note", required=True, help="What was done (kept with the action).")
@click.option("--json", "as_json", is_flag=True, help="Print the action and any language found.")
@acting("panel")
def done(action_id: str, note: str, as_json: bool, actor: str, purpose: str) -> None:
    """Complete an action you own (or, as a chair, any on your panels) with a note."""
    completed = uc.complete_action(Caller(actor, purpose), action_id, note)
    if as_json:
        echo_saved(completed)
        return
    console.print(f"done {action_id}")
    show_language(completed.language)


@actions.command("reassign")
@click.argument("action_id")
@click.option("--owner", required=True, help="Username of the new owner (a panel member).")
@click.option("--due", type=DAY, required=True, help="New due date (YYYY-MM-DD).")
@click.option("--reason", required=True, help="Why (appended to the description).")
@click.option("--json", "as_json", is_flag=True, help="Print the action and any language found.")
@acting("panel")
def reassign_command(
    action_id: str,
    owner: str,
    due: datetime,
    reason: str,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Give an action that is not done to another panel member with a new due date (chairs)."""
    moved = uc.reassign_action(Caller(actor, purpose), action_id, owner, _day(due), reason)
    if as_json:
        echo_saved(moved)
        return
    console.print(f"reassigned {action_id} to {owner}, due {moved.item.due_on}")
    show_language(moved.language)


@actions.command("chase")
@click.option("--today", type=DAY, default=None, help="The day to chase as of (default: today).")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@acting("panel", service_default=True)
def chase_command(
    today: datetime | None, dry_run: bool, as_json: bool, actor: str, purpose: str
) -> None:
    """Mark late actions overdue and escalate them (the pipeline, daily, or a chair).
    A --today in the future is refused unless with --dry-run."""
    try:
        chased = uc.chase_actions(
            Caller(actor, purpose), _day(today) if today else None, dry_run=dry_run
        )
    except uc.FutureChase as exc:
        raise click.ClickException(f"--today {exc}") from None
    report: dict[str, Any] = {**chased.to_dict(), "dry_run": dry_run}
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    counts = report["counts"]
    console.print(
        ("DRY RUN, nothing changed: " if dry_run else "")
        + f"chased {report['checked']} actions not done as of {report['today']}: "
        f"{counts['overdue']} now overdue, {counts['escalated']} escalated, "
        f"{counts['raised']} escalated further"
    )
