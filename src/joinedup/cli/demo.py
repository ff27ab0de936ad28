"""``joinedup demo``: the whole pipeline on synthetic data, on the configured store."""

from __future__ import annotations

import click

from joinedup.app.demo import run_demo
from joinedup.cli.common import console, friendly_errors, runtime
from joinedup.store.engine import redacted


@click.command()
@friendly_errors
def demo() -> None:
    """Run the demonstration on synthetic data (creates keys in dev mode)."""
    rt = runtime(create_keys=True)
    console.print(f"[bold]joinedup demo[/] on {redacted(rt.settings.database_url)}")
    if not run_demo(rt, lambda line: console.print(line, soft_wrap=True)):
        raise SystemExit(1)
