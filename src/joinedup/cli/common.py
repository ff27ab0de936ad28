"""Shared CLI plumbing: the runtime, the acting user, and turning errors into messages."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from joinedup.access.keys import KeyMaterialError
from joinedup.access.passwords import WeakPasswordError
from joinedup.model.vocab import VocabularyError
from joinedup.runtime import Runtime
from joinedup.settings import SERVICE_ACCOUNT, from_environment
from joinedup.store.actor_session import ActorSession
from joinedup.store.door import Forbidden, NotFound, UnknownActor

F = TypeVar("F", bound=Callable[..., Any])
console = Console()
errors = Console(stderr=True)

_EXPECTED = (
    NotFound,
    Forbidden,
    UnknownActor,
    VocabularyError,
    KeyMaterialError,
    WeakPasswordError,
    ValueError,
    RuntimeError,
)


def runtime(create_keys: bool = False) -> Runtime:
    """The runtime for this command, from the environment."""
    try:
        return Runtime(from_environment(), create_keys=create_keys)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def friendly_errors(func: F) -> F:
    """Turn the platform's expected errors into one-line messages and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise click.ClickException(f"invalid {where}: {first['msg']}") from exc
        except _EXPECTED as exc:
            raise click.ClickException(str(exc)) from exc

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
