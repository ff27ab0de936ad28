"""``joinedup intel``: submit a concern or sighting, see and acknowledge what was routed to your
agency, follow your own submission, route and escalate (the pipeline)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO, Any

import click
from rich.table import Table

from joinedup.cli.common import acting, console, runtime, show_language
from joinedup.model.organisation import Agency
from joinedup.model.safeguarding import IntelligenceRoute
from joinedup.panel.intelligence import MAX_SUMMARY_CHARS
from joinedup.store.actor_session import ActorSession

URGENCIES = ["routine", "urgent", "immediate"]
MAX_FILE_BYTES = 4 * 20_000  # a summary is at most 20,000 characters of up to 4 bytes
_HIDDEN = {"summary"}  # tokens: the text is shown decrypted by `show`, never as a token


@click.group()
def intel() -> None:
    """Intelligence: every submission is routed, must be acknowledged, and escalates if not."""


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _names(session: ActorSession) -> dict[str, str]:
    return {a.id: a.name for a in session.list(Agency)}


def _state(route: IntelligenceRoute, now: datetime) -> str:
    if route.acknowledged_at is not None:
        return f"acknowledged {_when(route.acknowledged_at)}"
    if route.acknowledge_by < now or route.escalation_level > 0:
        return f"OVERDUE since {_when(route.acknowledge_by)}"
    return f"awaiting, due {_when(route.acknowledge_by)}"


def _route_json(route: IntelligenceRoute, names: dict[str, str]) -> dict[str, Any]:
    return {
        **route.model_dump(mode="json", exclude=_HIDDEN),
        "agency": names.get(route.agency_id, route.agency_id),
        "from_agency": names.get(route.from_agency_id, route.from_agency_id),
    }


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
@click.option("--urgency", type=click.Choice(URGENCIES), default="routine", show_default=True)
@click.option("--about", "about", multiple=True, help="A person id it is about (repeatable).")
@click.option("--vrm", "vrms", multiple=True, help="A vehicle registration mark (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the submission and its routes.")
@acting("safeguarding")
def submit_cmd(
    summary: str | None,
    summary_file: IO[bytes] | None,
    urgency: str,
    about: Sequence[str],
    vrms: Sequence[str],
    as_json: bool,
    actor: str,
    purpose: str,
) -> None:
    """Submit a concern or sighting; it is routed at once to every agency that must hear it."""
    from joinedup.panel.intelligence import submit
    from joinedup.panel.routing import NoRecipients, route_on_behalf

    text = _summary_text(summary, summary_file)
    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        done = submit(
            session,
            rt.cipher,
            text,
            urgency=urgency,  # type: ignore[arg-type]
            subject_person_ids=about,
            vrms=vrms,
        )
    sub = done.submission
    try:
        routed = route_on_behalf(rt.door, session, rt.cipher, sub.id)
        routes, names = routed.routes, routed.agency_names
    except (NoRecipients, ValueError, LookupError, PermissionError) as exc:
        show_language(done.language)
        raise click.ClickException(
            f"submission {sub.id} was saved but NOT routed: {exc} (the pipeline's "
            "`joinedup intel escalate` lists it until it is routed)"
        ) from exc
    if as_json:
        out = {
            "submission": sub.model_dump(mode="json", exclude=_HIDDEN),
            "routes": [_route_json(r, names) for r in routes],
            "language": [f.to_dict() for f in done.language],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    console.print(f"submitted {sub.id} ({sub.urgency}); routed to {len(routes)} agencies:")
    table = Table()
    for column in ("agency", "acknowledge by", "why"):
        table.add_column(column)
    for r in routes:
        table.add_row(names.get(r.agency_id, r.agency_id), _when(r.acknowledge_by), r.reason)
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
    from joinedup.panel.intelligence import routes_for_me

    now = datetime.now(UTC)
    with runtime().door.session(actor, purpose) as session:
        routes = routes_for_me(
            session, unacknowledged=unacknowledged, escalated=escalated, limit=limit
        )
        names = _names(session)
    if as_json:
        click.echo(json.dumps([_route_json(r, names) for r in routes], indent=2))
        return
    table = Table(title="Intelligence routed to your agency")
    table.add_column("route", no_wrap=True)
    for column in ("from", "urgency", "received", "status", "level"):
        table.add_column(column)
    for r in routes:
        table.add_row(
            r.id,
            names.get(r.from_agency_id, r.from_agency_id),
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
    from joinedup.panel.intelligence import read_route

    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        route, text = read_route(session, rt.cipher, route_id)
        names = _names(session)
    if as_json:
        click.echo(json.dumps({**_route_json(route, names), "summary": text}, indent=2))
        return
    lines = [
        f"route {route.id} of submission {route.submission_id}",
        f"from: {names.get(route.from_agency_id, route.from_agency_id)}",
        f"to: {names.get(route.agency_id, route.agency_id)}",
        f"urgency: {route.urgency}   received: {_when(route.created_at)}",
        f"status: {_state(route, datetime.now(UTC))}   escalation level: {route.escalation_level}",
        f"why you received it: {route.reason}",
    ]
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
    from joinedup.panel.intelligence import acknowledge

    with runtime().door.session(actor, purpose) as session:
        done = acknowledge(session, route_id, note)
    if as_json:
        out = {
            **done.route.model_dump(mode="json", exclude=_HIDDEN),
            "language": [f.to_dict() for f in done.language],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    console.print(f"acknowledged {route_id} at {_when(done.route.acknowledged_at)}")
    show_language(done.language)


@intel.command("status")
@click.argument("submission_id")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def status_cmd(submission_id: str, as_json: bool, actor: str, purpose: str) -> None:
    """Your submission: each recipient agency, acknowledged (when, by whom) or overdue."""
    from joinedup.panel.intelligence import submission_status

    now = datetime.now(UTC)
    with runtime().door.session(actor, purpose) as session:
        sub, routes = submission_status(session, submission_id)
        names = _names(session)
        people = session.colleagues(r.acknowledged_by for r in routes if r.acknowledged_by)
    who = {i: f"{a.username}" for i, a in people.items()}
    if as_json:
        rows = [
            {**_route_json(r, names), "acknowledged_by_name": who.get(r.acknowledged_by or "")}
            for r in routes
        ]
        out = {"submission": sub.model_dump(mode="json", exclude=_HIDDEN), "routes": rows}
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
    for r in routes:
        by = who.get(r.acknowledged_by or "", r.acknowledged_by or "")
        table.add_row(
            names.get(r.agency_id, r.agency_id), _state(r, now), by, str(r.escalation_level)
        )
    console.print(table)


@intel.command("mine")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding")
def mine_cmd(limit: int, as_json: bool, actor: str, purpose: str) -> None:
    """Your own submissions, newest first: how many recipients acknowledged, how many overdue."""
    from joinedup.panel.intelligence import my_submissions

    now = datetime.now(UTC)
    with runtime().door.session(actor, purpose) as session:
        found = my_submissions(session, limit=limit)
    if as_json:
        out = [
            {
                **sub.model_dump(mode="json", exclude=_HIDDEN),
                "routes": [r.model_dump(mode="json", exclude=_HIDDEN) for r in routes],
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
    from joinedup.panel.routing import route

    rt = runtime()
    with rt.door.session(actor, purpose) as session:
        routes = route(session, rt.cipher, submission_id)
        names = _names(session)
    if as_json:
        click.echo(json.dumps([_route_json(r, names) for r in routes], indent=2))
        return
    for r in routes:
        console.print(
            f"{names.get(r.agency_id, r.agency_id)}: {r.id}, due {_when(r.acknowledge_by)}"
        )


@intel.command("escalate")
@click.option("--now", "now_text", default=None, help="Escalate as at this ISO time (UTC).")
@click.option("--json", "as_json", is_flag=True)
@acting("safeguarding", service_default=True)
def escalate_cmd(now_text: str | None, as_json: bool, actor: str, purpose: str) -> None:
    """Escalate every route left unacknowledged past its deadline (run by the pipeline)."""
    from joinedup.panel.intelligence import escalate

    with runtime().door.session(actor, purpose) as session:
        report = escalate(session, now=_at(now_text)).to_dict()
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
