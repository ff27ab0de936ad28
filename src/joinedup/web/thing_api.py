"""The API's routes for things rather than people: a source record, a vehicle, a phone, a
place (the same use cases as the pages; out of reach and missing are the same 404)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from pydantic import BaseModel

from joinedup.app import records, things
from joinedup.web.auth import api_caller
from joinedup.web.state import state


class RecordField(BaseModel):
    column: str
    value: str
    description: str


class RecordPage(BaseModel):
    """A source record as its agency sent it (free text decrypted)."""

    id: str
    agency: str
    record_type: str
    agency_key: str
    date: str | None
    file_name: str | None
    imported_at: str | None
    row_number: int | None
    received_at: str
    person_id: str | None
    person_name: str | None
    fields: list[RecordField]
    normalised: dict[str, str]


class SightingItem(BaseModel):
    """A person tied to the thing, how, by which agency's record, when."""

    person_id: str | None
    name: str
    role: str
    child: bool
    age: int | None
    agency: str
    date: str | None
    record_id: str


class ThingEventItem(BaseModel):
    date: str
    agency: str
    event_type: str
    summary: str
    record_id: str
    people: list[str]


class LicenceItem(BaseModel):
    plate: str
    licence_type: str
    issued: str | None
    expires: str | None
    description: str
    proprietor: str
    proprietor_id: str | None
    agency: str
    record_id: str


class ThingPage(BaseModel):
    """A vehicle, phone or place: licences (vehicles), people, events."""

    kind: str
    key: str
    descriptions: list[str]
    licences: list[LicenceItem]
    people: list[SightingItem]
    events: list[ThingEventItem]
    events_cut: int


def install(api: FastAPI, errors: dict[int | str, dict[str, Any]]) -> None:
    """Add the routes to the /api/v1 application."""

    @api.get("/records/{record_id}", response_model=RecordPage, responses=errors)
    def source_record(request: Request, record_id: str) -> Any:
        """A source record verbatim, with its agency, file and linked person."""
        return records.record(api_caller(request), record_id, rt=state(request).rt).to_dict()

    @api.get("/vehicles/{vrm}", response_model=ThingPage, responses=errors)
    def vehicle(request: Request, vrm: str) -> Any:
        """A vehicle: its licences, who was tied to it (children marked), its events."""
        return things.vehicle(api_caller(request), vrm, rt=state(request).rt).to_dict()

    @api.get("/phones/{number}", response_model=ThingPage, responses=errors)
    def phone(request: Request, number: str) -> Any:
        """A phone number: who holds or used it, its events."""
        return things.phone(api_caller(request), number, rt=state(request).rt).to_dict()

    @api.get("/places/{postcode}", response_model=ThingPage, responses=errors)
    def place(request: Request, postcode: str) -> Any:
        """A place by postcode: its events, who was seen or lives there."""
        return things.place(api_caller(request), postcode, rt=state(request).rt).to_dict()
