"""``joinedup ingest``: agency exports in, with a reconciliation per batch."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from joinedup.cli.common import acting, console, errors, runtime
from joinedup.ingest.batch import BatchReport
from joinedup.ingest.formats import FormatError, formats
from joinedup.ingest.plan import Job, PlanError, plan
from joinedup.ingest.profile import ProfileError
from joinedup.ingest.run import run_jobs
from joinedup.runtime import Runtime


def _summary(reports: list[BatchReport]) -> Table:
    table = Table(title="Reconciliation")
    for column in (
        "file",
        "agency",
        "status",
        "read",
        "accepted",
        "quarantined",
        "duplicates",
        "reasons",
    ):
        table.add_column(
            column,
            justify="right"
            if column in ("read", "accepted", "quarantined", "duplicates")
            else "left",
        )
    for r in reports:
        reasons = ", ".join(f"{k} {v}" for k, v in r.quarantine_reasons.items())
        table.add_row(
            Path(r.file).name,
            r.agency,
            r.status,
            f"{r.rows_read:,}",
            f"{r.accepted:,}",
            f"{r.quarantined:,}",
            f"{r.duplicates:,}",
            reasons,
        )
    return table


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--agency",
    default=None,
    help="Agency that sent a single file; for folders, the agency they are bound to (a "
    "manifest naming another agency is refused).",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help=f"Format of a single file: {', '.join(sorted(formats()))}.",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML mapping profile for a generic CSV or XLSX file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the batch reports as JSON.")
@click.option(
    "--no-language-check",
    is_flag=True,
    help="Skip checking the new notes for victim-blaming language (run `assess --notes` later).",
)
@acting("data_ingest", service_default=True)
def ingest(
    paths: tuple[Path, ...],
    agency: str | None,
    fmt: str | None,
    mapping: Path | None,
    as_json: bool,
    no_language_check: bool,
    actor: str,
    purpose: str,
) -> None:
    """Import agency exports: files, folders with a manifest.json, or a simulator output root."""
    try:
        jobs = plan(list(paths), agency, fmt, mapping)
    except (PlanError, FormatError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from exc
    rt = runtime()
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    def progress_for(job: Job):  # type: ignore[no-untyped-def]
        task = bars.add_task(
            f"{job.agency}: {job.path.name}", total=job.path.stat().st_size, rows=0
        )
        return lambda chars, rows: bars.update(task, completed=chars, rows=rows)

    with bars:
        result = run_jobs(rt.door, actor, purpose, jobs, progress_for)
    fresh = [r.batch_id for r in result.reports if r.status == "imported" and r.batch_id]
    if fresh and not no_language_check:
        _check_language(rt, actor, purpose, fresh, as_json)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in result.reports], indent=2))
    else:
        console.print(_summary(result.reports))
        for report in result.reports:
            for warning in report.warnings:
                console.print(f"[yellow]{Path(report.file).name}: {warning}[/]")
    for message in result.unreadable:
        errors.print(f"[red]not imported[/] {escape(message)}", highlight=False)
    if result.unreadable:
        raise SystemExit(2)


def _check_language(
    rt: Runtime, actor: str, purpose: str, batch_ids: list[str], quiet: bool
) -> None:
    """Check the free-text notes of the new batches; flags go to each note's agency."""
    from joinedup.safeguarding.notes import check_new_notes

    done = check_new_notes(rt.door, actor, purpose, batch_ids)
    if done.report is None:
        errors.print(f"[yellow]notes not checked for language[/]: {done.not_checked}")
        return
    report = done.report
    if not quiet and report.flagged_notes:
        errors.print(
            f"{report.flagged_notes:,} of {report.notes:,} new notes use language that blames "
            "or judges a child: see `joinedup flags language-report`"
        )
