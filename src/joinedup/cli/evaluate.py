"""``joinedup evaluate``: measure linkage, flags and networks against a simulator's truth.

Each sub-command lives in its own module and is imported only when invoked.
"""

from __future__ import annotations

import importlib

import click

# sub-command -> ("module:attribute", one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "linkage": (
        "joinedup.cli.evaluate_linkage:linkage",
        "Pairwise precision/recall of person linkage against truth.",
    ),
    "estimate": (
        "joinedup.cli.evaluate_estimate:estimate",
        "The hidden-number estimate and its interval against the true number of victims.",
    ),
    "flags": (
        "joinedup.cli.evaluate_flags:flags",
        "Victim recall and precision of the rules and risk prompts against truth.",
    ),
    "timeliness": (
        "joinedup.cli.evaluate_timeliness:timeliness",
        "Replay dated drops through the worker: days from first indicator to a flag.",
    ),
    "network": (
        "joinedup.cli.evaluate_network:network",
        "Offender groups (ARI) and hotspots recovered against truth.",
    ),
}


class _LazyEvaluate(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in SUBCOMMANDS:
            return None
        module_name, attr = SUBCOMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attr} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUBCOMMANDS[name][1]) for name in sorted(SUBCOMMANDS)])


@click.group("evaluate", cls=_LazyEvaluate)
def evaluate() -> None:
    """Measure the platform against a simulated borough's ground truth (``truth/`` folder)."""
