"""``joinedup link``: link person records across agencies and store resolved persons."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from joinedup.app.context import Caller
from joinedup.app.linkage import link_records
from joinedup.cli.common import acting, console


@click.command("link")
@click.option(
    "--backend",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Linkage engine (spark needs the 'spark' extra and Java).",
)
@click.option("--retrain", is_flag=True, help="Train a new model and re-link every record.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.5, 1.0),
    default=0.9,
    show_default=True,
    help="Match probability at or above which two records are linked.",
)
@click.option(
    "--review-lower",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Pairs from here up to the threshold go to the review queue.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what the run did as JSON.")
@acting("linkage", service_default=True)
def link(
    backend: str,
    retrain: bool,
    threshold: float,
    review_lower: float,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Link every person record in scope; new batches are linked incrementally."""
    if review_lower > threshold:
        raise click.BadParameter("--review-lower must not exceed --threshold")
    status = Console(stderr=True)
    with status.status("linking") as spinner:
        outcome = link_records(
            Caller(actor, purpose),
            threshold=threshold,
            review_lower=review_lower,
            backend="spark" if backend == "spark" else "duckdb",
            retrain=retrain,
            progress=lambda m: spinner.update(m),
        )
    if as_json:
        click.echo(json.dumps(outcome.as_dict(), indent=2))
        return
    table = Table(title="Linkage run", show_header=False)
    for label, value in (
        ("Mode", "incremental" if outcome.incremental else "full"),
        ("Person records", f"{outcome.records:,}"),
        ("New records", f"{outcome.new_records:,}"),
        ("Resolved persons", f"{outcome.persons:,}"),
        ("Memberships changed", f"{outcome.changed:,}"),
        ("Pairs for review", f"{outcome.review_items:,}"),
        ("Decisions honoured", f"{outcome.decisions_honoured:,}"),
        ("Seconds", f"{outcome.timings.get('total', 0.0):.1f}"),
    ):
        table.add_row(label, value)
    console.print(table)
