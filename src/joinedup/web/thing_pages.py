"""Pages about things rather than people: a source record verbatim, a vehicle, a phone, a
place. Each parses, calls one app function (reading through the door as the caller) and
renders; out of reach looks the same as missing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from joinedup.app import records, things
from joinedup.web.auth import visitor
from joinedup.web.state import state
from joinedup.web.work_pages import page

router = APIRouter()


@router.get("/records/{record_id}")
def source_record(request: Request, record_id: str) -> Response:
    """A source record as its agency sent it (free text decrypted), with its file and the
    person it is linked to."""
    me = visitor(request)
    shown = records.record(me.caller, record_id, rt=state(request).rt)
    return page(request, me, "record.html", record=shown)


@router.get("/vehicles/{vrm}")
def vehicle(request: Request, vrm: str) -> Response:
    """A vehicle: its licences, the children seen in it, everyone tied to it, its events."""
    me = visitor(request)
    shown = things.vehicle(me.caller, vrm, rt=state(request).rt)
    return page(request, me, "thing.html", thing=shown)


@router.get("/phones/{number}")
def phone(request: Request, number: str) -> Response:
    """A phone number: who holds or used it, its events."""
    me = visitor(request)
    shown = things.phone(me.caller, number, rt=state(request).rt)
    return page(request, me, "thing.html", thing=shown)


@router.get("/places/{postcode}")
def place(request: Request, postcode: str) -> Response:
    """A place by postcode: events there, who was seen or lives there."""
    me = visitor(request)
    shown = things.place(me.caller, postcode, rt=state(request).rt)
    return page(request, me, "thing.html", thing=shown)
