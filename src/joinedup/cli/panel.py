"""``joinedup panel``: meetings of a multi-agency panel — schedule, generate the agenda, open,
add items, record decisions, close, write the minutes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from joinedup.cli.common import (
    acting,
    console,
    door_session,
    echo_with_language,
    runtime,
    show_language,
)

if TYPE_CHECKING:
    from joinedup.panel.meetings import Recorded


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
    from joinedup.panel.meetings import schedule as scheduled

    day = held_on.date()
    with door_session(actor, purpose) as s:
        meeting = scheduled(s, panel_name, day, chair=chair)
    console.print(f"meeting {meeting.id} of {panel_name} on {day}")


@panel.command("list")
@click.option("--status", type=click.Choice(["scheduled", "held", "closed"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@acting("panel")
def list_meetings(status: str | None, as_json: bool, actor: str, purpose: str) -> None:
    """Meetings of the panels you sit on, newest first."""
    from joinedup.panel.meetings import list_meetings as listed

    with door_session(actor, purpose) as s:
        rows = listed(s, status=status)
        panels = {p.id: p.name for p in s.my_panels()}
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table(title="Panel meetings")
    for column in ("id", "panel", "date", "status", "agenda generated"):
        table.add_column(column)
    for m in rows:
        generated = f"{m.agenda_generated_at:%Y-%m-%d %H:%M}" if m.agenda_generated_at else "-"
        table.add_row(m.id, panels.get(m.panel_id, m.panel_id), str(m.held_on), m.status, generated)
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
    from joinedup.panel.agenda import generate_on_behalf
    from joinedup.panel.config import agenda_config
    from joinedup.panel.meetings import agenda as items_of

    report = None
    if generate:
        from joinedup.panel.meetings import request_agenda

        with door_session(actor, purpose) as s:  # the chair asks; the service account reads
            request_agenda(s, meeting_id)
        door = runtime().door
        report = generate_on_behalf(door, s, meeting_id, config=agenda_config(config_path))
    with door_session(actor, purpose) as s:
        items = items_of(s, meeting_id)
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
@acting("panel")
def item(item_id: str, actor: str, purpose: str) -> None:
    """One agenda item with its briefing: risk, agencies and their record keys, flags."""
    from joinedup.model.panel import AgendaItem
    from joinedup.panel.minutes import reasons

    with door_session(actor, purpose) as s:
        found = s.get(AgendaItem, item_id)
    console.print(f"[bold]{found.position}. {found.title}[/] ({found.section})", highlight=False)
    for line in reasons(found):
        console.print(line, highlight=False, soft_wrap=True)


@panel.command("members")
@click.argument("panel_name")
@acting("panel")
def members(panel_name: str, actor: str, purpose: str) -> None:
    """Who sits on a panel you sit on (username, role, agency)."""
    from joinedup.model.organisation import Agency
    from joinedup.panel.meetings import find_panel

    with door_session(actor, purpose) as s:
        found = find_panel(s, panel_name)
        seated = s.panel_members(found.id)
        agencies = {a.id: a.name for a in s.list(Agency)}
    table = Table(title=f"Members of {found.name}")
    for column in ("username", "role", "agency"):
        table.add_column(column)
    for m in seated:
        table.add_row(m.username, m.role, agencies.get(m.agency_id, m.agency_id))
    console.print(table)


@panel.command("open")
@click.argument("meeting_id")
@acting("panel")
def open_(meeting_id: str, actor: str, purpose: str) -> None:
    """Open a scheduled meeting (its generated agenda is then fixed)."""
    from joinedup.panel.meetings import open_meeting

    with door_session(actor, purpose) as s:
        open_meeting(s, meeting_id)
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
    from joinedup.panel.meetings import add_item as added

    with door_session(actor, purpose) as s:
        done = added(s, meeting_id, title, case_id=case_id)
    _saved(done, as_json, "item {} added")


def _saved(done: Recorded, as_json: bool, message: str) -> None:
    """Print what was saved (the id in ``message``) and any victim-blaming language found."""
    if as_json:
        echo_with_language(done.saved, done.language)
        return
    console.print(message.format(done.saved.id))
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
    from joinedup.panel.meetings import decide as decided

    with door_session(actor, purpose) as s:
        done = decided(s, meeting_id, text, item_id=item_id)
    _saved(done, as_json, "decision {} recorded")


@panel.command("close")
@click.argument("meeting_id")
@acting("panel")
def close(meeting_id: str, actor: str, purpose: str) -> None:
    """Close an open meeting: nothing more is recorded against it."""
    from joinedup.panel.meetings import close_meeting

    with door_session(actor, purpose) as s:
        close_meeting(s, meeting_id)
    console.print(f"meeting {meeting_id} is closed")


@panel.command("minutes")
@click.argument("meeting_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@acting("panel")
def minutes(meeting_id: str, out: Path | None, actor: str, purpose: str) -> None:
    """The minutes (agenda, decisions, actions) as Markdown, printed or written to --out."""
    from joinedup.panel.minutes import render_minutes

    with door_session(actor, purpose) as s:
        text = render_minutes(s, meeting_id, today=date.today())
    if out is None:
        click.echo(text)
        return
    from joinedup.common.files import write_private

    write_private(out, text)
    console.print(f"minutes written to {out}")
