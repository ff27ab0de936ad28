"""``joinedup intel``: submit a concern or sighting, see and acknowledge what was routed to your
agency, follow your own submission, route and escalate (the pipeline)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO, Any

import click
from rich.table import Table

from joinedup.app import intelligence as uc
from joinedup.app.context import Caller
from joinedup.app.intelligence import (
    MAX_SUMMARY_CHARS,
    URGENCIES,
    grading_in_words,
    submission_dict,
)
from joinedup.cli.common import acting, console, show_language

MAX_FILE_BYTES = 4 * MAX_SUMMARY_CHARS  # a summary of characters of up to 4 bytes each


@click.group()
def intel() -> None:
    """Intelligence: every submission is routed, must be acknowledged, and escalates if not."""


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _state(route: Any, now: datetime) -> str:
    if route.acknowledged_at is not None:
        return f"acknowledged {_when(route.acknowledged_at)}"
    if route.acknowledge_by < now or route.escalation_level > 0:
        return f"OVERDUE since {_when(route.acknowledge_by)}"
    return f"awaiting, due {_when(route.acknowledge_by)}"


def _summary_text(summary: str | None, summary_file: IO[bytes] | None) -> str:
    if (summary is None) == (summary_file is None):
        raise click.UsageError("give the concern with --summary TEXT or --summary-file PATH")
    if summary is not None:
        return summary
    assert summary_file is not None
    name = getattr(summary_file, "name", "the summary file")
    data = summary_file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise click.BadParameter(
            f"{name} is larger than {MAX_FILE_BYTES:,} bytes: a summary is at most "
            f"{MAX_SUMMARY_CHARS:,} characters",
            param_hint="--summary-file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(
            f"{name} is not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "save it as UTF-8 and submit again",
            param_hint="--summary-file",
        ) from None


@intel.command("submit")
@click.option("--summary", default=None, help="What was seen, or the concern, in your words.")
@click.option(
    "--summary-file",
    type=click.File("rb"),
    default=None,
    help="Read the summary from a file ('-' for standard input).",
)
@click.option("--urgency", type=click.Choice(list(URGENCIES)), default="routine", show_default=True)
@click.option("--about", "about", multiple=True, help="A person id it is about (repeatable).")
@click.option("--vrm", "vrms", multiple=True, help="A vehicle registration mark (repeatable).")
@click.option(
    "--grading",
    default=None,
    metavar="S-I-H",
    help="Police only: the 3x5x2 grading, source 1-3, intelligence A-E, handling P or C "
    "(e.g. 2-B-P).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the submission and its routes.")
@acting("safeguarding")
def submit_cmd(
    summary: str | None,
    summary_file: IO[bytes] | None,
    urgency: str,
    about: Sequence[str],
    vrms: Sequence[str],
    grading: str | None,
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Submit a concern or sighting; it is routed at once to every agency that must hear it."""
    text = _summary_text(summary, summary_file)
    done = uc.submit_concern(
        Caller(actor, purpose), text, urgency=urgency, about=about, vrms=vrms, grading=grading
    )
    sub, routes = done.submission, done.routes
    if done.not_routed is not None:
        show_language(done.language)
        raise click.ClickException(
            f"submission {sub.id} was saved but NOT routed: {done.not_routed} (the pipeline's "
            "`joinedup intel escalate` lists it until it is routed)"
        )
    if as_json:
        out = {
            "submission": submission_dict(sub),
            "routes": [r.to_dict() for r in routes],
            "language": [f.to_dict() for f in done.language],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    graded = f", graded {sub.grading}" if sub.grading else ""
    console.print(f"submitted {sub.id} ({sub.urgency}{graded}); routed to {len(routes)} agencies:")
    table = Table()
    for column in ("agency", "acknowledge by", "why"):
        table.add_column(column)
    for r in routes:
        table.add_row(r.agency, _when(r.route.acknowledge_by), r.route.reason)
    console.print(table)
    console.print(f"follow it with: joinedup intel status {sub.id}", highlight=False)
    show_language(done.language)


@intel.command("list")
@click.option("--unacknowledged", is_flag=True, help="Only routes not yet acknowledged.")
@click.option("--escalated", is_flag=True, help="Only routes that have escalated.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def list_cmd(
    unacknowledged: bool, escalated: bool, limit: int, as_json: bool, actor: str, purpose: str
) -> None:
    """Intelligence routed to your agency: most pressing first."""
    now = datetime.now(UTC)
    views = uc.routed_to_me(
        Caller(actor, purpose), unacknowledged=unacknowledged, escalated=escalated, limit=limit
    )
    if as_json:
        click.echo(json.dumps([v.to_dict() for v in views], indent=2))
        return
    table = Table(title="Intelligence routed to your agency")
    table.add_column("route", no_wrap=True)
    for column in ("from", "urgency", "received", "status", "level"):
        table.add_column(column)
    for v in views:
        r = v.route
        table.add_row(
            r.id,
            v.from_agency,
            r.urgency,
            _when(r.created_at),
            _state(r, now),
            str(r.escalation_level),
        )
    console.print(table)


@intel.command("show")
@click.argument("route_id")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def show_cmd(route_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """One route routed to your agency, with the submitted text."""
    view, text = uc.read_route(Caller(actor, purpose), route_id)
    route = view.route
    if as_json:
        click.echo(json.dumps({**view.to_dict(), "summary": text}, indent=2))
        return
    lines = [
        f"route {route.id} of submission {route.submission_id}",
        f"from: {view.from_agency}",
        f"to: {view.agency}",
        f"urgency: {route.urgency}   received: {_when(route.created_at)}",
        f"status: {_state(route, datetime.now(UTC))}   escalation level: {route.escalation_level}",
        f"why you received it: {route.reason}",
    ]
    if route.grading:
        lines.append(f"grading: {route.grading} ({'; '.join(grading_in_words(route.grading))})")
    if route.note:
        lines.append(f"acknowledgement note: {route.note}")
    for line in [*lines, "", text]:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@intel.command("acknowledge")
@click.argument("route_id")
@click.option("--note", default=None, help="What your agency is doing with it (500 characters).")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def acknowledge_cmd(
    route_id: str, note: str | None, as_json: bool, actor: str, purpose: str
) -> None:
    """Acknowledge intelligence routed to your agency (the referrer sees that it was read)."""
    done = uc.acknowledge_route(Caller(actor, purpose), route_id, note)
    if as_json:
        click.echo(json.dumps(done.as_dict({"summary"}), indent=2, ensure_ascii=False))
        return
    console.print(f"acknowledged {route_id} at {_when(done.item.acknowledged_at)}")
    show_language(done.language)


@intel.command("status")
@click.argument("submission_id")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def status_cmd(submission_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """Your submission: each recipient agency, acknowledged (when, by whom) or overdue."""
    now = datetime.now(UTC)
    sub, routes = uc.submission_status(Caller(actor, purpose), submission_id)
    if as_json:
        rows = [
            {
                **v.to_dict(),
                "acknowledged_by_name": v.acknowledged_by if v.route.acknowledged_by else None,
            }
            for v in routes
        ]
        out = {"submission": submission_dict(sub), "routes": rows}
        click.echo(json.dumps(out, indent=2))
        return
    console.print(f"submission {sub.id} ({sub.urgency}), submitted {_when(sub.created_at)}")
    if not routes:
        console.print(
            "not routed yet: no recipient agency matched; the pipeline's `joinedup intel "
            "escalate` lists it until `joinedup intel route` routes it",
            highlight=False,
        )
        return
    table = Table()
    for column in ("agency", "status", "by", "level"):
        table.add_column(column)
    for v in routes:
        table.add_row(
            v.agency, _state(v.route, now), v.acknowledged_by or "", str(v.route.escalation_level)
        )
    console.print(table)


@intel.command("mine")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def mine_cmd(limit: int, as_json: bool, actor: str, purpose: str) -> None:
    """Your own submissions, newest first: how many recipients acknowledged, how many overdue."""
    now = datetime.now(UTC)
    found = uc.my_submissions(Caller(actor, purpose), limit=limit)
    if as_json:
        out = [
            {
                **submission_dict(sub),
                "routes": [r.model_dump(mode="json", exclude={"summary"}) for r in routes],
            }
            for sub, routes in found
        ]
        click.echo(json.dumps(out, indent=2))
        return
    table = Table(title="Your submissions")
    table.add_column("submission", no_wrap=True)
    for column in ("submitted", "urgency", "recipients", "acknowledged", "overdue"):
        table.add_column(column)
    for sub, routes in found:
        late = [r for r in routes if r.acknowledged_at is None and "OVERDUE" in _state(r, now)]
        table.add_row(
            sub.id,
            _when(sub.created_at),
            sub.urgency,
            str(len(routes)) if routes else "NOT ROUTED",
            str(sum(r.acknowledged_at is not None for r in routes)),
            str(len(late)),
        )
    console.print(table)


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an ISO date and time", param_hint="--now"
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


@intel.command("route")
@click.argument("submission_id")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding", service_default=True)
def route_cmd(submission_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """Route a submission (again): agencies that already hold a route get nothing new."""
    views = uc.route_submission(Caller(actor, purpose), submission_id)
    if as_json:
        click.echo(json.dumps([v.to_dict() for v in views], indent=2))
        return
    for v in views:
        console.print(f"{v.agency}: {v.route.id}, due {_when(v.route.acknowledge_by)}")


@intel.command("escalate")
@click.option("--now", "now_text", default=None, help="Escalate as at this ISO time (UTC).")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding", service_default=True)
def escalate_cmd(now_text: str | None, as_json: bool, actor: str, purpose: str) -> None:
    """Escalate every route left unacknowledged past its deadline (run by the pipeline)."""
    report = uc.escalate_overdue(Caller(actor, purpose), _at(now_text))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    raised = sum(report["escalated"].values())
    console.print(f"escalated {raised} route(s) as at {report['now']}")
    for level, count in report["overdue"].items():
        console.print(f"  overdue at level {level}: {count}")
    console.print(
        f"  submissions newly acknowledged: {report['submissions_acknowledged']}, "
        f"newly escalated: {report['submissions_escalated']}"
    )
    for sub_id in report["unrouted"]:
        console.print(f"  NOT ROUTED: submission {sub_id}", style="red", highlight=False)
