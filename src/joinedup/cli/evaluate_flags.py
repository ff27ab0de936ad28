"""``joinedup evaluate flags``: held flags scored against a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, truth_options


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@click.command("flags")
@truth_options("A simulator's truth/ folder (or the borough folder holding it).")
@acting("analysis", service_default=True)
def flags(truth_dir: Path, as_json: bool, actor: str, purpose: str) -> None:
    """Victim recall and precision of the rules' flags, and per-rule precision and recall."""
    from joinedup.app.context import Caller
    from joinedup.app.evaluation import evaluate_flags

    result = evaluate_flags(Caller(actor, purpose), truth_dir)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    console.print(
        f"victim_recall {_fmt(result['victim_recall'])} of {result['known_victims']:,} victims "
        f"known to an agency; precision {_fmt(result['precision'])} of "
        f"{result['flagged_children']:,} flagged children"
    )
    table = Table(title="Rules against truth")
    for column in ("rule", "flags", "subjects", "truth", "precision", "recall"):
        table.add_column(column)
    for rule_id, row in result["rules"].items():
        table.add_row(
            rule_id,
            f"{row['flags']:,}",
            f"{row['subjects']:,}",
            row["truth"],
            _fmt(row["precision"]),
            _fmt(row["recall"]),
        )
    console.print(table)
