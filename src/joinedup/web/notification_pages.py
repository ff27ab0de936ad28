"""Notifications in the browser (issue 17): the count in the header of every page, kept
current by HTMX polling, and the page that lists them, where they are marked read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.notifications import mark_read, my_notifications, unread_count
from joinedup.web.auth import check_csrf, visitor
from joinedup.web.state import state
from joinedup.web.work_pages import page

router = APIRouter()


@router.get("/notifications")
def notifications_page(request: Request) -> Response:
    """Every notification of the signed-in user, newest first, unread marked; polled by
    HTMX (which gets the list alone)."""
    me = visitor(request)
    found = my_notifications(me.caller)
    if request.headers.get("HX-Request"):
        return state(request).templates.TemplateResponse(
            request, "notification_list.html", {"me": me, "notifications": found}
        )
    return page(request, me, "notifications.html", notifications=found)


@router.get("/notifications/count")
def notifications_count(request: Request) -> Response:
    """The header's number of unread notifications (a fragment, polled by HTMX)."""
    me = visitor(request)
    return state(request).templates.TemplateResponse(
        request, "notification_count.html", {"me": me, "unread": unread_count(me.caller)}
    )


@router.post("/notifications/read")
def read_notifications(
    request: Request,
    key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Mark one notification read (``key``), or all of them (no key)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    mark_read(me.caller, [key] if key else None)
    return RedirectResponse("/notifications", status_code=303)
