"""Use cases for operators: is the platform up, and the figures a monitor scrapes.

Nothing here returns personal data: job outcomes and times, counts of rows waiting, the
size of the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from joinedup.app.context import runtime
from joinedup.store.jobs import last_runs
from joinedup.store.tables.audit import AuditEventRow
from joinedup.store.tables.records import QuarantineRow

__all__ = ["Figures", "Health", "JobFigure", "figures", "health"]


@dataclass(frozen=True)
class Health:
    """Whether the store answers, and how long it took."""

    ok: bool
    database_ms: float
    problem: str | None = None


def health() -> Health:
    """One round trip to the database (no personal data read)."""
    started = datetime.now(UTC)
    try:
        with runtime().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # reported, not raised: a monitor wants an answer
        return Health(False, 0.0, type(exc).__name__)
    return Health(True, (datetime.now(UTC) - started).total_seconds() * 1000)


@dataclass(frozen=True)
class JobFigure:
    """A job's last run for a monitor."""

    job: str
    started: float  # unix time
    finished: float | None
    ok: bool
    running: bool


@dataclass(frozen=True)
class Figures:
    """What ``/metrics`` publishes."""

    jobs: list[JobFigure]
    quarantine_open: int
    audit_rows: int


def figures() -> Figures:
    """Each job's last run, quarantined rows not yet dealt with, audit chain length."""
    engine = runtime().engine
    jobs = [
        JobFigure(
            run.job,
            run.started_at.timestamp(),
            run.finished_at.timestamp() if run.finished_at else None,
            run.status == "ok",
            run.status == "running",
        )
        for run in last_runs(engine).values()
    ]
    with engine.connect() as conn:
        waiting = conn.execute(
            select(func.count()).select_from(QuarantineRow).where(QuarantineRow.status == "open")
        ).scalar_one()
        audit_rows = conn.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
    return Figures(sorted(jobs, key=lambda j: j.job), int(waiting), int(audit_rows))
