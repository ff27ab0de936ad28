"""This test run's token and the PostgreSQL demonstration database named by it: set by the
controlling process (tests/conftest.py) before the xdist workers start, so every worker
shares one demonstration store per backend (tests/web/demo_site.py), dropped at the end."""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.cli.helpers import cli_env, run_cli

RUN_VARIABLE = "JOINEDUP_TEST_RUN"
DEMO_OUTPUT = "demo.out"  # what ``joinedup demo`` printed, beside the store it built


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


def _admin_url() -> str:
    from tests.conftest import PG_ADMIN_URL  # tests.conftest imports this module

    return PG_ADMIN_URL


def pg_url(name: str) -> str:
    """The PostgreSQL URL of database ``name`` on the test server."""
    return make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)


def pg_execute(statement: str) -> None:
    """Run ``statement`` on the test server outside a transaction (CREATE/DROP DATABASE)."""
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def built_demo(backend: str) -> tuple[str, Path]:
    """The run's demonstration store on ``backend`` (built by the first worker to ask)."""
    shared = shared_dir()
    home = shared / backend / "home"
    with open(shared / f"{backend}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        url = (
            f"sqlite:///{shared / backend / 'joinedup.db'}"
            if backend == "sqlite"
            else pg_url(demo_database())
        )
        if not (shared / f"{backend}.done").exists():
            shutil.rmtree(shared / backend, ignore_errors=True)
            home.mkdir(parents=True)
            if backend == "postgresql":
                pg_execute(f'DROP DATABASE IF EXISTS "{demo_database()}" WITH (FORCE)')
                pg_execute(f'CREATE DATABASE "{demo_database()}"')
            shown = run_cli(cli_env(url, home), "demo", timeout=900)
            (shared / backend / DEMO_OUTPUT).write_text(shown.stdout, encoding="utf-8")
            (shared / f"{backend}.done").write_text(url)
    return url, home


def demo_output(backend: str) -> str:
    """What ``joinedup demo`` printed when it built the run's store on ``backend``."""
    built_demo(backend)
    return (shared_dir() / backend / DEMO_OUTPUT).read_text(encoding="utf-8")


def copy_demo(backend: str, into: Path) -> tuple[str, Path]:
    """A private copy of the demonstration store (database and home folder) under ``into``:
    a copied SQLite file, or ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL."""
    url, home = built_demo(backend)
    shutil.copytree(home, into / "home")
    if backend == "sqlite":
        source = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy2(f"{source}{suffix}", into / f"joinedup.db{suffix}")
        return f"sqlite:///{into / 'joinedup.db'}", into / "home"
    name = f"joinedup_site_{secrets.token_hex(5)}"
    pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo_database()}"')
    return pg_url(name), into / "home"
