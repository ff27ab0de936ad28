"""This test run's token and the PostgreSQL demonstration database named by it: set by the
controlling process (tests/conftest.py) before the xdist workers start, so every worker
shares one demonstration store per backend (tests/web/demo_site.py), dropped at the end."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

RUN_VARIABLE = "JOINEDUP_TEST_RUN"


def run_token() -> str:
    """This test run's token (the same in every xdist worker)."""
    return os.environ.setdefault(RUN_VARIABLE, secrets.token_hex(4))


def shared_dir() -> Path:
    """The folder the workers share for this run's demonstration stores."""
    path = Path(tempfile.gettempdir()) / f"joinedup-demo-{run_token()}"
    path.mkdir(exist_ok=True)
    return path


def demo_database() -> str:
    """The name of this run's PostgreSQL demonstration database (the template)."""
    return f"joinedup_demo_{run_token()}"


def end_run(drop_database: object) -> None:
    """Remove the run's shared folder and drop its demonstration database
    (``drop_database(name)``), when the run made them."""
    if RUN_VARIABLE not in os.environ:
        return
    shutil.rmtree(Path(tempfile.gettempdir()) / f"joinedup-demo-{run_token()}", ignore_errors=True)
    if callable(drop_database):
        drop_database(demo_database())
