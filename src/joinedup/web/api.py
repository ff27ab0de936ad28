"""The JSON API under /api/v1 (its OpenAPI document at /api/v1/openapi.json): the same use
cases as the pages, for scripts and the agencies' own systems. Bearer personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from joinedup.app import people, signin
from joinedup.app.safeguarding import flags
from joinedup.app.signin import Attempt, SignInRefused
from joinedup.web import errors, thing_api
from joinedup.web.api_document import document_problems
from joinedup.web.auth import api_caller
from joinedup.web.signin_pages import address
from joinedup.web.state import state


class TokenRequest(BaseModel):
    """Sign in for a personal access token."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)
    code: str = Field(min_length=1, max_length=16)


class TokenIssued(BaseModel):
    """A token (shown once; at most 8 hours)."""

    token: str
    expires_at: datetime


class Name(BaseModel):
    forename: str
    surname: str


class PersonFound(BaseModel):
    id: str
    names: list[Name]
    dates_of_birth: list[str]
    agencies: list[str]
    matched_on: str


class SearchResults(BaseModel):
    results: list[PersonFound]


class ChronologyItem(BaseModel):
    date: str
    agency: str
    event_type: str
    summary: str
    record_id: str


class FactItem(BaseModel):
    value: str
    agency: str
    record_id: str
    agency_key: str


class FlagItem(BaseModel):
    id: str
    rule_id: str
    severity: str
    explanation: str
    owner: str
    raised_on: str


class AssessmentItem(BaseModel):
    id: str
    assessed_on: str
    category: str
    score: float | None
    next_review_due: str | None


class ConnectionItem(BaseModel):
    via: str
    value: str
    person_id: str
    name: str
    agency: str
    record_id: str


class NodeItem(BaseModel):
    id: str
    label: str
    kind: str
    step: int
    href: str


class TieItem(BaseModel):
    source: str
    target: str
    how: str


class NeighbourhoodItem(BaseModel):
    """People, vehicles, phones and places within two steps (at most ``limit`` nodes)."""

    nodes: list[NodeItem]
    ties: list[TieItem]
    cut: bool
    limit: int


class PersonPage(BaseModel):
    id: str
    name: str
    names: list[FactItem]
    dates_of_birth: list[FactItem]
    addresses: list[FactItem]
    identifiers: list[FactItem]
    agencies: dict[str, list[str]]
    flags: list[FlagItem]
    assessments: list[AssessmentItem]
    chronology: list[ChronologyItem]
    network: list[ConnectionItem]
    neighbourhood: NeighbourhoodItem


class Problem(BaseModel):
    error: str
    detail: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Signed out: no live token"},
    404: {"model": Problem, "description": "Not found, or out of reach (alike)"},
}


def create_api() -> FastAPI:
    """The /api/v1 application (mounted by :func:`joinedup.web.create_app`)."""
    api = FastAPI(
        title="joinedup API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        description="Send `Authorization: Bearer <token>` (from POST /tokens) and, optionally, "
        "`X-Purpose` (a purpose your role allows; default its first).",
    )
    errors.install(api)
    document_problems(api)

    @api.post("/tokens", response_model=TokenIssued, status_code=201, responses=ERRORS)
    def create_token(request: Request, body: TokenRequest) -> Any:
        """Sign in with username, password and security code for a token."""
        attempt = Attempt(body.username, body.password, body.code, address(request))
        try:
            issued = signin.create_token(state(request).rt, attempt, label="api")
        except SignInRefused as refused:
            return JSONResponse({"error": str(refused)}, status_code=401)
        return TokenIssued(token=issued.token, expires_at=issued.expires_at)

    @api.get("/people", response_model=SearchResults, responses=ERRORS)
    def search_people(request: Request, q: str = "") -> Any:
        """People by name (tolerant), date of birth, an agency's reference, VRM or phone."""
        who = api_caller(request)
        found = people.search(who, q[:200], rt=state(request).rt) if q.strip() else []
        return {"results": [f.to_dict() for f in found]}

    @api.get("/search", response_model=SearchResults, responses=ERRORS)
    def search(request: Request, q: str = "") -> Any:
        """The same as GET /people?q=."""
        return search_people(request, q)

    @api.get("/people/{person_id}", response_model=PersonPage, responses=ERRORS)
    def person(request: Request, person_id: str) -> Any:
        """A person's page: identity, agencies, flags, assessments, chronology in time order."""
        who = api_caller(request)
        return people.person(who, person_id, rt=state(request).rt).to_dict()

    @api.get("/flags", responses=ERRORS)
    def list_flags(
        request: Request, status: str = "open", limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> Any:
        """Flags the caller may see, most severe then oldest, with names."""
        who = api_caller(request)
        return {"results": [f.to_dict() for f in flags(who, status=status, limit=limit)]}

    thing_api.install(api, ERRORS)
    return api
