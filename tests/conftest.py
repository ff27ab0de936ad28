"""Shared fixtures: a fresh store per test on SQLite and, where available, PostgreSQL.

PostgreSQL is reached at ``JOINEDUP_TEST_POSTGRES_URL`` (default: the postgres database at
127.0.0.1:5432 as user postgres, trust auth). Each test gets a new database, dropped after.
When the server cannot be reached the PostgreSQL variants are skipped, unless
``JOINEDUP_REQUIRE_POSTGRES=1`` (set by CI), which turns that into a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring, field_keyring_path
from joinedup.common.files import write_private
from joinedup.model.access import Grant, User
from joinedup.model.base import utcnow
from joinedup.safeguarding.entry import check_entry
from joinedup.store import migrate
from joinedup.store.door import Door
from joinedup.store.engine import make_engine
from joinedup.store.hooks import SessionHooks
from tests.web.demo_run import end_run, run_token

PG_ADMIN_URL = os.environ.get(
    "JOINEDUP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# a purpose each role may act for (tests that open sessions for every role use these)
PURPOSE = {
    "analyst": "analysis",
    "social_worker": "safeguarding",
    "panel_chair": "panel",
    "referrer": "safeguarding",
    "auditor": "audit",
    "admin": "administration",
    "pipeline": "data_ingest",
}


def installed_hooks(home: Path | None = None) -> SessionHooks:
    """What the composition root installs: the language check and a field cipher of a fresh
    keyring (written to ``home``'s key file when given, so commands run on that home use it:
    decisions, actions and agenda items hold encrypted fields)."""
    ring = Keyring(active="k1", keys={"k1": secrets.token_bytes(32)})
    if home is not None:
        write_private(field_keyring_path(home), ring.to_json())
    index_key = secrets.token_bytes(32)
    return SessionHooks(
        check_text=check_entry, field_crypto=FieldCipher(ring), linkage_key=lambda: index_key
    )


REQUIRE_PG = os.environ.get("JOINEDUP_REQUIRE_POSTGRES") == "1"
_pg_state: dict[str, str | None] = {}


def _postgres_problem() -> str | None:
    if "problem" not in _pg_state:
        try:
            engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_state["problem"] = None
        except Exception as exc:
            _pg_state["problem"] = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"
    return _pg_state["problem"]


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process names the run (shared by the xdist workers it starts)."""
    if not hasattr(config, "workerinput"):
        run_token()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controlling process drops the run's demonstration store (tests/web/demo_site.py)."""
    if not hasattr(session.config, "workerinput"):
        end_run(_drop_database if _postgres_problem() is None else None)


def _drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _sqlite_only(request: pytest.FixtureRequest) -> None:
    """Skip the PostgreSQL variant of a test marked ``sqlite_only(reason)``."""
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None and request.param == "postgresql":
        pytest.skip(marker.args[0] if marker.args else "runs on SQLite only")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend's name, PostgreSQL's skipped (or failed, in CI) when it is unreachable,
    or when the test is marked ``sqlite_only(reason)`` (before any database is made)."""
    _sqlite_only(request)
    if request.param == "postgresql" and (problem := _postgres_problem()):
        if REQUIRE_PG:
            pytest.fail(problem)
        pytest.skip(problem)
    return str(request.param)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database on each backend."""
    _sqlite_only(request)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    problem = _postgres_problem()
    if problem:
        if REQUIRE_PG:
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"joinedup_test_{secrets.token_hex(6)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Store:
    """An initialised store with an administrator, ready for tests."""

    url: str
    engine: Engine
    door: Door
    key: bytes
    home: Path
    agencies: dict[str, str] = field(default_factory=dict)

    @property
    def cipher(self) -> FieldCipher:
        """The field cipher installed in the door."""
        crypto = self.door.hooks.field_crypto
        assert isinstance(crypto, FieldCipher)
        return crypto

    def agency(self, name: str, kind: str = "police") -> str:
        """Create (once) an agency; returns its id."""
        if name not in self.agencies:
            with self.door.session("admin", "administration") as s:
                self.agencies[name] = directory.add_agency(s, name, kind).id
        return self.agencies[name]

    def user(self, username: str, agency: str, role: str) -> str:
        """Create a user in ``agency`` (created if needed); returns the user id."""
        self.agency(agency)
        with self.door.session("admin", "administration") as s:
            return directory.add_user(s, username, agency, role).id

    def grant(
        self,
        username: str,
        agency: str,
        purpose: str,
        *,
        until: datetime | None = None,
        case_id: str | None = None,
    ) -> Grant:
        """A live grant: requested by the administrator, approved by ``agency``'s data
        protection officer (``dpo-<agency>``, created if needed)."""
        until = until or utcnow() + timedelta(days=1)
        with self.door.session("admin", "administration") as s:
            requested = directory.add_grant(s, username, agency, purpose, "test", until, case_id)
            approver = f"dpo-{agency.lower().replace(' ', '-')}"
            known = bool(s.list(User, where={"username": approver}))
        if not known:
            self.user(approver, agency, "auditor")
        with self.door.session(approver, "audit") as s:
            return directory.decide_grant(s, requested.id, True, "agreed for the test")


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Per test process, a database migrated to the newest schema on each backend, made on
    first use: the template every :func:`store` is copied from (a file copy on SQLite,
    ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so that a test's store costs a copy
    rather than the 18 migrations (about 0.5 s on SQLite, more on PostgreSQL)."""
    made: dict[str, str] = {}
    yield made
    if "postgresql" in made:
        _drop_database(made["postgresql"])


def _template(made: dict[str, str], backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend not in made:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("template") / "store.db"
            url = f"sqlite:///{path}"
            name = str(path)
        else:
            name = f"joinedup_template_{run_token()}_{secrets.token_hex(4)}"
            _create_database(name)
            url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        made[backend] = name
    return made[backend]


def _create_database(name: str, template: str | None = None) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        admin.dispose()


@pytest.fixture
def store_url(
    backend: str,
    tmp_path: Path,
    migrated: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A URL of a database migrated to the newest schema and otherwise empty, on each
    backend (a copy of this process's template; dropped after on PostgreSQL)."""
    template = _template(migrated, backend, tmp_path_factory)
    if backend == "sqlite":
        shutil.copyfile(template, tmp_path / "store.db")
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    name = f"joinedup_test_{secrets.token_hex(6)}"
    _create_database(name, template)
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(name)


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[Store]:
    """A fresh, initialised store on each backend."""
    engine = make_engine(store_url)
    key = secrets.token_bytes(32)
    home = tmp_path / "home"
    initialise(engine, key, home / "checkpoints", admin=("admin", None))
    door = Door(engine, key, home / "checkpoints", hooks=installed_hooks(home))
    try:
        yield Store(store_url, engine, door, key, home)
    finally:
        engine.dispose()
