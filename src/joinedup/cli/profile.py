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
    from joinedup.network.analysis import analyse
    from joinedup.network.profile import build_profile, coverage, write_profile
    from joinedup.network.scope import Window
    from joinedup.network.store import agencies, load_network, refreshed, risk_categories

    started = time.perf_counter()
    window = Window(since.date() if since else None, until.date() if until else None, area)
    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        net, linked = load_network(session, rt.cipher, window)
        sources = (agencies(session), refreshed(session))
        risk = risk_categories(session)
    if not linked:
        errors.print(
            "[yellow]warning:[/] no linkage results in scope: persons are not joined across "
            "agencies (run `joinedup link` first)"
        )
    result = analyse(net)
    groups = len(result.groups.groups())
    html, markdown = write_profile(build_profile(result, coverage(result, *sources), risk), out)
    console.print(
        f"{len(net.classes.children):,} children at risk, {len(net.classes.offenders):,} "
        f"suspected offenders in {groups} group{'' if groups == 1 else 's'}, "
        f"{len(result.hotspots):,} places of concern"
    )
    console.print(f"wrote {html} and {markdown} in {time.perf_counter() - started:.1f} s")
