"""The ``joinedup`` command: a lazy group so that each sub-command imports only what it needs."""

from __future__ import annotations

import importlib

import click

from joinedup import __version__

# command name -> "module:attribute" of a click command or group
COMMANDS: dict[str, str] = {
    "init": "joinedup.cli.admin:init",
    "agencies": "joinedup.cli.admin:agencies",
    "users": "joinedup.cli.admin:users",
    "grants": "joinedup.cli.admin:grants",
    "panels": "joinedup.cli.admin:panels",
    "audit": "joinedup.cli.audit:audit",
    "demo": "joinedup.cli.demo:demo",
    "simulate": "joinedup.cli.simulate:simulate",
    "estimate": "joinedup.cli.estimate:estimate",
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="joinedup")
def cli() -> None:
    """joinedup: join the dots across agencies to protect children from sexual exploitation."""


def main() -> None:
    """Entry point of the ``joinedup`` console script."""
    cli()
