"""Shared CLI plumbing: the runtime, the acting user, and turning errors into messages."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from joinedup.common.errors import JoinedupError, one_line
from joinedup.runtime import Runtime
from joinedup.settings import SERVICE_ACCOUNT, from_environment
from joinedup.store.actor_session import ActorSession

F = TypeVar("F", bound=Callable[..., Any])
console = Console()
errors = Console(stderr=True)


def runtime(create_keys: bool = False) -> Runtime:
    """The runtime for this command, from the environment."""
    try:
        return Runtime(from_environment(), create_keys=create_keys)
    except JoinedupError as exc:
        raise click.ClickException(exc.one_line()) from exc


def friendly_errors(func: F) -> F:
    """Turn the platform's own errors (:class:`JoinedupError`), input that fails validation
    and a named file that does not exist into one-line messages and exit status 1; anything
    else is a bug and shows its traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JoinedupError as exc:
            raise click.ClickException(exc.one_line()) from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise click.ClickException(f"invalid {where}: {first['msg']}") from exc
        except FileNotFoundError as exc:
            named = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(one_line(f"no such file{named}")) from exc

    return wrapper  # type: ignore[return-value]


def acting(default_purpose: str, service_default: bool = False) -> Callable[[F], F]:
    """Add ``--as`` and ``--purpose`` options; the command receives ``actor`` and ``purpose``.

    ``--as`` falls back to ``JOINEDUP_USER``; commands with ``service_default`` then fall back
    to the pipeline service account.
    """

    def decorate(func: F) -> F:
        @click.option(
            "--as", "actor", default=None, help="User to act as (default: JOINEDUP_USER)."
        )
        @click.option(
            "--purpose", default=default_purpose, show_default=True, help="Purpose of processing."
        )
        @functools.wraps(func)
        def wrapper(*args: Any, actor: str | None, purpose: str, **kwargs: Any) -> Any:
            name = (
                actor or from_environment().user or (SERVICE_ACCOUNT if service_default else None)
            )
            if name is None:
                raise click.UsageError("name the user to act as with --as or JOINEDUP_USER")
            return func(*args, actor=name, purpose=purpose, **kwargs)

        return friendly_errors(wrapper)  # type: ignore[return-value]

    return decorate


def window_options(
    area_help: str = "A town, or a postcode area, district or sector.",
) -> Callable[[F], F]:
    """Add ``--from``, ``--to`` and ``--area``; the command receives ``window`` (a
    :class:`joinedup.network.scope.Window`)."""

    def decorate(func: F) -> F:
        day = click.DateTime(["%Y-%m-%d"])

        @click.option("--from", "since", type=day, default=None, help="First day (YYYY-MM-DD).")
        @click.option("--to", "until", type=day, default=None, help="Last day (YYYY-MM-DD).")
        @click.option("--area", default=None, help=area_help)
        @functools.wraps(func)
        def wrapper(
            *args: Any,
            since: datetime | None,
            until: datetime | None,
            area: str | None,
            **kwargs: Any,
        ) -> Any:
            from joinedup.network.scope import Window

            window = Window(since.date() if since else None, until.date() if until else None, area)
            return func(*args, window=window, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def truth_options(truth_help: str = "A simulator's truth/ folder.") -> Callable[[F], F]:
    """Add ``--truth DIR`` (the command receives ``truth_dir``) and ``--json`` (``as_json``)."""

    def decorate(func: F) -> F:
        truth = click.option(
            "--truth",
            "truth_dir",
            required=True,
            type=click.Path(path_type=Path, file_okay=False, exists=True),
            help=truth_help,
        )
        as_json = click.option(
            "--json", "as_json", is_flag=True, help="Print the evaluation as JSON."
        )
        return truth(as_json(func))

    return decorate


def show_language(found: Sequence[Any]) -> None:
    """After saving typed text: the victim-blaming language found in it, with reasons and
    suggested wording (:func:`joinedup.safeguarding.entry.warning_lines`)."""
    from joinedup.safeguarding.entry import warning_lines

    for line in warning_lines(list(found)):
        console.print(line, style="yellow", markup=False, highlight=False, soft_wrap=True)


def echo_with_language(saved: BaseModel, found: Sequence[Any]) -> None:
    """Print what was saved as JSON, with a ``language`` list of what was found in its text."""
    out = {**saved.model_dump(mode="json"), "language": [f.to_dict() for f in found]}
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


@contextmanager
def door_session(actor: str, purpose: str) -> Iterator[ActorSession]:
    """An actor session on the configured store."""
    with runtime().door.session(actor, purpose) as session:
        yield session


def print_rows(rows: list[BaseModel], columns: list[str], as_json: bool, title: str) -> None:
    """Print rows as a table, or as a JSON array with ``--json``."""
    if as_json:
        click.echo(
            json.dumps([r.model_dump(mode="json", include=set(columns)) for r in rows], indent=2)
        )
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(getattr(row, c) if getattr(row, c) is not None else "") for c in columns)
        )
    console.print(table)
