"""The CLI says the platform's own errors in one line and lets a bug show its traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from joinedup.cli.common import friendly_errors
from joinedup.common.errors import InputError, JoinedupError
from joinedup.store.actor_session import Forbidden


def _command(error: BaseException) -> click.Command:
    @click.command()
    @friendly_errors
    def fails() -> None:
        raise error

    return fails


@pytest.mark.parametrize(
    "error",
    [
        JoinedupError("meeting m1: already closed"),
        InputError("resolving a flag needs a reason"),
        Forbidden("you do not sit on panel 'Dunmere MASE'"),
    ],
)
def test_a_platform_error_is_one_line_and_exit_1(error: JoinedupError) -> None:
    result = CliRunner().invoke(_command(error))
    assert result.exit_code == 1
    assert result.output == f"Error: {error}\n"
    assert "Traceback" not in result.output


def test_a_multi_line_platform_error_is_joined_into_one_line() -> None:
    result = CliRunner().invoke(_command(JoinedupError("rules.yml line 3:\n  bad indent\n")))
    assert result.exit_code == 1
    assert result.output == "Error: rules.yml line 3:; bad indent\n"


def test_a_missing_named_file_is_one_line() -> None:
    result = CliRunner().invoke(_command(FileNotFoundError(2, "No such file", "notes.txt")))
    assert result.exit_code == 1
    assert result.output == "Error: no such file: notes.txt\n"


@pytest.mark.parametrize("error", [ValueError("a bug"), RuntimeError("a bug"), KeyError("k")])
def test_a_bug_is_not_hidden(error: Exception) -> None:
    result = CliRunner().invoke(_command(error))
    assert result.exit_code == 1
    assert result.exception is error  # click did not turn it into a message
