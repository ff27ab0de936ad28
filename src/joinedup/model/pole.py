"""POLE entities (Person, Object, Location, Event) and the links between them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import Field, model_validator

from joinedup.model.base import (
    Basis,
    EthnicityCode,
    EventType,
    Id,
    JsonDict,
    LinkType,
    ObjectKind,
    Owned,
    PlaceType,
    SexCode,
    ShortText,
)
from joinedup.model.vocab import vocabulary


class Person(Owned):
    """A resolved person: a cluster of source records, with provenance per attribute."""

    forename: ShortText | None = None
    surname: ShortText | None = None
    date_of_birth: date | None = None
    sex: SexCode | None = None
    ethnicity: EthnicityCode | None = None
    nationality: ShortText | None = None
    provenance: JsonDict = Field(default_factory=dict)


class PoleObject(Owned):
    """An object: a vehicle (by VRM), a phone (by E.164 number) or an online handle."""

    kind: ObjectKind
    key: str = Field(min_length=1, max_length=200)
    description: ShortText | None = None


class Location(Owned):
    """A place: address, postcode, UPRN and kind of place."""

    place_type: PlaceType = "other"
    address: ShortText | None = None
    postcode: str | None = Field(default=None, max_length=10)
    uprn: str | None = Field(default=None, pattern=r"^\d{1,12}$")


class Event(Owned):
    """Something that happened at a time and (optionally) a place."""

    event_type: EventType
    occurred_at: datetime
    location_id: Id | None = None
    source_record_id: Id | None = None


class EventParticipant(Owned):
    """A person's role in an event (e.g. missing child, driver, reporting officer)."""

    event_id: Id
    person_id: Id
    role: str = Field(min_length=1, max_length=64)


def check_grading(grading: str) -> str:
    """Validate a 3x5x2 grading such as ``1-A-P``."""
    parts = grading.split("-")
    if len(parts) != 3:
        raise ValueError(f"grading {grading!r} must look like 1-A-P")
    grades = vocabulary("intelligence_gradings")
    for part, group in zip(parts, ("source", "intelligence", "handling"), strict=True):
        grades.check(part, group=group)
    return grading


def grading_in_words(grading: str) -> list[str]:
    """The three parts of a valid 3x5x2 grading as their labels, e.g. for ``2-B-P``:
    "Source evaluation 2: untested", "Intelligence B: ...", "Handling P: ..."."""
    grades = vocabulary("intelligence_gradings")
    parts = check_grading(grading).split("-")
    groups = ("source", "intelligence", "handling")
    return [grades.label(p, group=g) for p, g in zip(parts, groups, strict=True)]


class Link(Owned):
    """A link between two entities with time span, provenance and basis (s.38)."""

    link_type: LinkType
    from_type: str = Field(pattern=r"^(person|object|location|event)$")
    from_id: Id
    to_type: str = Field(pattern=r"^(person|object|location|event)$")
    to_id: Id
    valid_from: date | None = None
    valid_to: date | None = None
    source_record_id: Id | None = None
    basis: Basis = "fact"
    grading: str | None = None

    @model_validator(mode="after")
    def _basis_and_span(self) -> Self:
        if self.basis == "assessment":
            if not self.grading:
                raise ValueError("an assessment-based link needs a 3x5x2 grading")
            check_grading(self.grading)
        elif self.grading:
            raise ValueError("a fact-based link carries no grading")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self
