"""Intelligence received: what was routed to my agency, read it, acknowledge it (issue 17).

Every role of a recipient agency reads and acknowledges its routes (``intel.acknowledge``);
the referrer who sent the concern sees the acknowledgement on their own page at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.intelligence import AlreadyAcknowledged, acknowledge_route, read_route
from joinedup.app.intelligence import routed_to_me as routes_to_my_agency
from joinedup.web.auth import check_csrf, visitor
from joinedup.web.work_pages import page

router = APIRouter()


@router.get("/intelligence")
def received(request: Request) -> Response:
    """Intelligence routed to my agency: what awaits acknowledgement (escalated first, then
    by deadline), then what was read."""
    me = visitor(request)
    routes = routes_to_my_agency(me.caller, limit=500)
    waiting = [r for r in routes if r.route.acknowledged_at is None]
    waiting.sort(key=lambda r: (-r.route.escalation_level, r.route.acknowledge_by))
    read = [r for r in routes if r.route.acknowledged_at is not None]
    read.sort(key=lambda r: r.route.acknowledged_at or r.route.acknowledge_by, reverse=True)
    return page(request, me, "intelligence.html", waiting=waiting, read=read[:100])


@router.get("/intelligence/{route_id}")
def one_route(request: Request, route_id: str, saved: str = "", warn: str = "") -> Response:
    """One piece of intelligence routed to my agency: what was seen, from whom, why it came
    here, by when it must be read; acknowledge it with a note."""
    me = visitor(request)
    view, text = read_route(me.caller, route_id)
    return page(
        request, me, "intelligence_route.html", r=view, text=text, saved=saved == "1",
        warn=warn == "1", error="",
    )  # fmt: skip


@router.post("/intelligence/{route_id}")
def acknowledge(
    request: Request,
    route_id: str,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Acknowledge the route (the sender sees it read); language that may blame the child is
    pointed out after saving, never refused."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    try:
        done = acknowledge_route(me.caller, route_id, note.strip()[:500] or None)
    except AlreadyAcknowledged:
        view, text = read_route(me.caller, route_id)
        return page(
            request, me, "intelligence_route.html", r=view, text=text, saved=False,
            warn=False, error="Someone in your agency has already acknowledged it",
        )  # fmt: skip
    warn = "1" if done.language else ""
    return RedirectResponse(f"/intelligence/{route_id}?saved=1&warn={warn}", status_code=303)
