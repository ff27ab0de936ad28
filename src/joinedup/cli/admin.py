"""``joinedup init``, ``agencies``, ``users``, ``grants`` and ``panels``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from joinedup.app import administration as uc
from joinedup.app.context import Caller
from joinedup.cli.common import acting, console, friendly_errors, print_rows


def _read_password(password_file: Path | None, password_stdin: bool) -> str | None:
    if password_file and password_stdin:
        raise click.UsageError("give --password-file or --password-stdin, not both")
    if password_file:
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return None


@click.command()
@click.option("--admin", "admin_name", default=None, help="Create a first administrator.")
@click.option(
    "--admin-password-file", type=click.Path(path_type=Path, dir_okay=False), default=None
)
@click.option(
    "--adopt-database",
    "adopt",
    is_flag=True,
    help="Anchor JOINEDUP_HOME to this database although it is anchored to another (logged).",
)
@click.option("--reason", default=None, help="Why the database is adopted (with --adopt-database).")
@friendly_errors
def init(
    admin_name: str | None, admin_password_file: Path | None, adopt: bool, reason: str | None
) -> None:
    """Create or migrate the database; create keys (dev mode) and system accounts."""
    if adopt and not reason:
        raise click.UsageError("--adopt-database needs --reason")
    password = _read_password(admin_password_file, False)
    done = uc.initialise_store(
        admin=(admin_name, password) if admin_name else None,
        adopt_reason=reason if adopt else None,
    )
    result = done.result
    console.print(f"database {done.database} at schema {result.revision}")
    for item in result.created or ("nothing new: already initialised",):
        console.print(f"  created {item}" if result.created else f"  {item}")
    for warning in result.warnings:
        console.print(f"  warning: {warning}", style="yellow", markup=False, highlight=False)
    console.print(f"keys and audit checkpoint in {done.home}")


@click.group()
def agencies() -> None:
    """Partner agencies."""


@agencies.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(uc.agency_kinds()))
@acting("administration")
def agencies_add(name: str, kind: str, actor: str, purpose: str) -> None:
    """Register an agency."""
    agency = uc.add_agency(Caller(actor, purpose), name, kind)
    console.print(f"agency {agency.name!r} ({agency.kind}) id {agency.id}")


@click.group()
def users() -> None:
    """Users and service accounts."""


@users.command("add")
@click.argument("username")
@click.option("--agency", required=True, help="Agency name.")
@click.option("--role", required=True, type=click.Choice(uc.role_names()))
@click.option("--display-name", default=None)
@click.option("--email", default=None, help="Work email address, for notification emails.")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@acting("administration")
def users_add(
    username: str,
    agency: str,
    role: str,
    display_name: str | None,
    email: str | None,
    password_file: Path | None,
    password_stdin: bool,
    actor: str,
    purpose: str,
) -> None:
    """Create a user (password hashed with argon2id; none means CLI-only until set)."""
    password = _read_password(password_file, password_stdin)
    user = uc.add_user(
        Caller(actor, purpose), username, agency, role, display_name, password, email
    )
    console.print(f"user {user.username!r} ({user.role}) id {user.id}")


@click.group()
def grants() -> None:
    """Expiring cross-agency access grants."""


@grants.command("add")
@click.option("--user", "username", required=True)
@click.option("--agency", required=True, help="Agency whose records become visible.")
@click.option("--case", "case_id", default=None, help="Limit the grant to one case.")
@click.option("--grant-purpose", required=True, type=click.Choice(uc.grant_purposes()))
@click.option("--reason", required=True)
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Expire after N days.")
@click.option("--expires", type=click.DateTime(), default=None, help="Expire at (UTC).")
@acting("administration")
def grants_add(
    username: str,
    agency: str,
    case_id: str | None,
    grant_purpose: str,
    reason: str,
    days: int | None,
    expires: datetime | None,
    actor: str,
    purpose: str,
) -> None:
    """Request access for a user to another agency's records until a time, for one purpose
    (it works once a person of that agency approves it: `grants approve`)."""
    if (days is None) == (expires is None):
        raise click.UsageError("give exactly one of --days or --expires")
    until = (
        expires.replace(tzinfo=UTC) if expires else datetime.now(UTC) + timedelta(days=days or 0)
    )
    grant = uc.add_grant(
        Caller(actor, purpose), username, agency, grant_purpose, reason, until, case_id
    )
    console.print(
        f"grant {grant.id} requested until {grant.expires_at.isoformat()}: it works once "
        f"{agency} approves it (`joinedup grants approve {grant.id}` by its data protection "
        "officer)"
    )


@grants.command("approve")
@click.argument("grant_id")
@click.option("--note", required=True, help="Why the grant is approved (kept with it).")
@acting("audit")
def grants_approve(grant_id: str, note: str, actor: str, purpose: str) -> None:
    """Approve a requested grant to your own agency's records."""
    grant = uc.decide_grant(Caller(actor, purpose), grant_id, True, note)
    console.print(f"grant {grant.id} approved: live until {grant.expires_at.isoformat()}")


