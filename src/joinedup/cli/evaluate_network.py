"""``joinedup evaluate network``: offender groups and hotspots against a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, truth_options


@click.command("network")
@truth_options()
@acting("analysis", service_default=True)
def network(truth_dir: Path, as_json: bool, actor: str, purpose: str) -> None:
    """Adjusted Rand index of the offender groups and hotspot hits in the top ten."""
    from joinedup.app.context import Caller
    from joinedup.app.evaluation import evaluate_networks

    result = evaluate_networks(Caller(actor, purpose), truth_dir)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    table = Table(title="Networks against truth", show_header=False)
    for key, value in result.items():
        if key != "top10":
            table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
