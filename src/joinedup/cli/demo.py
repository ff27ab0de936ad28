"""``joinedup demo``: the whole pipeline on synthetic data, on the configured store."""

from __future__ import annotations

import click

from joinedup.app.demo import database_label, demonstrate
from joinedup.cli.common import console, friendly_errors


@click.command()
@friendly_errors
def demo() -> None:
    """Run the demonstration on synthetic data (creates keys in dev mode)."""
    console.print(f"[bold]joinedup demo[/] on {database_label()}")
    ok, _ = demonstrate(lambda line: console.print(line, soft_wrap=True))
    if not ok:
        raise SystemExit(1)
