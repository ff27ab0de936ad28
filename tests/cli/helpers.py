"""Running ``joinedup`` as a user does: with its own store, home and environment.

By default a command runs in the test's own process (click's runner, with the environment,
umask, exit code, standard output and standard error of a real run, the process's engines
disposed and its log handlers restored afterwards): a new interpreter costs 1.4 s of imports
per command, and the suite runs several hundred. ``subprocess=True`` (or
``JOINEDUP_TEST_SUBPROCESS=1`` for the whole run) runs ``python -m joinedup`` as a child
process, as the tests that kill, time or read the real entry point do.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

from click.testing import CliRunner

from joinedup.app.runtime import dispose_engines
from joinedup.cli.main import cli

ALWAYS_SUBPROCESS = os.environ.get("JOINEDUP_TEST_SUBPROCESS") == "1"


def cli_env(db_url: str, home: Path) -> dict[str, str]:
    """The environment of a CLI run against ``db_url`` with keys and checkpoints in ``home``."""
    return {
        **os.environ,
        "JOINEDUP_DATABASE_URL": db_url,
        "JOINEDUP_HOME": str(home),
        "COLUMNS": "200",
    }


def run_cli(
    env: dict[str, str],
    *args: str,
    ok: bool = True,
    timeout: int = 600,
    subprocess_: bool = False,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``joinedup ARGS`` with ``env``; with ``ok`` a non-zero exit fails the test with its
    output. ``timeout`` bounds a child process only."""
    if subprocess_ or ALWAYS_SUBPROCESS:
        proc = subprocess.run(
            [sys.executable, "-m", "joinedup", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
        )
    else:
        proc = _in_process(env, list(args), stdin)
    if ok and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def _in_process(
    env: dict[str, str], args: list[str], stdin: str | None
) -> subprocess.CompletedProcess[str]:
    """One command in this process, as :func:`joinedup.cli.main.main` runs it."""
    changes: dict[str, str | None] = {k: env.get(k) for k in set(os.environ) | set(env)}
    loggers = {name: list(logging.getLogger(name).handlers) for name in _our_loggers()}
    mask = os.umask(0o077)
    try:
        result = CliRunner(env=changes).invoke(
            cli, args, input=stdin, prog_name="joinedup", catch_exceptions=True
        )
    finally:
        os.umask(mask)
        dispose_engines()
        for name in _our_loggers():
            logger = logging.getLogger(name)
            for handler in [h for h in logger.handlers if h not in loggers.get(name, [])]:
                logger.removeHandler(handler)
                handler.close()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        info = result.exc_info
        assert info is not None
        stderr += "".join(traceback.format_exception(*info))
    return subprocess.CompletedProcess(["joinedup", *args], result.exit_code, result.stdout, stderr)


def _our_loggers() -> list[str]:
    return [
        name
        for name in logging.root.manager.loggerDict
        if name == "joinedup" or name.startswith("joinedup.")
    ]
