"""``joinedup evaluate estimate``: the hidden-number estimate beside a simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from joinedup.cli.common import acting, console, truth_options


@click.command("estimate")
@truth_options("A simulator's truth/ folder (or the borough folder holding it).")
@click.option(
    "--definitions",
    type=click.Choice(["specific", "broad"]),
    default="specific",
    show_default=True,
    help="Which list definitions (docs/estimation.md).",
)
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(0, 10_000), default=0)
@click.option("--linkage-imputations", type=click.IntRange(0, 100), default=10, show_default=True)
@click.option("--no-decomposition", is_flag=True, help="Skip the re-estimates per error source.")
@click.option(
    "--quick",
    is_flag=True,
    help="A first look: a shorter latent-class run and 50 frailty replicates.",
)
@acting("analysis", service_default=True)
def estimate(
    truth_dir: Path,
    as_json: bool,
    definitions: str,
    n_bootstrap: int,
    linkage_imputations: int,
    no_decomposition: bool,
    quick: bool,
    actor: str,
    purpose: str,
) -> None:
    """The estimate and its interval against the true number of victims, per list."""
    from joinedup.app.context import Caller
    from joinedup.app.estimation import estimate_against_truth

    try:
        result = estimate_against_truth(
            Caller(actor, purpose),
            truth_dir,
            definitions=definitions,
            n_bootstrap=n_bootstrap,
            imputations=linkage_imputations,
            decomposition=not no_decomposition,
            quick=quick,
        )
    except ValueError as exc:  # no truth there, or nothing to estimate
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, indent=2, allow_nan=False, default=str))
        return
    console.print(
        f"true victims {result['true_victims']:,} (known to an agency "
        f"{result['known_victims']:,}); observed {result['n_observed']:,}; estimate "
        f"{result['estimate']:,.0f} [{result['ci_low']:,.0f}, {result['ci_high']:,.0f}] "
        f"covered {result['covered']}, relative error {result['relative_error']:+.1%}"
    )
    table = Table(title=f"Lists ({definitions} definitions) against truth")
    columns = ("members", "true_victims", "non_victims", "split", "merged")
    table.add_column("list")
    for column in columns:
        table.add_column(column)
    for name, row in result["lists"].items():
        table.add_row(name, *(f"{row[c]:,}" for c in columns))
    console.print(table)
    for row in result.get("decomposition", []):
        est = row.get("estimate")
        console.print(f"{row['lists']}: n {row['n_observed']:,}, estimate {est or 'n/a'}")
