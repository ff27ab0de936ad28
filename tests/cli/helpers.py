"""Running ``joinedup`` as a user does: a subprocess with its own store and home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli_env(db_url: str, home: Path) -> dict[str, str]:
    """The environment of a CLI run against ``db_url`` with keys and checkpoints in ``home``."""
    return {
        **os.environ,
        "JOINEDUP_DATABASE_URL": db_url,
        "JOINEDUP_HOME": str(home),
        "COLUMNS": "200",
    }


def run_cli(
    env: dict[str, str], *args: str, ok: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m joinedup ARGS``; with ``ok`` a non-zero exit fails the test with its output."""
    proc = subprocess.run(
        [sys.executable, "-m", "joinedup", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if ok and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc
