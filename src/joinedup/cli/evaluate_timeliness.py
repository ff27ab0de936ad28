"""``joinedup evaluate timeliness``: replay dated drops through the worker; days to a flag."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from joinedup.cli.common import acting, console, truth_options

_DAY = click.DateTime(["%Y-%m-%d"])


def _show(value: Any) -> str:
    return "n/a" if value is None else str(value)


@click.command("timeliness")
@truth_options("A simulator's truth/ folder (or the borough folder holding it), with drops.csv.")
@click.option(
    "--drops",
    "drops_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The drops root written by `joinedup simulate --drops` (DIR/drops).",
)
@click.option(
    "--from",
    "start",
    type=_DAY,
    default=None,
    help="First drop date replayed one "
    "by one (earlier drops are taken in one first load; default: the first drop).",
)
@click.option(
    "--to", "end", type=_DAY, default=None, help="Last drop date replayed (default: the last drop)."
)
@acting("analysis", service_default=True)
def timeliness(
    truth_dir: Path,
    as_json: bool,
    drops_dir: Path,
    start: datetime | None,
    end: datetime | None,
    actor: str,
    purpose: str,
) -> None:
    """Replay the drops in date order through the worker (into this database, which must not
    have taken them) and report days from a victim's first indicator on record to the first
    flag that says the child may be exploited, against the status quo."""
    from joinedup.app.context import Caller
    from joinedup.app.timeliness import evaluate_timeliness

    result = evaluate_timeliness(
        Caller(actor, purpose),
        truth_dir,
        drops_dir,
        start=start.date() if start else None,
        end=end.date() if end else None,
        progress=None if as_json else lambda line: console.print(line, style="dim"),
    )
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    table = Table(title=f"Timeliness {result['from']} to {result['to']}")
    for column in ("figure", "platform", "status quo"):
        table.add_column(column)
    for key in (
        "victims",
        "median_days_to_flag",
        "p90_days_to_flag",
        "share_within_7_days",
        "share_within_30_days",
        "never_flagged",
    ):
        table.add_row(key.replace("_", " "), _show(result[key]), _show(result["status_quo"][key]))
    console.print(table)
    console.print(
        f"{result['drops_replayed']} drops replayed; seconds per drop p50 "
        f"{_show(result['drop_seconds_p50'])}, p95 {_show(result['drop_seconds_p95'])}"
    )
