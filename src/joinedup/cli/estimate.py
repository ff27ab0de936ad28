"""``joinedup estimate``: multiple systems estimation from a pattern → count table."""

from __future__ import annotations

import json
import math
from typing import Any

import click

from joinedup.cli.common import acting

METHOD_CHOICES = ["auto", "aic", "bic", "stepwise", "downhill", "fixed"]


def _fmt(value: Any) -> str:
    if value is None:
        return "unbounded"
    if isinstance(value, float):
        return f"{value:,.1f}" if math.isfinite(value) else "unbounded"
    return str(value)


def _print_table(out: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if out.get("headline") == "range":
        low, high = out["range"]
        console.print(
            f"[bold]The data support a range, not one number: {_fmt(low)} – {_fmt(high)}[/bold]"
        )
        for reason in out.get("reasons", []):
            console.print(f"  because {reason}")
    summary = Table(title="Multiple systems estimate", show_header=False)
    summary.add_row("Observed", _fmt(out["n_observed"]))
    summary.add_row("Estimate", _fmt(out["estimate"]))
    level = round(100 * out["ci_level"])
    summary.add_row(f"{level}% interval", f"{_fmt(out['ci_low'])} – {_fmt(out['ci_high'])}")
    summary.add_row("Interval method", out["ci_method"])
    weights = out.get("point_weights") or {}
    if len(weights) > 1:
        parts = ", ".join(f"{name} {share:.0%}" for name, share in weights.items())
        summary.add_row("Point", f"average of the models of unequal visibility: {parts}")
    summary.add_row("Model", out["model"])
    summary.add_row("Method", out["method"])
    lists = ", ".join(f"{k}={v}" for k, v in out["lists"].items())
    summary.add_row("Lists", lists)
    if "list_definitions" in out:
        summary.add_row("List definitions", out["list_definitions"])
    console.print(summary)
    for model in out.get("models", []):
        console.print(
            f"  {model['name']}: {_fmt(model['estimate'])} "
            f"({_fmt(model['ci_low'])} – {_fmt(model['ci_high'])})"
            + ("" if model["credible"] else f", set aside: {model['note']}")
        )
    top = out.get("search", {}).get("top_models") or []
    if top:
        models = Table(title="Top models")
        for col in ("model", "estimate", "AIC", "BIC", "deviance", "df"):
            models.add_column(col)
        for row in top:
            models.add_row(
                row["model"],
                _fmt(row["estimate"]),
                _fmt(row["aic"]),
                _fmt(row["bic"]),
                _fmt(row["deviance"]),
                str(row["df"]),
            )
        console.print(models)
    for warning in out["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")


@click.command("estimate")
@click.option(
    "--table",
    "table_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="CSV: one 0/1 column per list, then 'count'.",
)
@click.option(
    "--from-db",
    is_flag=True,
    help="Use the linked victims and possible victims on each agency's list in the store.",
)
@click.option(
    "--stratify",
    type=click.Choice(["age_band", "sex", "ethnicity", "period"]),
    default=None,
    help="With --from-db: one estimate per stratum (plus the total).",
)
@click.option(
    "--definitions",
    type=click.Choice(["specific", "broad"]),
    default="specific",
    show_default=True,
    help="With --from-db: which list definitions (docs/estimation.md).",
)
@click.option(
    "--linkage-imputations",
    type=click.IntRange(0, 100),
    default=10,
    show_default=True,
    help="With --from-db: imputations of the uncertain links carried into the interval.",
)
@click.option(
    "--shared",
    is_flag=True,
    help="With --from-db: across the agencies of your live aggregate information-sharing "
    "agreements (joinedup agreements list).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="With --from-db: a first look (a shorter latent-class run, 50 frailty replicates; "
    "the demonstration's settings). Publish the full run.",
)
@click.option("--method", type=click.Choice(METHOD_CHOICES), default="auto", show_default=True)
@click.option("--model", default=None, help='Model for --method fixed, e.g. "[12,3]".')
@click.option(
    "--max-order",
    type=click.IntRange(1, 16),
    default=None,
    help="Highest interaction order considered by the search.",
)
@click.option(
    "--heterogeneity",
    default=None,
    help="lb | poisson | darroch | gamma:THETA | normal (Rcapture models).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.02,
    show_default=True,
    help="p-value threshold for stepwise selection.",
)
@click.option(
    "--bootstrap",
    "n_bootstrap",
    type=click.IntRange(0, 100_000),
    default=0,
    show_default=True,
    help="BCa bootstrap replicates (model selection repeated).",
)
@click.option("--seed", type=int, default=1234, show_default=True)
@click.option("--top-k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--suppress", is_flag=True, help="Disclosure-safe output: counts of 1-4 shown as '<5'."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@acting("analysis", service_default=True)
def estimate(
    table_path: str | None,
    from_db: bool,
    stratify: str | None,
    definitions: str,
    linkage_imputations: int,
    shared: bool,
    quick: bool,
    method: str,
    model: str | None,
    max_order: int | None,
    heterogeneity: str | None,
    threshold: float,
    n_bootstrap: int,
    seed: int,
    top_k: int,
    suppress: bool,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Estimate how many victims there are, including those on no list."""
    from joinedup.app.estimation import TableError, estimate_from_table

    options = {
        "method": method,
        "model": model,
        "max_order": max_order,
        "heterogeneity": heterogeneity,
        "threshold": threshold,
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "top_k": top_k,
    }
    if from_db == (table_path is not None):
        raise click.UsageError("give exactly one of --table FILE and --from-db")
    if (stratify or shared or quick) and not from_db:
        raise click.UsageError("--stratify, --shared and --quick need --from-db")
    if table_path is not None:
        try:
            out = estimate_from_table(table_path, options, suppress)
        except TableError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        out = _from_database(
            actor,
            purpose,
            stratify,
            options,
            suppress,
            definitions,
            linkage_imputations,
            shared,
            quick,
        )
    if as_json:
        click.echo(json.dumps(out, indent=2, allow_nan=False))
        return
    _print_table(out)
    for stratum, result in out.get("strata", {}).items():
        click.echo(f"\nStratum {out['stratified_by']} = {stratum}")
        if "estimate" in result:
            _print_table(result)
        else:
            click.echo(f"  not estimated: {result['warnings'][0]}")


def _from_database(
    actor: str,
    purpose: str,
    stratify: str | None,
    options: dict[str, Any],
    suppress: bool,
    definitions: str = "specific",
    imputations: int = 10,
    shared: bool = False,
    quick: bool = False,
) -> dict[str, Any]:
    """Estimates from the agency lists of linked victims and possible victims in the store."""
    from joinedup.app.context import Caller
    from joinedup.app.estimation import NotEstimable, estimate_from_store

    try:
        return estimate_from_store(
            Caller(actor, purpose),
            options,
            stratify=stratify,
            suppress=suppress,
            definitions=definitions,
            imputations=imputations,
            shared=shared,
            quick=quick,
        )
    except NotEstimable as exc:
        raise click.ClickException(str(exc)) from None
