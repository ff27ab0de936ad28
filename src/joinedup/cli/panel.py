"""``joinedup panel``: meetings of a multi-agency panel — schedule, generate the agenda, open,
add items, record decisions, close, write the minutes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from joinedup.app import panel as uc
from joinedup.app.context import Caller
from joinedup.app.results import Saved
from joinedup.cli.common import acting, console, echo_saved, show_language


@click.group()
def panel() -> None:
    """Panel meetings: agenda, decisions and minutes (actions: ``joinedup actions``)."""


@panel.command("schedule")
@click.argument("panel_name")
@click.option("--on", "held_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--chair", default=None, help="Username of the chair (default: you).")
@acting("panel")
def schedule(
    panel_name: str, held_on: datetime, chair: str | None, actor: str, purpose: str
) -> None:
    """Schedule a meeting of a panel you sit on."""
    day = held_on.date()
    meeting = uc.schedule_meeting(Caller(actor, purpose), panel_name, day, chair=chair)
    console.print(f"meeting {meeting.id} of {panel_name} on {day}")


@panel.command("list")
@click.option("--status", type=click.Choice(["scheduled", "held", "closed"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def list_meetings(status: str | None, as_json: bool, actor: str, purpose: str) -> None:
    """Meetings of the panels you sit on, newest first."""
    views = uc.meetings_of_my_panels(Caller(actor, purpose), status)
    if as_json:
        click.echo(json.dumps([v.meeting.model_dump(mode="json") for v in views], indent=2))
        return
    table = Table(title="Panel meetings")
    for column in ("id", "panel", "date", "status", "agenda generated"):
        table.add_column(column)
    for v in views:
        m = v.meeting
        generated = f"{m.agenda_generated_at:%Y-%m-%d %H:%M}" if m.agenda_generated_at else "-"
        table.add_row(m.id, v.panel, str(m.held_on), m.status, generated)
    console.print(table)


@panel.command("agenda")
@click.argument("meeting_id")
@click.option("--generate", is_flag=True, help="Generate or refresh it first (service account).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def agenda(
    meeting_id: str,
    generate: bool,
    config_path: str | None,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Show a meeting's agenda; with --generate, build it from the flags, assessments, late
    actions and unacknowledged intelligence first (run as the pipeline service account)."""
    shown = uc.agenda(
        Caller(actor, purpose), meeting_id, generate=generate, config_path=config_path
    )
    report, items = shown.report, shown.items
    if as_json:
        out = {
            "report": report.to_dict() if report else None,
            "items": [i.model_dump(mode="json") for i in items],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if report is not None:
        console.print(
            f"agenda generated: {report.created} new, {report.updated} refreshed, "
            f"{report.withdrawn} withdrawn, {report.cases_opened} cases opened"
        )
        for section, counts in report.sections.items():
            if counts["not_listed"]:
                console.print(f"  {section}: {counts['not_listed']} more qualified, not listed")
    table = Table(title=f"Agenda of meeting {meeting_id}")
    for column in ("#", "section", "item", "id"):
        table.add_column(column)
    for i in items:
        title = f"[withdrawn] {i.title}" if i.briefing.get("withdrawn") else i.title
        table.add_row(str(i.position), i.section, title, i.id)
    console.print(table)


@panel.command("item")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print the item and its briefing as JSON.")
@acting("panel")
def item(item_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """One agenda item with its briefing: risk, agencies and their record keys, flags."""
    found, lines = uc.item(Caller(actor, purpose), item_id)
    if as_json:
        out = {**found.model_dump(mode="json"), "reasons": lines}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{found.position}. {found.title}[/] ({found.section})", highlight=False)
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


@panel.command("members")
@click.argument("panel_name")
@acting("panel")
def members(panel_name: str, actor: str, purpose: str) -> None:
    """Who sits on a panel you sit on (username, role, agency)."""
    name, seated = uc.members(Caller(actor, purpose), panel_name)
    table = Table(title=f"Members of {name}")
    for column in ("username", "role", "agency"):
        table.add_column(column)
    for m in seated:
        table.add_row(m.username, m.role, m.agency)
    console.print(table)


@panel.command("open")
@click.argument("meeting_id")
@acting("panel")
def open_(meeting_id: str, actor: str, purpose: str) -> None:
    """Open a scheduled meeting (its generated agenda is then fixed)."""
    uc.open_meeting(Caller(actor, purpose), meeting_id)
    console.print(f"meeting {meeting_id} is open")


@panel.command("add-item")
@click.argument("meeting_id")
@click.option("--title", required=True, help="What the item is about.")
@click.option("--case", "case_id", default=None, help="The case it concerns, if any.")
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def add_item(
    meeting_id: str, title: str, case_id: str | None, as_json: bool, actor: str, purpose: str
) -> None:
    """Add an item to a scheduled or open meeting (checked for victim-blaming language)."""
    done = uc.add_item(Caller(actor, purpose), meeting_id, title, case_id=case_id)
    _saved(done, as_json, "item {} added")


def _saved(done: Saved[Any], as_json: bool, message: str) -> None:
    """Print what was saved (the id in ``message``) and any victim-blaming language found."""
    if as_json:
        echo_saved(done)
        return
    console.print(message.format(done.item.id))
    show_language(done.language)


@panel.command("decide")
@click.argument("meeting_id")
@click.option("--text", required=True, help="The decision, as the panel agreed it.")
@click.option("--item", "item_id", default=None, help="The agenda item it settles.")
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def decide(
    meeting_id: str, text: str, item_id: str | None, as_json: bool, actor: str, purpose: str
) -> None:
    """Record a decision of an open meeting (checked for victim-blaming language)."""
    done = uc.decide(Caller(actor, purpose), meeting_id, text, item_id=item_id)
    _saved(done, as_json, "decision {} recorded")


@panel.command("close")
@click.argument("meeting_id")
@acting("panel")
def close(meeting_id: str, actor: str, purpose: str) -> None:
    """Close an open meeting: nothing more is recorded against it."""
    uc.close_meeting(Caller(actor, purpose), meeting_id)
    console.print(f"meeting {meeting_id} is closed")


@panel.command("minutes")
@click.argument("meeting_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@acting("panel")
def minutes(meeting_id: str, out: Path | None, actor: str, purpose: str) -> None:
    """The minutes (agenda, decisions, actions) as Markdown, printed or written to --out."""
    who = Caller(actor, purpose)
    if out is None:
        click.echo(uc.minutes(who, meeting_id))
        return
    uc.write_minutes(who, meeting_id, out)
    console.print(f"minutes written to {out}")
