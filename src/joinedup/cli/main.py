"""The ``joinedup`` command: a lazy group so that each sub-command imports only what it needs."""

from __future__ import annotations

import importlib
import os

import click

from joinedup import __version__

# command name -> ("module:attribute" of a click command or group, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "joinedup.cli.admin:init",
        "Create or migrate the database, keys and system accounts.",
    ),
    "agencies": ("joinedup.cli.admin:agencies", "Partner agencies."),
    "users": ("joinedup.cli.accounts:users", "Users and service accounts."),
    "token": ("joinedup.cli.tokens:token", "Personal access tokens: create, revoke."),
    "grants": ("joinedup.cli.admin:grants", "Expiring cross-agency access grants."),
    "panels": ("joinedup.cli.admin:panels", "Multi-agency panels and their members."),
    "worker": (
        "joinedup.cli.worker:worker",
        "Run the scheduled jobs (drops, escalation, chasing).",
    ),
    "status": ("joinedup.cli.worker:status", "The worker's jobs, drops waiting, quarantine."),
    "agreements": (
        "joinedup.cli.agreements:agreements",
        "Information-sharing agreements between agencies.",
    ),
    "audit": (
        "joinedup.cli.audit:audit",
        "Verify the audit chain; who looked at a record and why.",
    ),
    "demo": ("joinedup.cli.demo:demo", "Run the demonstration on synthetic data."),
    "simulate": ("joinedup.cli.simulate:simulate", "Write a synthetic borough's agency exports."),
    "ingest": (
        "joinedup.cli.ingest:ingest",
        "Import agency exports (files, manifests, a simulated borough).",
    ),
    "quarantine": (
        "joinedup.cli.quarantine:quarantine",
        "Rows that could not be accepted: list, show, resubmit, dismiss.",
    ),
    "language": ("joinedup.cli.language:language", "Check case notes for victim-blaming language."),
    "estimate": ("joinedup.cli.estimate:estimate", "Estimate the hidden number of victims (MSE)."),
    "link": ("joinedup.cli.link:link", "Link records across agencies into resolved persons."),
    "review": ("joinedup.cli.review:review", "Uncertain matches: list, confirm, reject."),
    "evaluate": (
        "joinedup.cli.evaluate:evaluate",
        "Measure the platform against a simulator's truth.",
    ),
    "assess": ("joinedup.cli.assess:assess", "Run the risk-tool pre-fill and every rule; flags."),
    "flags": ("joinedup.cli.flags:flags", "Flags raised by the rules: list, acknowledge, resolve."),
    "profile": (
        "joinedup.cli.profile:profile",
        "Write a VOLT problem profile (HTML and Markdown).",
    ),
    "export": ("joinedup.cli.export:export", "Export the network (GraphML, i2 entity/link CSV)."),
    "actions": (
        "joinedup.cli.actions:actions",
        "Panel actions: add, list, done, reassign, chase.",
    ),
    "intel": (
        "joinedup.cli.intel:intel",
        "Intelligence and concerns: submit, route, acknowledge, escalate.",
    ),
    "serve": ("joinedup.cli.serve:serve", "Serve the web pages and the JSON API (uvicorn)."),
    "panel": (
        "joinedup.cli.panel:panel",
        "Panel meetings: schedule, generated agenda, decisions, minutes.",
    ),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attr} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the static table, so ``--help`` imports nothing heavy."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="joinedup")
def cli() -> None:
    """joinedup: join the dots across agencies to protect children from sexual exploitation."""


def main() -> None:
    """Entry point of the ``joinedup`` console script (everything it creates is private to
    its user: umask 077)."""
    os.umask(0o077)
    cli()
