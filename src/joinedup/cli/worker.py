"""``joinedup worker`` and ``joinedup status``: the platform as a service."""

from __future__ import annotations

import contextlib
import json
import signal
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from joinedup.cli.common import console, friendly_errors

_SCHEDULE = click.option(
    "--schedule",
    "schedule_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The schedule document (default: JOINEDUP_HOME/schedule.yml; docs/operations.md).",
)


def _schedule(path: Path | None) -> Any:
    from joinedup.app.context import runtime
    from joinedup.app.schedule import load_schedule

    return load_schedule(path or runtime().settings.home / "schedule.yml")


def _say(result: Any) -> None:
    colour = {"ok": "green", "failed": "red"}.get(result.outcome, "dim")
    counts = ", ".join(f"{k} {v}" for k, v in result.detail.items() if isinstance(v, int))
    line = f"[{colour}]{result.job}: {result.outcome}[/]" + (f" ({counts})" if counts else "")
    console.print(line + (f": {result.error}" if result.error else ""))


@click.command("worker")
@_SCHEDULE
@click.option("--once", is_flag=True, help="Run what is due, then exit (for cron and tests).")
@click.option("--force", is_flag=True, help="With --once: run every enabled job, due or not.")
@click.option(
    "--full",
    is_flag=True,
    help="Re-assess everything (partition batch by batch), not only what new drops touched: "
    "the nightly sweep, or after a change of rules.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Replay: rules, deadlines and chasing take this date instead of today.",
)
@friendly_errors
def worker(
    schedule_path: Path | None, once: bool, force: bool, full: bool, as_of: datetime | None
) -> None:
    """Take agency drops, link, assess, escalate and chase on a schedule, as the service
    account, until stopped (SIGTERM or Ctrl-C)."""
    from joinedup.app.worker import run_due

    schedule = _schedule(schedule_path)
    day: date | None = as_of.date() if as_of else None
    if once:
        results = run_due(schedule, as_of=day, force=force, full=full, say=_say)
        if any(r.outcome == "failed" for r in results):
            raise SystemExit(1)
        return
    if force:
        raise click.UsageError("--force is for --once")
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="UTC")
    # every minute: each job decides from its own interval and last run whether it is due
    scheduler.add_job(
        run_due,
        "interval",
        minutes=1,
        kwargs={"schedule": schedule, "as_of": day, "full": full, "say": _say},
        next_run_time=datetime.now().astimezone(),
        max_instances=1,
        coalesce=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    console.print("worker started: checking what is due every minute (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        scheduler.start()


@click.command("status")
@_SCHEDULE
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def status(schedule_path: Path | None, as_json: bool) -> None:
    """Each job's last run, drops waiting, half-written drops, quarantined rows open."""
    from joinedup.app.worker import status as current

    now = current(_schedule(schedule_path))
    runs: dict[str, dict[str, Any]] = {
        job: {
            "status": r.status,
            "worker": r.worker,
            "started_at": r.started_at.isoformat(timespec="seconds"),
            "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
            "error": r.error,
            "detail": r.detail,
        }
        for job, r in now.last.items()
    }
    if as_json:
        out = {
            "jobs": runs,
            "drops_waiting": now.waiting,
            "drops_incomplete": now.incomplete,
            "quarantined_open": now.quarantined_open,
        }
        click.echo(json.dumps(out, indent=2))
        return
    table = Table(title="Jobs")
    for column in ("job", "last run", "status", "finished", "error"):
        table.add_column(column)
    for job, r in sorted(runs.items()):
        table.add_row(job, r["started_at"], r["status"], r["finished_at"] or "", r["error"] or "")
    console.print(table)
    console.print(
        f"drops waiting: {len(now.waiting)}; without their .done marker yet: "
        f"{len(now.incomplete)}; quarantined rows open: {now.quarantined_open:,}"
    )
