"""``joinedup evaluate linkage``: persisted persons scored against a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, truth_options


@click.command("linkage")
@truth_options()
@acting("analysis", service_default=True)
def linkage(truth_dir: Path, as_json: bool, actor: str, purpose: str) -> None:
    """Pairwise precision, recall and F1, blocking recall and recall by name origin."""
    from joinedup.app.context import Caller
    from joinedup.app.evaluation import evaluate_linkage

    result = evaluate_linkage(Caller(actor, purpose), truth_dir)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    table = Table(title="Person linkage against truth", show_header=False)
    for key in ("precision", "recall", "f1", "blocking_recall"):
        value = result[key]
        table.add_row(key, "n/a" if value is None else f"{value:.4f}")
    table.add_row("cluster_count", f"{result['cluster_count']:,}")
    table.add_row("true persons", f"{result['true_person_count']:,}")
    for origin, recall in result["recall_by_name_origin"].items():
        table.add_row(f"recall: {origin or 'unknown'}", f"{recall:.4f}")
    console.print(table)
