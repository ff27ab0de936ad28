"""``joinedup evaluate network``: offender groups and hotspots against a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, runtime


@click.command("network")
@click.option(
    "--truth",
    "truth_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A simulator's truth/ folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@acting("analysis", service_default=True)
def network(truth_dir: Path, as_json: bool, actor: str, purpose: str) -> None:
    """Adjusted Rand index of the offender groups and hotspot hits in the top ten."""
    from joinedup.linkage.sources import record_keys
    from joinedup.network.communities import offender_groups
    from joinedup.network.evaluate import evaluate_network
    from joinedup.network.hotspots import rank_places
    from joinedup.network.scope import Window
    from joinedup.network.store import load_network

    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        net, _ = load_network(session, rt.cipher, Window(), require_linkage=True)
        keys = record_keys(session)
    groups = offender_groups(net)
    result = evaluate_network(net, groups, rank_places(net, groups), truth_dir, keys).as_dict()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    table = Table(title="Networks against truth", show_header=False)
    for key, value in result.items():
        if key != "top10":
            table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
