"""``joinedup language``: check case notes for victim-blaming language (a thin wrapper)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from joinedup.app.language import check_note


def _read_bytes(path: Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from exc


def _lines(data: bytes) -> list[str | None]:
    """The notes of a file, one a line; ``None`` for a line that is not valid UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines: list[str | None] = []
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError:
            lines.append(None)
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last line does not start another note
    return lines


def _result(line: int, text: str | None, age: int | None) -> dict[str, Any]:
    if text is None:
        return {"line": line, "error": "line is not valid UTF-8 text; not checked", "flags": []}
    flags = check_note(text, child_age=age)
    return {"line": line, "text": text, "flags": flags}


def _print_table(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Language check", show_lines=True)
    for column in ("line", "phrase", "why it is harmful", "write instead"):
        table.add_column(column, overflow="fold")
    flagged = 0
    for result in results:
        if "error" in result:
            table.add_row(str(result["line"]), "-", f"[red]{result['error']}[/red]", "")
        for flag in result["flags"]:
            phrase = flag["phrase"] + (" (negated)" if flag["negated"] else "")
            table.add_row(str(result["line"]), phrase, flag["reason"], flag["suggestion"])
        flagged += bool(result["flags"])
    if any(r["flags"] or "error" in r for r in results):
        console.print(table)
    console.print(f"{flagged} of {len(results)} note(s) flagged.")


@click.group()
def language() -> None:
    """Check case notes for victim-blaming language."""


@language.command("check")
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file with one note per line (UTF-8); '-' reads standard input.",
)
@click.option("--age", type=click.IntRange(0, 25), help="The child's age in years, if known.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per note.")
def check_command(text: str | None, file: Path | None, age: int | None, as_json: bool) -> None:
    """Flag victim-blaming phrases in TEXT or in each line of --file, with reasons."""
    if (text is None) == (file is None):
        raise click.UsageError("give either TEXT or --file, not both or neither")
    lines = _lines(_read_bytes(file)) if file is not None else [text]
    results = [_result(i, line, age) for i, line in enumerate(lines, start=1)]
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_table(results)
