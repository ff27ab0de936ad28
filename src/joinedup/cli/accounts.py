"""``joinedup users deactivate | reset-password | reset-second-factor | enrol`` (added to the
``users`` group of :mod:`joinedup.cli.admin`)."""

from __future__ import annotations

from pathlib import Path

import click

from joinedup.app import accounts
from joinedup.app.context import runtime
from joinedup.cli.admin import users
from joinedup.cli.common import acting, console

__all__ = ["users"]


def _ended(ended: accounts.Ended) -> str:
    return f"{len(ended.sessions)} session(s) ended, {len(ended.tokens)} token(s) revoked"


@users.command("deactivate")
@click.argument("username")
@click.option("--reason", required=True, help="Why the account is deactivated (logged).")
@acting("administration")
def users_deactivate(username: str, reason: str, actor: str, purpose: str) -> None:
    """Deactivate a user: no more sign-in; every session and token ends now."""
    ended = accounts.deactivate_user(runtime(), actor, username, reason)
    console.print(f"{username} deactivated: {_ended(ended)}", markup=False, highlight=False)


@users.command("reset-password")
@click.argument("username")
@acting("administration")
def users_reset_password(username: str, actor: str, purpose: str) -> None:
    """Give a user a new random password (printed once); their sessions and tokens end."""
    new = accounts.reset_password(runtime(), actor, username)
    click.echo(f"new password for {username} (shown once, hand it over in person): ", nl=False)
    click.echo(new.password)
    console.print(_ended(new.ended), markup=False, highlight=False)


@users.command("reset-second-factor")
@click.argument("username")
@acting("administration")
def users_reset_second_factor(username: str, actor: str, purpose: str) -> None:
    """Remove a user's second factor: they sign in again only after `users enrol`."""
    ended = accounts.reset_second_factor(runtime(), actor, username)
    console.print(
        f"second factor of {username} removed: {_ended(ended)}; enrol again with "
        f"`joinedup users enrol {username}`",
        markup=False,
        highlight=False,
    )


@users.command("enrol")
@click.argument("username")
@click.option(
    "--qr",
    "qr_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the QR code (SVG) to this file, readable by you only, instead of the URI.",
)
@click.option(
    "--dev-known-secret",
    is_flag=True,
    help="Use the documented demonstration secret (JOINEDUP_ENV=dev only).",
)
@acting("administration")
def users_enrol(
    username: str, qr_path: Path | None, dev_known_secret: bool, actor: str, purpose: str
) -> None:
    """Enrol a user's second factor (TOTP): the URI or QR code for their authenticator app."""
    enrolment = accounts.enrol_second_factor(
        runtime(), actor, username, known_secret=dev_known_secret
    )
    if qr_path is not None:
        written = accounts.write_enrolment_qr(enrolment, qr_path)
        click.echo(f"QR code for {username} written to {written} (mode 0600): show it to them")
        return
    click.echo(f"provisioning URI for {username} (shown once):")
    click.echo(enrolment.uri)
