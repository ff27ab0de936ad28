"""``joinedup profile``: a VOLT problem profile (HTML and Markdown) of what the user may see."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from joinedup.cli.common import acting, console, errors, window_options

if TYPE_CHECKING:
    from joinedup.app.analysis import Window


@click.command("profile")
@window_options("A town, or a postcode area, district or sector (DM, DM1, DM1 2).")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write; the Markdown goes beside it (same name, .md).",
)
@click.option(
    "--shared",
    is_flag=True,
    help="Across the agencies of your live aggregate information-sharing agreements; persons "
    "you cannot otherwise reach appear under pseudonyms.",
)
@acting("analysis", service_default=True)
def profile(
    window: Window,
    out: Path,
    shared: bool,
    actor: str,
    purpose: str,
) -> None:
    """Write a problem profile: victims, offenders, locations, themes and trends."""
    from joinedup.app.analysis import write_problem_profile
    from joinedup.app.context import Caller

    started = time.perf_counter()
    run = write_problem_profile(Caller(actor, purpose), window, out, shared=shared)
    if not run.linked:
        errors.print(
            "[yellow]warning:[/] no linkage results in scope: persons are not joined across "
            "agencies (run `joinedup link` first)"
        )
    console.print(
        f"{run.children:,} children at risk, {run.offenders:,} suspected offenders in "
        f"{run.groups} group{'' if run.groups == 1 else 's'}, {run.places:,} places of concern"
    )
    console.print(f"wrote {run.html} and {run.markdown} in {time.perf_counter() - started:.1f} s")
