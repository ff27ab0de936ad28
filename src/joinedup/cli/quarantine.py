"""``joinedup quarantine``: rows that could not be accepted — list, show, resubmit, dismiss."""

from __future__ import annotations

import json

import click

from joinedup.app import quarantine as q
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, errors, print_rows, show_language


@click.group()
def quarantine() -> None:
    """Quarantined rows, with file, row, field and reason."""


@quarantine.command("list")
@click.option("--batch", "batch_id", default=None)
@click.option("--status", type=click.Choice(["open", "resubmitted", "dismissed"]), default="open")
@click.option("--json", "as_json", is_flag=True)
@acting("data_ingest", service_default=True)
def list_rows(batch_id: str | None, status: str, as_json: bool, actor: str, purpose: str) -> None:
    """List quarantined rows (most useful with --batch)."""
    print_rows(
        q.list_rows(Caller(actor, purpose), status, batch_id),
        ["id", "file_name", "row_number", "line", "field", "reason", "message"],
        as_json,
        "Quarantined rows",
    )


@quarantine.command("show")
@click.argument("row_id")
@acting("data_ingest", service_default=True)
def show(row_id: str, actor: str, purpose: str) -> None:
    """Show one quarantined row: its verbatim text and its fields."""
    shown = q.show_row(Caller(actor, purpose), row_id)
    console.print(
        f"{shown.row.file_name} row {shown.row.row_number} (line {shown.row.line}): "
        f"[bold]{shown.row.reason}[/] in {shown.row.field or '-'}: {shown.row.message}"
    )
    click.echo(json.dumps(shown.values, indent=2, ensure_ascii=False))


@quarantine.command("resubmit")
@click.argument("row_id")
@click.option("--set", "sets", multiple=True, metavar="COLUMN=VALUE", help="A corrected value.")
@click.option("--note", default=None, help="What was corrected (kept with the row).")
@acting("data_ingest", service_default=True)
def resubmit(
    row_id: str, sets: tuple[str, ...], note: str | None, actor: str, purpose: str
) -> None:
    """Correct fields of a quarantined row and try it again.

    An accepted row's notes are checked for victim-blaming language as on ingest, and the
    ``--note`` as typed text (saved as written, with a warning).
    """
    corrections = {}
    for item in sets:
        column, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--set needs COLUMN=VALUE, not {item!r}")
        corrections[column] = value
    done = q.resubmit_row(Caller(actor, purpose), row_id, corrections, note)
    if done.record_id is None:
        raise click.ClickException(f"still quarantined: {done.still_quarantined}")
    console.print(f"accepted as source record {done.record_id}")
    if done.notes_not_checked:
        errors.print(f"[yellow]notes not checked for language[/]: {done.notes_not_checked}")
    elif done.note_flags:
        plural = "s" if done.note_flags != 1 else ""
        console.print(
            f"{done.note_flags:,} new language flag{plural}: the row's notes use language "
            "that blames or judges a child (see `joinedup flags language-report`)",
            style="yellow",
            soft_wrap=True,
        )
    show_language(done.language)


@quarantine.command("dismiss")
@click.argument("row_id")
@click.option("--note", required=True, help="Why the row is not imported.")
@acting("data_ingest", service_default=True)
def dismiss(row_id: str, note: str, actor: str, purpose: str) -> None:
    """Close a quarantined row without importing it (it is kept); the note is checked for
    victim-blaming language (saved as written, with a warning)."""
    language = q.dismiss_row(Caller(actor, purpose), row_id, note)
    console.print(f"dismissed {row_id}")
    show_language(language)
