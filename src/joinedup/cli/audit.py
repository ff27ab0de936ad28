"""``joinedup audit verify`` and ``joinedup audit show``."""

from __future__ import annotations

import json

import click
from rich.table import Table

from joinedup.cli.common import acting, console, errors, runtime


@click.group()
def audit() -> None:
    """The s.62 audit chain."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
@acting("audit", service_default=True)
def verify(as_json: bool, actor: str, purpose: str) -> None:
    """Verify the audit chain; exit 1 naming the first bad row if it was tampered with."""
    rt = runtime()
    with rt.door.session(actor, purpose) as s:
        result = s.verify_chain(rt.door.checkpoint())
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "rows_checked": result.rows_checked,
                    "first_bad_row": result.first_bad_seq,
                    "problem": result.problem,
                }
            )
        )
    elif result.ok:
        console.print(f"audit chain intact: {result.rows_checked} rows verified")
    else:
        errors.print(f"AUDIT CHAIN BROKEN: {result.problem}")
    if not result.ok:
        raise SystemExit(1)


@audit.command("show")
@click.option("--record", "record_id", required=True, help="Id of any record or object.")
@click.option("--json", "as_json", is_flag=True)
@acting("audit")
def show(record_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """Who processed a record, when, how and for what purpose."""
    rt = runtime()
    with rt.door.session(actor, purpose) as s:
        events = s.audit_trail(record_id)
    if as_json:
        click.echo(
            json.dumps([e.model_dump(exclude={"mac", "prev_mac"}) for e in events], indent=2)
        )
        return
    table = Table(title=f"Processing of {record_id}")
    for column in (
        "seq",
        "when (UTC)",
        "who",
        "agency",
        "role",
        "operation",
        "how",
        "purpose",
        "recipient",
    ):
        table.add_column(column)
    for e in events:
        table.add_row(
            str(e.seq),
            e.occurred_at,
            e.actor_name,
            e.agency_id or "",
            e.role,
            e.operation,
            e.access,
            e.purpose,
            e.recipient or "",
        )
    console.print(table)
    if not events:
        console.print("no processing of this id is recorded")
