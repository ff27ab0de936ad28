"""The worker's bookkeeping: job runs and the lock that keeps a job to one worker at a time.

A job run is operational metadata (which job, which worker, when, how it ended, counts and
file names), written directly rather than through the door: it holds no personal data, and
the work the job does goes through the door and is audited there.

The lock: on PostgreSQL a session-level advisory lock (``pg_try_advisory_lock``) held on its
own connection for the job's duration, so several workers on several machines never run the
same job at once; on SQLite an exclusive ``flock`` on a file beside the checkpoints (one
machine). Both are released by the operating system or the server when the process dies, so
``kill -9`` leaves no stale lock; the run row left ``running`` is then marked ``interrupted``
by the next worker that takes the lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text, update

from joinedup.model.base import utcnow
from joinedup.store.tables.jobs import JobRunRow


def worker_name() -> str:
    """This worker's name in job runs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def job_lock(engine: Engine, job: str, lock_dir: Path) -> Iterator[bool]:
    """Try to take ``job``'s lock without waiting; yields whether it was taken."""
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(f"joinedup:{job}".encode()).digest()[:8], "big", signed=True
        )
        with engine.connect() as conn:
            taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            try:
                yield taken
            finally:
                if taken:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / f"{job}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except BlockingIOError:
            taken = False
        try:
            yield taken
        finally:
            if taken:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def start_run(engine: Engine, job: str, when: datetime | None = None) -> str:
    """Record that this worker starts ``job`` (call while holding its lock); runs another
    worker left ``running`` (it died holding the lock, which then went) become
    ``interrupted``. Returns the run's id."""
    now = when or utcnow()
    run_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(
            update(JobRunRow)
            .where(JobRunRow.job == job, JobRunRow.status == "running")
            .values(status="interrupted", finished_at=now)
        )
        conn.execute(
            JobRunRow.__table__.insert().values(  # type: ignore[attr-defined]
                id=run_id,
                job=job,
                worker=worker_name(),
                started_at=now,
                status="running",
                detail={},
            )
        )
    return run_id


def finish_run(
    engine: Engine, run_id: str, detail: dict[str, Any], error: str | None = None
) -> None:
    """Record how a run ended: ``ok`` with what it did, or ``failed`` with the error."""
    with engine.begin() as conn:
        conn.execute(
            update(JobRunRow)
            .where(JobRunRow.id == run_id)
            .values(
                status="failed" if error else "ok",
                finished_at=utcnow(),
                detail=detail,
                error=error[:4000] if error else None,
            )
        )


@dataclass(frozen=True)
class LastRun:
    """A job's latest run."""

    job: str
    worker: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    detail: dict[str, Any]
    error: str | None


def last_runs(engine: Engine) -> dict[str, LastRun]:
    """The latest run of every job that has run."""
    latest = (
        select(JobRunRow.job, func.max(JobRunRow.started_at).label("at"))
        .group_by(JobRunRow.job)
        .subquery()
    )
    query = select(JobRunRow).join(
        latest, (JobRunRow.job == latest.c.job) & (JobRunRow.started_at == latest.c.at)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return {
        r["job"]: LastRun(
            r["job"],
            r["worker"],
            r["started_at"],
            r["finished_at"],
            r["status"],
            r["detail"] or {},
            r["error"],
        )
        for r in rows
    }


def completed_drops(engine: Engine) -> set[str]:
    """The drops (folder paths) a successful ``drops`` run has taken."""
    with engine.connect() as conn:
        details = conn.execute(
            select(JobRunRow.detail).where(JobRunRow.job == "drops", JobRunRow.status == "ok")
        ).scalars()
        return {d for detail in details for d in (detail or {}).get("drops", [])}


def open_run(engine: Engine, job: str, detail: dict[str, Any]) -> str:
    """Record a run of ``job`` that others may run beside (an upload's import): no lock, no
    other run interrupted. Returns the run's id."""
    run_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(
            JobRunRow.__table__.insert().values(  # type: ignore[attr-defined]
                id=run_id,
                job=job,
                worker=worker_name(),
                started_at=utcnow(),
                status="running",
                detail=detail,
            )
        )
    return run_id


def note_progress(engine: Engine, run_id: str, detail: dict[str, Any]) -> None:
    """Replace a running run's detail (its progress so far)."""
    with engine.begin() as conn:
        conn.execute(
            update(JobRunRow)
            .where(JobRunRow.id == run_id, JobRunRow.status == "running")
            .values(detail=detail)
        )


def mark_interrupted(engine: Engine, run_id: str) -> None:
    """A running run whose process is gone: ``interrupted``."""
    with engine.begin() as conn:
        conn.execute(
            update(JobRunRow)
            .where(JobRunRow.id == run_id, JobRunRow.status == "running")
            .values(status="interrupted", finished_at=utcnow())
        )


def _run(r: Any) -> tuple[str, LastRun]:
    return r["id"], LastRun(
        r["job"],
        r["worker"],
        r["started_at"],
        r["finished_at"],
        r["status"],
        r["detail"] or {},
        r["error"],
    )


def runs_of(engine: Engine, job: str, limit: int = 50) -> list[tuple[str, LastRun]]:
    """The latest runs of ``job`` with their ids, newest first."""
    query = (
        select(JobRunRow)
        .where(JobRunRow.job == job)
        .order_by(JobRunRow.started_at.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [_run(r) for r in conn.execute(query).mappings().all()]


def run_by_id(engine: Engine, run_id: str) -> tuple[str, LastRun] | None:
    """One run with its id, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(JobRunRow).where(JobRunRow.id == run_id)).mappings().first()
    return _run(row) if row else None
