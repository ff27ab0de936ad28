"""``joinedup simulate``: generate the synthetic borough's agency exports and truth."""

from __future__ import annotations

from datetime import date, datetime
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
@click.option(
    "--end-date",
    "end_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the borough's history (default: today). The scenario 'inquiry' keeps "
    "the inquiry period (1997-2011, records to 2013).",
)
@click.option(
    "--drops",
    type=click.Choice(["weekly", "monthly"]),
    default=None,
    help="Also write each agency's extracts as dated drops under DIR/drops/YYYY-MM-DD/<agency>/.",
)
@click.option(
    "--drops-from",
    "drops_from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="With --drops: the first drop carries everything recorded before this date "
    "(default: one drop per period from the earliest record).",
)
def simulate(
    out: Path,
    seed: int,
    scenario: str,
    scale: float,
    end_date: datetime | None,
    drops: str | None,
    drops_from: datetime | None,
) -> None:
    """Generate a synthetic borough: agency export files with the ground truth beside them
    (and, with --drops, the agencies' dated drops)."""
    console = Console()
    ends = end_date.date() if end_date else date.today()
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Simulating cohorts", total=None)
            result, cut = simulate_borough(
                out,
                seed=seed,
                scenario=scenario,
                scale=scale,
                end_date=ends,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
                drops="weekly" if drops == "weekly" else "monthly" if drops else None,
                drops_from=drops_from.date() if drops_from else None,
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
    if cut is not None:
        figures = cut.summary()
        console.print(
            f"{figures['cadence']} drops {figures['first']} to {figures['last']}: "
            f"{figures['drop_dates']:,} dates, {sum(figures['folders'].values()):,} agency "
            f"folders, {sum(figures['rows'].values()):,} rows, in {out / 'drops'}"
        )
