"""``joinedup assess``: the risk-tool pre-fill and every rule; one child's pre-fill; recording
an assessment that confirms or overrides the suggestions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from joinedup.cli.common import (
    acting,
    console,
    door_session,
    echo_with_language,
    show_language,
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
    help="Judge 'overdue' and 'within N days' on this date (default: the latest record).",
)
@acting("analysis", service_default=True)
@click.pass_context
def assess(
    ctx: click.Context,
    as_json: bool,
    check_notes: bool,
    as_of: Any,
    actor: str,
    purpose: str,
) -> None:
    """Run the risk-tool pre-fill and every rule over the joined-up records; hold the flags."""
    if ctx.invoked_subcommand is not None:
        return
    from joinedup.safeguarding.notes import NotesReport
    from joinedup.safeguarding.notes import check_notes as check
    from joinedup.safeguarding.run import assess as run

    status = Console(stderr=True)
    notes: NotesReport | None = None
    with status.status("assessing") as spinner, door_session(actor, purpose) as session:
        report = run(
            session,
            as_of=as_of.date() if as_of else None,
            progress=lambda m: spinner.update(m),
        )
        if check_notes:
            spinner.update("checking the notes")
            notes = check(session)
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


def _parse_override(text: str) -> tuple[str, Any]:
    from joinedup.safeguarding.scoring import Decision

    indicator, sep, rest = text.partition("=")
    answer, _, reason = rest.partition(":")
    if not sep or answer.strip().lower() not in ("yes", "no"):
        raise click.UsageError(f"--set needs INDICATOR=yes|no[:REASON], not {text!r}")
    return indicator.strip(), Decision(answer.strip().lower() == "yes", reason.strip() or None)


@assess.command("show")
@click.argument("person_id")
@click.option("--json", "as_json", is_flag=True, help="Print the pre-fill as JSON.")
@acting("safeguarding")
def show(person_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """The pre-filled risk tool for one child: suggestions with their evidence, and versions."""
    from joinedup.assemble.build import assemble
    from joinedup.safeguarding import assessments
    from joinedup.safeguarding.prefill import prefill
    from joinedup.store.door import NotFound

    with door_session(actor, purpose) as session:
        assembly = assemble(session)
        person = assembly.persons.get(person_id)
        if person is None:
            raise NotFound(f"no person with id {person_id}")
        pre = prefill(assembly, person)
        versions = assessments.history(session, person_id)
        # the assembly was a scan; what this screen shows is the child and the evidence
        session.record_shown("person", [person_id])
        session.record_shown(
            "source_record", [r.record_id for s in pre.suggestions for r in s.evidence]
        )
    graded = pre.graded
    data = {
        "person_id": person_id,
        "tool_version": pre.tool_version,
        "age": pre.age,
        "suggested_category": graded.category if graded else "none",
        "score": graded.score if graded else 0,
        "raised_by": list(graded.raised_by) if graded else [],
        "suggestions": [
            {
                "indicator": s.indicator,
                "present": s.present,
                "summary": s.summary,
                "evidence": [r.record_id for r in s.evidence],
                "agencies": s.agencies,
            }
            for s in pre.suggestions
        ],
        "versions": [
            {"version": v.version, "category": v.category, "assessed_on": v.assessed_on.isoformat()}
            for v in versions
        ],
    }
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
        table.add_row(s.indicator, "yes" if s.present else "no", s.summary)
    console.print(table)


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
@click.option("--json", "as_json", is_flag=True, help="Print the stored assessment as JSON.")
@acting("safeguarding")
def record(
    person_id: str, sets: tuple[str, ...], on: Any, as_json: bool, actor: str, purpose: str
) -> None:
    """Record a new assessment version: the suggestions confirmed, or overridden with reasons.

    Reasons are checked for victim-blaming language: saved as written, with a warning.
    """
    from joinedup.assemble.build import assemble
    from joinedup.safeguarding import assessments

    decisions = dict(_parse_override(s) for s in sets)
    day = on.date() if on else date.today()
    with door_session(actor, purpose) as session:
        assembly = assemble(session)
        done = assessments.record(session, assembly, person_id, decisions, assessed_on=day)
    a = done.assessment
    if as_json:
        echo_with_language(a, done.language)
        return
    due = a.next_review_due.isoformat() if a.next_review_due else "none"
    console.print(
        f"Assessment version {a.version} recorded: {a.category} (score {a.score:g}); "
        f"next review {due}; overridden: {', '.join(done.overridden) or 'none'}"
    )
    show_language(done.language)
