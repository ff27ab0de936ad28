"""``joinedup agreements``: information-sharing agreements between agencies."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.table import Table

from joinedup.app import sharing as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console


@click.group()
def agreements() -> None:
    """Information-sharing agreements between agencies."""


@agreements.command("add")
@click.argument("name")
@click.option("--lead", "lead_agency", required=True, help="The agency holding the agreement.")
@click.option("--agency", "agencies", multiple=True, required=True, help="A party agency (repeat).")
@click.option("--for", "for_purpose", required=True, help="The purpose it shares for.")
@click.option("--extent", type=click.Choice(uc.EXTENTS), required=True)
@click.option("--basis", required=True, help="Its lawful basis and legal gateway.")
@click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "valid_to", type=click.DateTime(["%Y-%m-%d"]), required=True)
@acting("administration")
def agreements_add(
    name: str,
    lead_agency: str,
    agencies: tuple[str, ...],
    for_purpose: str,
    extent: str,
    basis: str,
    valid_from: date,
    valid_to: date,
    actor: str,
    purpose: str,
) -> None:
    """Record an agreement (live once every party agency approves it)."""
    terms = uc.AgreementTerms(
        name,
        lead_agency,
        tuple(dict.fromkeys((lead_agency, *agencies))),
        for_purpose,
        extent,
        basis,
        valid_from.date() if hasattr(valid_from, "date") else valid_from,
        valid_to.date() if hasattr(valid_to, "date") else valid_to,
    )
    uc.add_agreement(Caller(actor, purpose), terms)
    console.print(
        f"agreement {name!r} recorded: live once each party's data protection officer runs "
        f"`joinedup agreements approve {name!r}`"
    )


@agreements.command("approve")
@click.argument("name")
@acting("audit")
def agreements_approve(name: str, actor: str, purpose: str) -> None:
    """Approve an agreement for your own agency."""
    uc.approve_agreement(Caller(actor, purpose), name)
    console.print(f"{name!r} approved for your agency")


@agreements.command("add-member")
@click.argument("name")
@click.argument("username")
@acting("administration")
def agreements_add_member(name: str, username: str, actor: str, purpose: str) -> None:
    """Add a user to the team working under an agreement."""
    uc.add_member(Caller(actor, purpose), name, username)
    console.print(f"{username} now works under {name!r}")


@agreements.command("end")
@click.argument("name")
@click.option("--reason", required=True)
@acting("administration")
def agreements_end(name: str, reason: str, actor: str, purpose: str) -> None:
    """End an agreement now (its reach stops at once)."""
    uc.end_agreement(Caller(actor, purpose), name, reason)
    console.print(f"{name!r} ended")


@agreements.command("list")
@click.option("--json", "as_json", is_flag=True)
@acting("audit")
def agreements_list(as_json: bool, actor: str, purpose: str) -> None:
    """List agreements: parties and who approved for each, members, dates, live or not."""
    rows = uc.agreement_rows(uc.list_agreements(Caller(actor, purpose)))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="Information-sharing agreements")
    for column in ("name", "purpose", "extent", "from", "to", "live", "parties", "members"):
        table.add_column(column)
    for r in rows:
        parties = "\n".join(
            f"{p['agency']}: "
            + (f"approved by {p['approved_by']}" if p["approved_at"] else "not approved")
            for p in r["parties"]
        )
        members = "\n".join(f"{m['username']} ({m['agency']})" for m in r["members"])
        table.add_row(
            r["name"],
            r["purpose"],
            r["extent"],
            r["valid_from"],
            r["valid_to"],
            "yes" if r["live"] else ("ended" if r["ended"] else "no"),
            parties,
            members,
        )
    console.print(table)
