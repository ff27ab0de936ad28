"""``/healthz`` and ``/metrics`` for monitoring (no personal data in either).

``/healthz`` answers anyone (a load balancer's probe). ``/metrics`` (Prometheus text format)
answers a scraper presenting ``JOINEDUP_METRICS_TOKEN`` as a bearer token or, when no token
is set, only clients on the loopback interface.
"""

from __future__ import annotations

import hmac
import os

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from joinedup.app.operations import figures, health

router = APIRouter()
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


@router.get("/healthz", include_in_schema=False)
def healthz() -> Response:
    """200 with ``{"status": "ok"}`` when the database answers, else 503."""
    state = health()
    body = {
        "status": "ok" if state.ok else "unavailable",
        "database_ms": round(state.database_ms, 1),
    }
    return JSONResponse(body, status_code=200 if state.ok else 503)


def _may_scrape(request: Request) -> bool:
    token = os.environ.get("JOINEDUP_METRICS_TOKEN")
    if token:
        presented = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(presented.encode(), token.encode())
    return request.client is not None and request.client.host in _LOOPBACK


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """The figures of :func:`joinedup.app.operations.figures` in Prometheus text format."""
    if not _may_scrape(request):
        return Response("not found\n", status_code=404, media_type="text/plain")
    now = figures()
    registry = CollectorRegistry()
    started = Gauge(
        "joinedup_job_last_started_seconds", "Start of each job's last run (unix time).",
        ["job"], registry=registry,
    )  # fmt: skip
    finished = Gauge(
        "joinedup_job_last_finished_seconds", "End of each job's last run (unix time).",
        ["job"], registry=registry,
    )  # fmt: skip
    ok = Gauge(
        "joinedup_job_last_ok", "1 when the job's last run succeeded.", ["job"], registry=registry
    )
    running = Gauge(
        "joinedup_job_running", "1 while the job's last run is running.", ["job"], registry=registry
    )
    for job in now.jobs:
        started.labels(job.job).set(job.started)
        if job.finished is not None:
            finished.labels(job.job).set(job.finished)
        ok.labels(job.job).set(1 if job.ok else 0)
        running.labels(job.job).set(1 if job.running else 0)
    Gauge(
        "joinedup_quarantine_open_rows", "Quarantined rows not yet resubmitted or dismissed.",
        registry=registry,
    ).set(now.quarantine_open)  # fmt: skip
    Gauge("joinedup_audit_rows", "Rows in the audit chain.", registry=registry).set(now.audit_rows)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
