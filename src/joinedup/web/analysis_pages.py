"""The analyst in the browser (issue 17): the problem profile, the network explorer and the
estimate, each run in the background and kept for its author; the network exported as
GraphML or i2 to a named recipient, logged as a disclosure like ``joinedup export graph``."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app import analysis
from joinedup.app.analysis_runs import Run, find_run, runs_of
from joinedup.common.errors import InputError
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.estimate_view import estimate_context
from joinedup.web.state import state
from joinedup.web.work_pages import page

router = APIRouter()

TITLES = {
    "profile": "Problem profile",
    "network": "Network explorer",
    "estimate": "How many victims: the estimate",
}
BOOTSTRAPS = (0, 200, 1000)


def _day(text: str, label: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{label} must be a date like 2024-01-31") from None


def _window(since: str, until: str, area: str) -> analysis.Window:
    return analysis.Window(_day(since, "From"), _day(until, "To"), area.strip()[:40] or None)


def _form(request: Request, me: Visitor, kind: str, error: str = "", **shown: Any) -> Response:
    runs = runs_of(me.caller, kind)
    context = {"since": "", "until": "", "area": "", **shown}
    return page(
        request,
        me,
        "analysis_form.html",
        kind=kind,
        title=TITLES[kind],
        runs=runs,
        error=error,
        bootstraps=BOOTSTRAPS,
        **context,
    )


@router.get("/analysis/profile")
def profile_form(request: Request) -> Response:
    """Choose a period and an area for a problem profile; the profiles written before."""
    return _form(request, visitor(request), "profile")


@router.get("/analysis/network")
def network_form(request: Request) -> Response:
    """Choose a period and an area for the network explorer; the networks analysed before."""
    return _form(request, visitor(request), "network")


@router.get("/analysis/estimate")
def estimate_form(request: Request) -> Response:
    """Choose the list definitions and the bootstrap for an estimate; those made before."""
    return _form(request, visitor(request), "estimate")


def _started(run: Run) -> Response:
    return RedirectResponse(f"/analysis/runs/{run.id}", status_code=303)


@router.post("/analysis/profile")
def start_profile(
    request: Request,
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    area: Annotated[str, Form()] = "",
    shared: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Start writing a profile in the background (it runs on when the browser closes)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        window = _window(since, until, area)
        return _started(analysis.start_profile(me.caller, window, shared=shared == "yes"))
    except InputError as exc:
        return _form(request, me, "profile", str(exc), since=since, until=until, area=area)


@router.post("/analysis/network")
def start_network(
    request: Request,
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    area: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Start analysing the network of a period and area in the background."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        return _started(analysis.start_network(me.caller, _window(since, until, area)))
    except InputError as exc:
        return _form(request, me, "network", str(exc), since=since, until=until, area=area)


@router.post("/analysis/estimate")
def start_estimate(
    request: Request,
    definitions: Annotated[str, Form()] = "specific",
    bootstrap: Annotated[int, Form()] = 200,
    run: Annotated[str, Form()] = "full",
    shared: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Start the estimate in the background (the CLI's ``joinedup estimate --from-db``)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if definitions not in ("specific", "broad") or bootstrap not in BOOTSTRAPS:
        return _form(request, me, "estimate", "Choose the list definitions and the bootstrap")
    options = {"method": "auto", "n_bootstrap": bootstrap, "seed": 1234}
    try:
        started = analysis.start_estimate(
            me.caller,
            options,
            definitions=definitions,
            shared=shared == "yes",
            quick=run == "quick",
        )
    except InputError as exc:
        return _form(request, me, "estimate", str(exc))
    return _started(started)


def _result_context(run: Run) -> dict[str, Any]:
    if run.kind == "estimate" and run.result is not None:
        return estimate_context(run.result)
    return {}


@router.get("/analysis/runs/{run_id}")
def run_page(request: Request, run_id: str, missing: str = "") -> Response:
    """A run: its progress while it runs (polled), then what it found."""
    me = visitor(request)
    run = find_run(me.caller, run_id)
    return page(
        request,
        me,
        f"analysis_{run.kind}.html" if run.status == "done" else "analysis_run.html",
        run=run,
        title=TITLES[run.kind],
        missing=bool(missing),
        **_result_context(run),
    )


@router.get("/analysis/runs/{run_id}/progress")
def run_progress(request: Request, run_id: str) -> Response:
    """The progress panel alone (polled by HTMX); once the run has ended, the page reloads."""
    me = visitor(request)
    run = find_run(me.caller, run_id, with_result=False)
    answer = state(request).templates.TemplateResponse(
        request, "_analysis_progress.html", {"run": run}
    )
    if run.status != "running":
        answer.headers["HX-Refresh"] = "true"
    return answer


def _export_file(fmt: Literal["graphml", "i2"], folder: Path, name: str) -> tuple[Path, str, str]:
    if fmt == "graphml":
        return folder / f"{name}.graphml", f"{name}.graphml", "application/graphml+xml"
    return folder / name, f"{name}-i2.zip", "application/zip"


@router.post("/analysis/network/export")
def export_network(
    request: Request,
    run_id: Annotated[str, Form()] = "",
    fmt: Annotated[str, Form()] = "graphml",
    recipient: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    pseudonymise: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Export the network of a run's period and area to a named recipient, for a reason:
    the disclosure is logged (``recipient (reason)``) before the file is made, as
    ``joinedup export graph`` logs it; the file comes back as a download."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    run = find_run(me.caller, run_id[:32], with_result=False)
    if fmt not in ("graphml", "i2") or not recipient.strip() or not reason.strip():
        target = f"/analysis/runs/{run.id}?missing=1#export"
        return RedirectResponse(target, status_code=303)
    window = _window(run.asked.get("since") or "", run.asked.get("until") or "", "")
    window = analysis.Window(window.since, window.until, run.asked.get("area"))
    # the audit trail's recipient holds 200 characters: both fit, as the form's limits say
    named = f"{recipient.strip()[:80]} (reason: {reason.strip()[:100]})"
    chosen: Literal["graphml", "i2"] = "graphml" if fmt == "graphml" else "i2"
    with tempfile.TemporaryDirectory(prefix="joinedup-export-") as tmp:
        out, filename, media = _export_file(chosen, Path(tmp), "network")
        done = analysis.export_network(
            me.caller, chosen, out, window, pseudonymise=pseudonymise == "yes", recipient=named
        )
        if chosen == "graphml":
            body = out.read_bytes()
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in done.files:
                    archive.write(file, file.name)
            body = buffer.getvalue()
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