@grants.command("refuse")
@click.argument("grant_id")
@click.option("--note", required=True, help="Why the grant is refused (kept with it).")
@acting("audit")
def grants_refuse(grant_id: str, note: str, actor: str, purpose: str) -> None:
    """Refuse a requested grant to your own agency's records."""
    grant = uc.decide_grant(Caller(actor, purpose), grant_id, False, note)
    console.print(f"grant {grant.id} refused")


@grants.command("revoke")
@click.argument("grant_id")
@acting("administration")
def grants_revoke(grant_id: str, actor: str, purpose: str) -> None:
    """Revoke a grant now."""
    uc.revoke_grant(Caller(actor, purpose), grant_id)
    console.print(f"grant {grant_id} revoked")


@click.group()
def panels() -> None:
    """Multi-agency panels and their members."""


@panels.command("add")
@click.argument("name")
@click.option("--agency", required=True, help="Hosting agency.")
@acting("administration")
def panels_add(name: str, agency: str, actor: str, purpose: str) -> None:
    """Create a panel."""
    panel = uc.add_panel(Caller(actor, purpose), name, agency)
    console.print(f"panel {panel.name!r} id {panel.id}")


@panels.command("add-member")
@click.argument("panel_name")
@click.argument("username")
@acting("administration")
def panels_add_member(panel_name: str, username: str, actor: str, purpose: str) -> None:
    """Seat a user on a panel."""
    uc.add_panel_member(Caller(actor, purpose), panel_name, username)
    console.print(f"{username} now sits on {panel_name}")


def _add_list_command(
    group: click.Group,
    rows: Callable[[Caller], list[dict[str, Any]]],
    columns: list[str],
    title: str,
) -> None:
    """Give ``group`` a ``list`` command printing ``rows`` as a table or JSON."""

    @group.command("list", help=f"List {title.lower()}.")
    @click.option("--json", "as_json", is_flag=True)
    @acting("administration")
    def list_rows(as_json: bool, actor: str, purpose: str) -> None:
        print_rows(rows(Caller(actor, purpose)), columns, as_json, title)


_add_list_command(agencies, uc.list_agencies, ["id", "name", "kind"], "Agencies")
_add_list_command(
    users, uc.list_users, ["id", "username", "role", "agency", "agency_id", "active"], "Users"
)
_add_list_command(
    grants,
    uc.list_grants,
    [
        "id",
        "user",
        "user_id",
        "agency",
        "agency_id",
        "case_id",
        "purpose",
        "status",
        "decided_by",
        "expires_at",
        "revoked_at",
    ],
    "Grants",
)
_add_list_command(panels, uc.list_panels, ["id", "name", "agency", "agency_id"], "Panels")
