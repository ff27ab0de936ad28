"""``joinedup simulate``: generate the synthetic borough's agency exports and truth."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from joinedup.app.simulation import ScenarioError, simulate_borough


@click.command("simulate")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write DIR/<agency>/ and DIR/truth/ into.",
)
@click.option(
    "--seed", default=0, show_default=True, type=int, help="Random seed (same seed, same bytes)."
)
@click.option(
    "--scenario", default="default", show_default=True, help="Shipped scenario name or a YAML file."
)
@click.option(
    "--scale", default=1.0, show_default=True, type=float, help="Multiplier of every count."
)
def simulate(out: Path, seed: int, scenario: str, scale: float) -> None:
    """Generate a synthetic borough: agency export files with the ground truth beside them."""
    console = Console()
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Simulating cohorts", total=None)
            result = simulate_borough(
                out,
                seed=seed,
                scenario=scenario,
                scale=scale,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except ScenarioError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = result.summary()
    table = Table(title=f"Synthetic borough written to {out}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in (
        "children",
        "victims",
        "share_looked_after",
        "share_known_to_no_agency",
        "share_prior_contact",
        "person_bearing_records",
    ):
        table.add_row(key.replace("_", " "), str(summary[key]))
    console.print(table)
