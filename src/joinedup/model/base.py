"""Base class and shared field types of the domain model."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from joinedup.model.vocab import vocabulary


def new_id() -> str:
    """A fresh opaque identifier (random, so ids reveal nothing about other rows)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


def _in(name: str) -> AfterValidator:
    return AfterValidator(lambda code: vocabulary(name).check(code))


Id = Annotated[str, Field(min_length=1, max_length=64)]
ShortText = Annotated[str, Field(max_length=500)]
AgencyKind = Annotated[str, _in("agency_kinds")]
EventType = Annotated[str, _in("event_types")]
LinkType = Annotated[str, _in("link_types")]
PlaceType = Annotated[str, _in("place_types")]
ObjectKind = Annotated[str, _in("object_kinds")]
PersonCategoryCode = Annotated[str, _in("person_categories")]
Purpose = Annotated[str, _in("purposes")]
Basis = Annotated[str, _in("link_bases")]
EthnicityCode = Annotated[str, _in("ethnicity")]
SexCode = Annotated[str, _in("sex")]
Urgency = Annotated[str, _in("urgencies")]


class Entity(BaseModel):
    """A domain object: strict (unknown fields rejected), validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, from_attributes=True)

    id: Id = Field(default_factory=new_id)


class Owned(Entity):
    """A row held by one agency; the unit to which access scope applies."""

    agency_id: Id
    created_by: Id | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CaseLinked(Owned):
    """A row that belongs to a safeguarding case (reachable through case grants and panels)."""

    case_id: Id | None = None


class Span(BaseModel):
    """A time span; either end may be open."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date | None = None
    end: date | None = None


JsonDict = dict[str, Any]
