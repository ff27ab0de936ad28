"""``joinedup flags``: flags raised by the rules and the language checker — list, show,
acknowledge, resolve; the report of flagged notes per agency and author."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from joinedup.cli.common import acting, console, door_session, echo_with_language, show_language

STATUSES = ["open", "acknowledged", "resolved"]


@click.group()
def flags() -> None:
    """Flags: each with its rule, subject, evidence, status and owner agency."""


@flags.command("list")
@click.option("--rule", "rule_id", default=None, help="Only this rule's flags.")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--subject", "subject_id", default=None, help="Only flags about this subject.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def list_flags(
    rule_id: str | None,
    status: str | None,
    subject_id: str | None,
    limit: int,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Flags you may see (your agency's, and those you hold a grant for)."""
    from joinedup.safeguarding.flags import list_flags as listed

    with door_session(actor, purpose) as session:
        rows = listed(session, rule_id=rule_id, status=status, subject_id=subject_id, limit=limit)
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table(title="Flags")
    for column in ("id", "rule", "status", "subject", "severity", "summary"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            r.rule_id,
            r.status,
            f"{r.subject_type} {r.subject_id}",
            str(r.evidence.get("severity", "")),
            str(r.evidence.get("summary", ""))[:120],
        )
    console.print(table)


@flags.command("show")
@click.argument("flag_id")
@acting("safeguarding")
def show(flag_id: str, actor: str, purpose: str) -> None:
    """One flag with its evidence, by agency, and its history."""
    from joinedup.safeguarding.flags import get_flag

    with door_session(actor, purpose) as session:
        flag = get_flag(session, flag_id)
    click.echo(json.dumps(flag.model_dump(mode="json"), indent=2, ensure_ascii=False))


@flags.command("acknowledge")
@click.argument("flag_id")
@click.option("--note", default=None, help="What your agency is doing about it.")
@click.option("--json", "as_json", is_flag=True, help="Print the flag and any language found.")
@acting("safeguarding")
def acknowledge(flag_id: str, note: str | None, as_json: bool, actor: str, purpose: str) -> None:
    """Acknowledge a flag your agency owns (the note is checked for victim-blaming language)."""
    _move(flag_id, "acknowledged", note, as_json, actor, purpose)


@flags.command("resolve")
@click.argument("flag_id")
@click.option("--reason", required=True, help="Why the flag is resolved (kept with the flag).")
@click.option("--json", "as_json", is_flag=True, help="Print the flag and any language found.")
@acting("safeguarding")
def resolve(flag_id: str, reason: str, as_json: bool, actor: str, purpose: str) -> None:
    """Resolve a flag your agency owns, with a reason (checked for victim-blaming language)."""
    _move(flag_id, "resolved", reason, as_json, actor, purpose)


def _move(
    flag_id: str, status: Any, note: str | None, as_json: bool, actor: str, purpose: str
) -> None:
    from joinedup.safeguarding.flags import move

    with door_session(actor, purpose) as session:
        moved = move(session, flag_id, status, note)
    if as_json:
        echo_with_language(moved.saved, moved.language)
        return
    console.print(f"{status} {flag_id}")
    show_language(moved.language)


@flags.command("language-report")
@click.option(
    "--no-totals", is_flag=True, help="Count flagged notes only (skip counting every note)."
)
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def language_report(no_totals: bool, as_json: bool, actor: str, purpose: str) -> None:
    """Notes with victim-blaming language, per agency and author (from the held flags)."""
    from joinedup.safeguarding.notes import language_report as report

    with door_session(actor, purpose) as session:
        summary = report(session, totals=not no_totals).to_dict()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    table = Table(title="Flagged notes per agency and author")
    for column in ("agency", "author", "notes", "flagged notes", "findings"):
        table.add_column(column)
    for row in summary["by_author"]:
        if row["flagged_notes"] or not no_totals:
            table.add_row(
                row["agency"],
                row["author"],
                f"{row['notes']:,}",
                f"{row['flagged_notes']:,}",
                f"{row['findings']:,}",
            )
    console.print(table)
    total = summary["total"]
    console.print(
        f"{total['flagged_notes']:,} of {total['notes']:,} notes flagged "
        f"({total['findings']:,} phrases)"
    )
