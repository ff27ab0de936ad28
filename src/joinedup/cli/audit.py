"""``joinedup audit verify``, ``audit acknowledge-checkpoint`` and ``audit show``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import click
from rich.table import Table

from joinedup.app import audit as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, errors


@click.group()
def audit() -> None:
    """The s.62 audit chain."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
@acting("audit", service_default=True)
def verify(as_json: bool, actor: str, purpose: str) -> None:
    """Verify the audit chain; exit 1 naming the first bad row if it was tampered with."""
    checked = uc.verify_chain(Caller(actor, purpose))
    result = checked.verification
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "rows_checked": result.rows_checked,
                    "first_bad_row": result.first_bad_seq,
                    "problem": result.problem,
                    "findings": [
                        {"kind": f.kind, "row": f.seq, "problem": f.message}
                        for f in result.findings
                    ],
                    "acknowledgements": result.acknowledgements,
                }
            )
        )
    elif result.ok:
        console.print(f"audit chain intact: {result.rows_checked} rows verified")
        if result.acknowledgements:
            console.print(
                f"  {result.acknowledgements} acknowledgement(s) by an auditor on record: "
                f"`joinedup audit show --record {checked.database_id}`"
            )
    else:
        for finding in result.findings:
            errors.print(f"AUDIT CHAIN BROKEN: {finding.message}", markup=False, highlight=False)
    if not result.ok:
        raise SystemExit(1)


@audit.command("acknowledge-checkpoint")
@click.option("--reason", required=True, help="What was looked into, and what was found.")
@acting("audit")
def acknowledge_checkpoint(reason: str, actor: str, purpose: str) -> None:
    """An auditor accepts a missing, forged or cut-off checkpoint or anchor (logged with the
    reason) and re-anchors at the current head."""
    result = uc.acknowledge_checkpoint(Caller(actor, purpose), reason)
    console.print("acknowledged, logged with your reason, and re-anchored at the current head:")
    for finding in result.findings:
        console.print(f"  {finding.message}", markup=False, highlight=False)


@audit.command("show")
@click.option("--record", "record_id", default=None, help="Id of any record or object.")
@click.option(
    "--reference", default=None, help="An agency's own reference (police nominal, UPN, ...)."
)
@click.option("--person", default=None, help="A resolved person's id: all of their records.")
@click.option("--user", default=None, help="Everything this user processed.")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@acting("audit")
def show(
    record_id: str | None,
    reference: str | None,
    person: str | None,
    user: str | None,
    since: datetime | None,
    until: datetime | None,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Who processed a record, an agency's reference, a person's records, or what a user
    processed: when, how and for what purpose (``--from``/``--to``: a period, days
    inclusive)."""
    if not any((record_id, reference, person, user)):
        raise click.UsageError("give --record, --reference, --person or --user")
    found = uc.processing_of(
        Caller(actor, purpose),
        record=record_id,
        reference=reference,
        person=person,
        user=user,
        since=since.replace(tzinfo=UTC) if since else None,
        until=until.replace(tzinfo=UTC) + timedelta(days=1) if until else None,
    )
    events = found.events
    if as_json:
        click.echo(
            json.dumps([e.model_dump(exclude={"mac", "prev_mac"}) for e in events], indent=2)
        )
        return
    if found.nothing_held:
        console.print(f"no record is held for {found.asked}: nothing to show", highlight=False)
        return
    table = Table(title=f"Processing of {found.asked}")
    for column in (
        "seq",
        "when (UTC)",
        "who",
        "agency",
        "role",
        "operation",
        "how",
        "object",
        "purpose",
        "recipient",
        "detail",
    ):
        table.add_column(column)
    for e in events:
        table.add_row(
            str(e.seq),
            e.occurred_at[:19],
            e.actor_name,
            e.agency_id or "",
            e.role,
            e.operation,
            e.access,
            e.object_type,
            e.purpose,
            e.recipient or "",
            json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
        )
    console.print(table)
    if not events:
        console.print(f"no processing of {found.asked} is recorded in that period")
