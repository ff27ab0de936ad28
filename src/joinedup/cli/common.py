"""Shared CLI plumbing: the runtime, the acting user, and turning errors into messages."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from joinedup.app.context import NeedsToken, acting_as, caller
from joinedup.app.errors import (
    Forbidden,
    KeyMaterialError,
    NoActor,
    NotFound,
    UnknownActor,
    VocabularyError,
    WeakPasswordError,
)
from joinedup.app.results import Saved

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
    to the pipeline service account. ``JOINEDUP_TOKEN`` names the user by a token (needed for
    a person in production); every audit row of the command records which it was.
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
            try:
                who = caller(actor, purpose, service_default=service_default)
            except NoActor as exc:
                raise click.UsageError(str(exc)) from None
            except NeedsToken as exc:
                raise click.ClickException(str(exc)) from None
            with acting_as(who):
                return func(*args, actor=who.username, purpose=who.purpose, **kwargs)

        return friendly_errors(wrapper)  # type: ignore[return-value]

    return decorate


def window_options(
    area_help: str = "A town, or a postcode area, district or sector.",
) -> Callable[[F], F]:
    """Add ``--from``, ``--to`` and ``--area``; the command receives ``window`` (a
    :class:`joinedup.app.analysis.Window`)."""

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
            from joinedup.app.analysis import Window

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
    suggested wording."""
    from joinedup.app.results import warning_lines

    for line in warning_lines(list(found)):
        console.print(line, style="yellow", markup=False, highlight=False, soft_wrap=True)


def echo_saved(saved: Saved[Any], exclude: set[str] | None = None) -> None:
    """Print what was saved as JSON, with a ``language`` list of what was found in its text."""
    click.echo(json.dumps(saved.as_dict(exclude), indent=2, ensure_ascii=False))


def print_rows(
    rows: Sequence[BaseModel | Mapping[str, Any]], columns: list[str], as_json: bool, title: str
) -> None:
    """Print rows (models or mappings) as a table, or as a JSON array with ``--json``."""
    data = [r.model_dump(mode="json") if isinstance(r, BaseModel) else dict(r) for r in rows]
    if as_json:
        click.echo(json.dumps([{c: d.get(c) for c in columns} for d in data], indent=2))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for d in data:
        table.add_row(*(str(d[c]) if d.get(c) is not None else "" for c in columns))
    console.print(table)
