"""Documentation stays true: every command is documented; CI runs the README's test command."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from joinedup.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def _command_paths() -> list[str]:
    paths = []
    for name, (target, _help) in sorted(COMMANDS.items()):
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        if isinstance(command, click.Group):
            paths.extend(f"joinedup {name} {sub}" for sub in sorted(command.commands))
        else:
            paths.append(f"joinedup {name}")
    return paths


@pytest.mark.parametrize("path", _command_paths())
def test_every_command_is_in_the_user_guide(path: str) -> None:
    guide = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    assert f"`{path}" in guide, f"{path} is not documented in docs/"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", section)
    assert len(commands) == 2, "the quick start has exactly two set-up commands"
    assert commands[0].endswith("joinedup demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_the_quick_start_then_serves_the_demo_in_a_browser() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    after = section.split("Then, to use it in a browser", 1)
    assert len(after) == 2, "the quick start says how to use the demo in a browser"
    serve = re.findall(r"```shell\n(.+?)\n```", after[1])
    assert serve == [".venv/bin/joinedup serve"]
    answer = subprocess.run(
        [sys.executable, "-m", "joinedup", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert "--host" in answer.stdout and "--port" in answer.stdout


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = (ROOT / "src" / "joinedup" / "settings.py").read_text(encoding="utf-8")
    for variable in set(re.findall(r"JOINEDUP_[A-Z_]+", source)):
        assert f"`{variable}`" in readme, f"{variable} is not in the README"
