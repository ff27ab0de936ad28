"""``joinedup ingest``: agency exports in, with a reconciliation per batch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from joinedup.app.context import Caller
from joinedup.app.ingest import (
    BatchReport,
    FormatError,
    PlanError,
    ProfileError,
    format_names,
    import_exports,
)
from joinedup.cli.common import acting, console, errors


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
    help=f"Format of a single file: {', '.join(format_names())}.",
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
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    def progress(agency_name: str, path: Path) -> Callable[[int, int], None]:
        task = bars.add_task(f"{agency_name}: {path.name}", total=path.stat().st_size, rows=0)
        return lambda chars, rows: bars.update(task, completed=chars, rows=rows)

    try:
        with bars:
            result = import_exports(
                Caller(actor, purpose),
                list(paths),
                agency,
                fmt,
                mapping,
                check_language=not no_language_check,
                progress=progress,
            )
    except (PlanError, FormatError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from exc
    if result.language_not_checked:
        errors.print(f"[yellow]notes not checked for language[/]: {result.language_not_checked}")
    elif result.notes_flagged and not as_json:
        errors.print(
            f"{result.notes_flagged:,} of {result.notes_checked:,} new notes use language that "
            "blames or judges a child: see `joinedup flags language-report`"
        )
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
