"""``joinedup review``: the queue of uncertain matches; confirm or reject with a reason (checked
for victim-blaming language: saved as written, with a warning)."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from joinedup.app.context import Caller
from joinedup.app.linkage import decide_match, evidence_words, review_pair, review_queue
from joinedup.cli.common import acting, console, echo_saved, show_language

FIELDS = ("agency", "forename", "surname", "date_of_birth", "sex", "postcode")


@click.group("review")
def review() -> None:
    """Pairs of records the model could not decide: a person decides, every re-run honours it."""


@review.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "confirmed", "rejected", "all"]),
    default="open",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
@acting("linkage")
def list_command(status: Any, limit: int, as_json: bool, actor: str, purpose: str) -> None:
    """List review items (both records side by side), most valuable decision first."""
    pairs = review_queue(Caller(actor, purpose), status, limit)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in pairs], indent=2, default=str))
        return
    table = Table(title=f"Review queue ({status})")
    table.add_column("id", overflow="fold", min_width=36)
    table.add_column("p")
    for name in FIELDS:
        table.add_column(name)
    for pair in pairs:
        for side, first in ((pair.left, True), (pair.right, False)):
            table.add_row(
                pair.item.id if first else "",
                f"{pair.item.match_probability:.3f}" if first else "",
                *(str(side.get(f) or "") for f in FIELDS),
                end_section=not first,
            )
    console.print(table)


@review.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print the pair and its evidence as JSON.")
@acting("linkage")
def show(item_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """One pair: both records side by side, the evidence that would decide it (each
    comparison's level and weight, the match weight, the collective evidence), and the
    other open pairs its decision also settles."""
    detail = review_pair(Caller(actor, purpose), item_id)
    pair = detail.pair
    if as_json:
        out = {**pair.as_dict(), "implied": [p.item.id for p in detail.implied]}
        click.echo(json.dumps(out, indent=2, default=str))
        return
    table = Table(title=f"Review item {pair.item.id} ({pair.item.status})")
    table.add_column("field")
    table.add_column("record A")
    table.add_column("record B")
    for name in (*FIELDS, "address", "agency_key"):
        table.add_row(name, str(pair.left.get(name) or ""), str(pair.right.get(name) or ""))
    console.print(table)
    console.print("[bold]Evidence[/]")
    for line in evidence_words(pair.item.evidence):
        console.print(f"  {line}", soft_wrap=True, markup=False)
    if detail.implied:
        console.print(f"Deciding it also settles {len(detail.implied)} other pair(s):")
        for other in detail.implied:
            console.print(f"  {other.item.id}", markup=False)


def _decide(
    item_id: str, verdict: Any, reason: str, as_json: bool, actor: str, purpose: str
) -> None:
    """Decide the item; the reason is checked for victim-blaming language."""
    saved = decide_match(Caller(actor, purpose), item_id, verdict, reason)
    item, language = saved.item, saved.language
    if as_json:
        echo_saved(saved)
        return
    console.print(f"{item.id}: {item.status} ({item.reason}); honoured from the next link run")
    show_language(language)


@review.command("confirm")
@click.argument("item_id")
@click.option("--reason", required=True, help="Why these records are the same person.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision and any language found.")
@acting("linkage")
def confirm(item_id: str, reason: str, as_json: bool, actor: str, purpose: str) -> None:
    """Confirm that the pair is one person: always merged from now on."""
    _decide(item_id, "confirmed", reason, as_json, actor, purpose)


@review.command("reject")
@click.argument("item_id")
@click.option("--reason", required=True, help="Why these records are different people.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision and any language found.")
@acting("linkage")
def reject(item_id: str, reason: str, as_json: bool, actor: str, purpose: str) -> None:
    """Reject the pair: never merged from now on."""
    _decide(item_id, "rejected", reason, as_json, actor, purpose)
