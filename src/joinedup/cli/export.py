"""``joinedup export graph``: the network as GraphML or i2 Analyst's Notebook CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from joinedup.cli.common import acting, console, runtime, window_options

if TYPE_CHECKING:
    from joinedup.network.scope import Window


@click.group("export")
def export() -> None:
    """Export what you may disclose, for other tools (every export is logged with its recipient)."""


@export.command("graph")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "i2"]),
    required=True,
    help="graphml: one .graphml file; i2: a folder with entities.csv and links.csv.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The .graphml file, or the folder for the i2 files.",
)
@window_options()
@click.option(
    "--scope",
    "extent",
    type=click.Choice(["cse", "all"]),
    default="cse",
    show_default=True,
    help="cse: offenders, children at risk and what ties them; all: every entity.",
)
@click.option(
    "--pseudonymise", is_flag=True, help="Persons by platform id only (no names or dates of birth)."
)
@click.option(
    "--recipient",
    default=None,
    help="Who the file is for (logged); default: the acting user's own analysis.",
)
@acting("analysis")
def graph(
    fmt: str,
    out: Path,
    window: Window,
    extent: str,
    pseudonymise: bool,
    recipient: str | None,
    actor: str,
    purpose: str,
) -> None:
    """Write the network of the window as GraphML or as i2 entity and link files."""
    from joinedup.model.records import SourceRecord
    from joinedup.network.communities import offender_groups, victim_clusters
    from joinedup.network.export import export_tables, write_graphml, write_i2
    from joinedup.network.store import load_network

    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        session.require("disclosure", "case")
        net, _ = load_network(session, rt.cipher, window)
        groups, clusters = offender_groups(net), victim_clusters(net)
        entities = net.cse_entities() if extent == "cse" else set(net.kind_of)
        tables = export_tables(
            net,
            entities,
            groups,
            clusters,
            pseudonymise,
            disclosable=lambda ids: session.disclosable(SourceRecord, ids),
        )
        if fmt == "graphml":
            write_graphml(tables, out)
            written = str(out)
        else:
            entities_csv, links_csv = write_i2(tables, out)
            written = f"{entities_csv} and {links_csv}"
        session.disclose(SourceRecord, tables.records, recipient or f"{actor}: {out.name}")
    console.print(
        f"wrote {len(tables.nodes):,} entities and {len(tables.edges):,} ties to {written}"
    )
