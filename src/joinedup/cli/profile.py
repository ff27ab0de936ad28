"""``joinedup profile``: a VOLT problem profile (HTML and Markdown) of what the user may see."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click

from joinedup.cli.common import acting, console, errors, runtime


@click.command("profile")
@click.option(
    "--from",
    "since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day (YYYY-MM-DD).",
)
@click.option(
    "--to", "until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day (YYYY-MM-DD)."
)
@click.option(
    "--area", default=None, help="A town, or a postcode area, district or sector (DM, DM1, DM1 2)."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write; the Markdown goes beside it (same name, .md).",
)
@acting("analysis", service_default=True)
def profile(
    since: datetime | None,
    until: datetime | None,
    area: str | None,
    out: Path,
    actor: str,
    purpose: str,
) -> None:
    """Write a problem profile: victims, offenders, locations, themes and trends."""
    from joinedup.network.report import problem_profile
    from joinedup.network.scope import Window

    started = time.perf_counter()
    window = Window(since.date() if since else None, until.date() if until else None, area)
    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        run = problem_profile(session, rt.cipher, window, out)
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
