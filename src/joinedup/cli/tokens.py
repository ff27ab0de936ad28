"""``joinedup token create | revoke``: personal access tokens for scripts and the CLI."""

from __future__ import annotations

import getpass
import sys
from datetime import timedelta

import click

from joinedup.app import signin
from joinedup.app.context import acting_as, caller, runtime
from joinedup.app.signin import Attempt
from joinedup.cli.common import friendly_errors


def _address() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):
        return "cli"


def _ask(username: str | None, from_stdin: bool) -> Attempt:
    """Username, password and code: from standard input (one a line) or asked for."""
    if from_stdin:
        lines = [line.rstrip("\r\n") for line in sys.stdin.readlines()]
        wanted = 2 if username else 3
        if len(lines) < wanted:
            raise click.UsageError(
                f"--stdin needs {wanted} lines: {'' if username else 'username, '}password, code"
            )
        if not username:
            username, lines = lines[0], lines[1:]
        return Attempt(username, lines[0], lines[1], _address())
    name = username or click.prompt("Username", err=True)
    password = click.prompt("Password", hide_input=True, err=True)
    code = click.prompt("Security code", err=True)
    return Attempt(name, password, code, _address())


@click.group()
def token() -> None:
    """Personal access tokens (JOINEDUP_TOKEN): at most 8 hours, revocable."""


@token.command("create")
@click.option("--username", default=None, help="Who signs in (asked for when not given).")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read username, password, code lines.")
@click.option("--label", default="command line", show_default=True, help="What it is for.")
@click.option("--hours", type=click.FloatRange(0.1, 8), default=8, show_default=True)
@friendly_errors
def token_create(username: str | None, from_stdin: bool, label: str, hours: float) -> None:
    """Sign in (username, password, security code) and print a token, once."""
    attempt = _ask(username, from_stdin)
    try:
        issued = signin.create_token(runtime(), attempt, label, timedelta(hours=hours))
    except signin.SignInRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"token {issued.id} for {issued.username}, until {issued.expires_at.isoformat()} "
        "(shown once; export it as JOINEDUP_TOKEN):",
        err=True,
    )
    click.echo(issued.token)


@token.command("revoke")
@click.option(
    "--id",
    "token_id",
    default=None,
    help="Revoke a token by its id (yours, or anyone's as an administrator, acting as "
    "--as/JOINEDUP_USER/JOINEDUP_TOKEN); without it, the token in JOINEDUP_TOKEN or on stdin.",
)
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the token from standard input.")
@click.option("--as", "actor", default=None, help="With --id: user to act as.")
@friendly_errors
def token_revoke(token_id: str | None, from_stdin: bool, actor: str | None) -> None:
    """Revoke a token now."""
    if token_id is not None:
        try:
            who = caller(actor, "administration")
        except signin.NeedsToken as exc:
            raise click.ClickException(str(exc)) from exc
        with acting_as(who):
            revoked = signin.revoke_token_by_id(runtime(), who.username, token_id)
        if not revoked:
            raise click.ClickException(f"no live token {token_id} that {who.username} may revoke")
        click.echo(f"token {token_id} revoked")
        return
    presented = sys.stdin.readline().strip() if from_stdin else signin.token_in_environment()
    if not presented:
        raise click.UsageError("give --id, --stdin or set JOINEDUP_TOKEN")
    if not signin.revoke_token(runtime(), presented):
        raise click.ClickException("no live token matches (already revoked or mistyped)")
    click.echo("token revoked")
