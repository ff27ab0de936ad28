"""``joinedup assess``: the risk-tool pre-fill and every rule; one child's pre-fill; recording
an assessment that confirms or overrides the suggestions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from joinedup.app import safeguarding as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, echo_saved, show_language

F = TypeVar("F", bound=Callable[..., Any])


def _own_document(flag: str, what: str, shipped: str) -> Callable[[F], F]:
    """``--tool FILE`` / ``--rules FILE``: the command receives ``tool_file`` / ``rules_file``."""
    return click.option(
        flag,
        f"{flag.removeprefix('--')}_file",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=None,
        help=f"The partnership's own {what} (YAML, as safeguarding/data/{shipped}).",
    )


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print what the run found as JSON.")
@click.option(
    "--notes",
    "check_notes",
    is_flag=True,
    help="Also check every free-text note for victim-blaming language (ingest does this).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge age, 'current', 'overdue' and 'within N days' as of this date, counting only "
    "what had happened by then (default: today).",
)
@_own_document("--tool", "risk tool", "risk_tool.yml")
@_own_document("--rules", "rules", "rules.yml")
@acting("analysis", service_default=True)
@click.pass_context
def assess(
    ctx: click.Context,
    as_json: bool,
    check_notes: bool,
    as_of: Any,
    tool_file: Path | None,
    rules_file: Path | None,
    actor: str,
    purpose: str,
) -> None:
    """Run the risk-tool pre-fill and every rule over the joined-up records; hold the flags."""
    if ctx.invoked_subcommand is not None:
        return
    status = Console(stderr=True)
    with status.status("assessing") as spinner:
        done = uc.run_assessment(
            Caller(actor, purpose),
            tool_file=tool_file,
            rules_file=rules_file,
            as_of=as_of.date() if as_of else None,
            with_notes=check_notes,
            progress=lambda m: spinner.update(m),
        )
    report, notes = done.report, done.notes
    if as_json:
        out = report.to_dict()
        if notes is not None:
            out["notes"] = notes.to_dict()
        click.echo(json.dumps(out, indent=2))
        return
    console.print(
        f"As of {report.as_of.isoformat()}: {report.persons:,} persons, "
        f"{report.children_with_concern:,} children with a CSE concern "
        f"(tool {report.tool_version}, rules {report.rules_version})."
    )
    console.print(
        "Suggested categories: "
        + ", ".join(f"{k} {v:,}" for k, v in report.suggested_categories.items())
    )
    flags = report.flags.to_dict()
    table = Table(title="Rules")
    for column in ("rule", "severity", "owner", "findings", "current", "new flags", "held"):
        table.add_column(column)
    for row in report.rules:
        counts = flags.get(row["id"], {})
        table.add_row(
            row["id"],
            row["severity"],
            row["owner_agency"],
            f"{row['findings']:,}",
            f"{row['current']:,}",
            f"{counts.get('created', 0):,}",
            f"{counts.get('unchanged', 0) + counts.get('updated', 0):,}",
        )
    console.print(table)
    if notes is not None:
        console.print(
            f"Notes: {notes.notes:,} checked, {notes.flagged_notes:,} with victim-blaming "
            f"language ({notes.findings:,} phrases, {notes.flags_created:,} new flags)"
        )


def _parse_override(text: str) -> tuple[str, tuple[bool, str | None]]:
    indicator, sep, rest = text.partition("=")
    answer, _, reason = rest.partition(":")
    if not sep or answer.strip().lower() not in ("yes", "no"):
        raise click.UsageError(f"--set needs INDICATOR=yes|no[:REASON], not {text!r}")
    return indicator.strip(), (answer.strip().lower() == "yes", reason.strip() or None)


@assess.command("show")
@click.argument("person_id")
@click.option("--json", "as_json", is_flag=True, help="Print the pre-fill as JSON.")
@acting("safeguarding")
def show(person_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """The pre-filled risk tool for one child: suggestions with their evidence, and versions."""
    pre = uc.child_prefill(Caller(actor, purpose), person_id)
    data = pre.to_dict()
    versions = pre.versions
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    console.print(
        f"Suggested: [bold]{data['suggested_category']}[/] (score {data['score']}, age "
        f"{pre.age if pre.age is not None else 'unknown'}); {len(versions)} assessment versions"
    )
    table = Table(title="Indicators suggested by the records")
    for column in ("indicator", "suggested", "evidence"):
        table.add_column(column)
    for s in pre.suggestions:
        table.add_row(s["indicator"], "yes" if s["present"] else "no", s["summary"])
    console.print(table)
    if pre.not_counted:
        console.print(f"Not counted as indicators: {pre.not_counted}.")


@assess.command("record")
@click.argument("person_id")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="INDICATOR=yes|no[:REASON]",
    help="Answer an indicator; a reason is required where it differs from the suggestion.",
)
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date of the assessment (default: today).",
)
@click.option("--views", default=None, help="The child's own views and wishes.")
@click.option("--protective", default=None, help="The protective factors.")
@click.option("--safety-plan", default=None, help="The safety plan.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored assessment as JSON.")
@acting("safeguarding")
def record(
    person_id: str,
    sets: tuple[str, ...],
    on: Any,
    views: str | None,
    protective: str | None,
    safety_plan: str | None,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Record a new assessment version: the suggestions confirmed, or overridden with reasons,
    with the child's views, the protective factors and the safety plan (stored encrypted).

    Reasons and narrative are checked for victim-blaming language: saved as written, with a
    warning.
    """
    answers = dict(_parse_override(s) for s in sets)
    done = uc.record_assessment(
        Caller(actor, purpose),
        person_id,
        answers,
        on.date() if on else None,
        child_views=views,
        protective_factors=protective,
        safety_plan=safety_plan,
    )
    a = done.item
    if as_json:
        echo_saved(done)
        return
    due = a.next_review_due.isoformat() if a.next_review_due else "none"
    console.print(
        f"Assessment version {a.version} recorded: {a.category} (score {a.score:g}); "
        f"next review {due}; overridden: {', '.join(done.overridden) or 'none'}"
    )
    show_language(done.language)
