"""``joinedup export graph``: the network as GraphML or i2 Analyst's Notebook CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from joinedup.cli.common import acting, console, window_options

if TYPE_CHECKING:
    from joinedup.app.analysis import Window


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
    fmt: Literal["graphml", "i2"],
    out: Path,
    window: Window,
    extent: Literal["cse", "all"],
    pseudonymise: bool,
    recipient: str | None,
    actor: str,
    purpose: str,
) -> None:
    """Write the network of the window as GraphML or as i2 entity and link files (the
    disclosure is logged before any file is written)."""
    from joinedup.app.analysis import export_network
    from joinedup.app.context import Caller

    done = export_network(
        Caller(actor, purpose),
        fmt,
        out,
        window,
        extent=extent,
        pseudonymise=pseudonymise,
        recipient=recipient,
    )
    console.print(
        f"wrote {done.entities:,} entities and {done.ties:,} ties to "
        f"{' and '.join(str(f) for f in done.files)} (disclosure to {done.recipient!r} logged)"
    )
