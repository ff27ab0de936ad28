"""Use cases of ``joinedup worker``: run the scheduled jobs that are due, and report status.

Jobs (each idempotent, each under its lock so that one worker runs it at a time, each run
recorded in ``job_run``):

- ``drops``: every complete drop (a folder with a ``.done`` marker) in the schedule's drop
  folders that no successful run has taken yet, oldest name first: ingest it, then link
  (incrementally), check the drop's notes and re-assess only the partitions of connected
  persons its records touch (:mod:`joinedup.safeguarding.incremental`; ``full``: everything,
  batch by batch). A run that dies part-way is not successful, so its drops are taken again
  by the next run: ingest recognises files already imported, records not yet assessed are
  found in the partition index, and after an interrupted run everything is re-assessed.
- ``escalate``: intelligence routes left unacknowledged past their deadline.
- ``chase``: panel actions past their due date.
- ``notify``: email each person with an address that there is something new to see (only
  when ``JOINEDUP_SMTP_URL`` is set; :mod:`joinedup.app.notify_email`).

Every job acts as the pipeline's service account; its work goes through the door and is
audited there.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from joinedup.app.actions import chase_actions
from joinedup.app.context import Caller, pipeline, runtime, session
from joinedup.app.ingest import import_exports
from joinedup.app.intelligence import escalate_overdue
from joinedup.app.joblog import attach, log_event, safe_detail
from joinedup.app.notify_email import email_notifications
from joinedup.app.schedule import JOBS, JobName, Schedule
from joinedup.linkage.link import LinkConfig
from joinedup.linkage.persist import run_linkage
from joinedup.model.records import QuarantinedRow
from joinedup.safeguarding.incremental import reassess, rebuild, save_index
from joinedup.safeguarding.notes import check_notes
from joinedup.store.jobs import LastRun, completed_drops, finish_run, job_lock, last_runs, start_run

MARKER = ".done"

__all__ = ["JobResult", "Status", "complete_drops", "run_due", "status"]


@dataclass(frozen=True)
class JobResult:
    """What one job did in this pass: ran (ok or failed), skipped (not due, or another worker
    holds it)."""

    job: str
    outcome: str  # ok, failed, not due, locked, disabled
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def complete_drops(folders: tuple[Path, ...]) -> list[Path]:
    """Every folder under ``folders`` holding a ``.done`` marker, in name order."""
    found: set[Path] = set()
    for root in folders:
        for marker in root.rglob(MARKER):
            if marker.is_file():
                found.add(marker.parent.resolve())
    return sorted(found, key=lambda p: (str(p.relative_to(p.anchor)), str(p)))


def waiting_drops(folders: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """(complete drops not yet taken, folders with files but no marker yet)."""
    taken = completed_drops(runtime().engine)
    complete = [d for d in complete_drops(folders) if str(d) not in taken]
    incomplete = sorted(
        {
            p.parent.resolve()
            for root in folders
            for p in root.rglob("*")
            if p.is_file() and not (p.parent / MARKER).exists()
        }
    )
    return complete, incomplete


def _drops(
    who: Caller, schedule: Schedule, as_of: date | None, full: bool = False
) -> dict[str, Any]:
    drops, _ = waiting_drops(schedule.drop_folders)
    detail: dict[str, Any] = {"drops": [str(d) for d in drops], "files": 0, "rows_read": 0}
    if not drops:
        if full:  # the sweep: everything re-assessed as of today
            detail.update(_assess(who, set(), as_of, full))
        return detail
    started = time.perf_counter()
    imported = import_exports(who, drops, check_language=False)
    stages = {"ingest": round(time.perf_counter() - started, 2)}
    accepted = sum(r.accepted for r in imported.reports)
    detail.update(
        files=len(imported.reports),
        rows_read=sum(r.rows_read for r in imported.reports),
        accepted=accepted,
        quarantined=sum(r.quarantined for r in imported.reports),
        unreadable=list(imported.unreadable),
    )
    fresh = [r for r in imported.reports if r.status == "imported"]
    if not fresh and not accepted:
        return detail
    with session(who) as opened:
        linked = run_linkage(opened, LinkConfig())
    changed = linked.moved  # as changed_records(before, after) would find, without two scans
    stages["link"] = round(time.perf_counter() - started - sum(stages.values()), 2)
    batches = sorted({r.batch_id for r in imported.reports if r.batch_id})
    with session(who) as opened:
        notes = check_notes(opened, batch_ids=batches) if not full else check_notes(opened)
    stages["notes"] = round(time.perf_counter() - started - sum(stages.values()), 2)
    detail.update(persons=linked.persons, notes_flagged=notes.flagged_notes, stage_seconds=stages)
    detail.update(_assess(who, changed, as_of, full))
    return detail


def _assess(who: Caller, changed: set[str], as_of: date | None, full: bool) -> dict[str, Any]:
    """Re-assess what the drop touched (``full``: everything, partition batch by batch)."""
    engine = runtime().engine
    if full:
        with session(who) as opened:
            report = rebuild(opened, as_of=as_of)
        save_index(engine, report)
    else:
        report = reassess(lambda: session(who), engine, changed=changed, as_of=as_of)
    out = report.to_dict()
    return {
        "assessment": out.pop("mode"),
        "records_assessed": out.pop("records"),
        "assess_seconds": out.pop("seconds"),
        **{k: v for k, v in out.items() if k != "as_of"},
    }


def _run_job(
    name: JobName, schedule: Schedule, as_of: date | None, full: bool = False
) -> dict[str, Any]:
    if name == "drops":
        return _drops(pipeline("data_ingest"), schedule, as_of, full)
    if name == "escalate":
        now = datetime.combine(as_of, datetime.min.time(), UTC) if as_of else None
        return escalate_overdue(pipeline("safeguarding"), now)
    if name == "notify":
        return email_notifications(pipeline("safeguarding"), as_of)
    return chase_actions(pipeline("panel"), as_of).to_dict()


def _due(last: LastRun | None, every: timedelta, now: datetime) -> bool:
    if last is None or last.status in ("running", "interrupted", "failed"):
        return True
    return last.started_at + every <= now


def run_due(
    schedule: Schedule,
    *,
    as_of: date | None = None,
    force: bool = False,
    full: bool = False,
    say: Callable[[JobResult], None] = lambda result: None,
) -> list[JobResult]:
    """Run every job that is due (``force``: every enabled job), each under its lock; a job
    that fails is recorded with its error and the others still run.

    The drops job re-assesses only what its drops touched; ``full`` (or after a drops run
    that was interrupted) re-assesses everything, partition batch by batch. Each job's
    outcome is logged as a JSON line (:mod:`joinedup.app.joblog`)."""
    rt = runtime()
    attach(rt.settings.home / "logs")
    now = datetime.now(UTC)
    last = last_runs(rt.engine)
    previous = last.get("drops")
    full = full or (previous is not None and previous.status in ("running", "interrupted"))
    results = []
    for name in JOBS:
        job = schedule.job(name)
        if not job.enabled:
            result = JobResult(name, "disabled")
        elif not force and not _due(last.get(name), job.interval, now):
            result = JobResult(name, "not due")
        else:
            result = _locked_run(name, schedule, as_of, rt.settings.home / "locks", full)
        results.append(result)
        say(result)
    return results


def _locked_run(
    name: JobName, schedule: Schedule, as_of: date | None, locks: Path, full: bool = False
) -> JobResult:
    rt = runtime()
    with job_lock(rt.engine, name, locks) as taken:
        if not taken:
            log_event("job", job=name, outcome="locked")
            return JobResult(name, "locked")
        run_id = start_run(rt.engine, name)
        started = time.perf_counter()
        log_event("job started", job=name, run=run_id, as_of=as_of)
        try:
            detail = _run_job(name, schedule, as_of, full)
        except Exception as exc:  # recorded, then the next job runs
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            finish_run(rt.engine, run_id, {}, error)
            seconds = round(time.perf_counter() - started, 2)
            log_event(
                "job",
                "error",
                job=name,
                run=run_id,
                outcome="failed",
                seconds=seconds,
                error=type(exc).__name__,
            )
            return JobResult(name, "failed", error=error)
        finish_run(rt.engine, run_id, detail)
        seconds = round(time.perf_counter() - started, 2)
        log_event("job", job=name, run=run_id, outcome="ok", seconds=seconds, **safe_detail(detail))
        return JobResult(name, "ok", detail)


@dataclass(frozen=True)
class Status:
    """The worker's state for operators: last run of each job, drops waiting, quarantine."""

    last: dict[str, LastRun]
    waiting: list[str]
    incomplete: list[str]
    quarantined_open: int


def status(schedule: Schedule) -> Status:
    """What an operator checks: each job's last run, drops waiting and half-written ones,
    and quarantined rows not yet dealt with."""
    rt = runtime()
    complete, incomplete = waiting_drops(schedule.drop_folders)
    with session(pipeline("data_ingest"), rt) as opened:
        open_rows = sum(
            len(chunk)
            for chunk in opened.scan(QuarantinedRow, ["status"], where={"status": "open"})
        )
    return Status(
        last_runs(rt.engine), [str(d) for d in complete], [str(d) for d in incomplete], open_rows
    )
