"""``joinedup flags``: flags raised by the rules and the language checker — list, show,
acknowledge, resolve; the report of flagged notes per agency and author."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from joinedup.app import safeguarding as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, echo_saved, show_language

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
    rows = uc.flags(
        Caller(actor, purpose), rule_id=rule_id, status=status, subject_id=subject_id, limit=limit
    )
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title="Flags, most severe first, then oldest")
    for column in ("severity", "raised", "child or subject", "rule", "status", "owner", "id"):
        table.add_column(column, overflow="fold")
    table.add_column("summary", ratio=1)
    for r in rows:
        table.add_row(
            r.severity,
            f"{r.flag.created_at:%Y-%m-%d}",
            r.subject,
            r.flag.rule_id,
            r.flag.status,
            r.owner,
            r.flag.id,
            str(r.flag.evidence.get("summary", ""))[:160],
        )
    console.print(table)


@flags.command("show")
@click.argument("flag_id")
@click.option("--json", "as_json", is_flag=True, help="Print the flag as JSON.")
@acting("safeguarding")
def show(flag_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """One flag with its evidence, by agency, and its history."""
    view = uc.flag(Caller(actor, purpose), flag_id)
    if as_json:
        click.echo(json.dumps(view.to_dict(), indent=2, ensure_ascii=False))
        return
    f, evidence = view.flag, view.flag.evidence
    lines = [
        f"{view.subject}: {evidence.get('summary', f.rule_id)}",
        f"rule {f.rule_id} ({view.severity}), {f.status}, owned by {view.owner}",
        f"raised {f.created_at:%Y-%m-%d}, judged as of {evidence.get('as_of', '-')}; id {f.id}",
    ]
    for agency, refs in (evidence.get("by_agency") or {}).items():
        lines.append(f"  {agency}: {', '.join(map(str, refs))}")
    for step in evidence.get("history", []):
        note = f": {step['note']}" if step.get("note") else ""
        lines.append(f"  {step.get('at', '')[:16]} {step.get('status')} by {step.get('by')}{note}")
    if f.resolution:
        lines.append(f"resolution: {f.resolution}")
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


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
    moved = uc.move_flag(Caller(actor, purpose), flag_id, status, note)
    if as_json:
        echo_saved(moved)
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
    summary = uc.flagged_language(Caller(actor, purpose), totals=not no_totals)
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
