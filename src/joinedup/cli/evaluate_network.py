"""``joinedup evaluate network``: offender groups and hotspots against a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, runtime, truth_options


@click.command("network")
@truth_options()
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
        net, _ = load_network(session, Window(), require_linkage=True)
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
