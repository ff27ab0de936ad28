"""The assembly mappings: how each agency file's records become persons, places, objects,
events and links. Declared as data (``data/mappings/<format>.yml``), validated on load.

Shorthand: where a *value* is expected a plain string names a column of the file; where a
*code* is expected (event and link types, roles, place types, kinds, basis) a plain string is
the code itself. ``{column: ...}`` reads a column, ``{value: ...}`` is a constant; either
may be transformed (see :class:`Value`). ``docs/assembly.md`` describes every mapping.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Transform = Literal[
    "yes_no", "flags", "academic_year_start", "vrm", "phone", "postcode", "lower", "text"
]
PersonAttribute = Literal[
    "forename", "surname", "date_of_birth", "sex", "ethnicity", "nationality", "postcode"
]
SUFFIX = r"^[a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Ref(_Strict):
    """A reference to another record of the same agency: ``column`` of this record holds the
    ``key`` (default: the key column) of a record of ``file`` (a file's table name)."""

    column: str
    file: str
    key: str | None = None


class Value(_Strict):
    """A value read from a record (or a constant), optionally transformed.

    Order of application: ``column`` (of this record, or of the record ``ref`` points to) or
    ``value``; ``key`` (a key of a JSON object); ``when`` (None unless the condition holds);
    ``split`` (into a list); ``as`` (a named transform); ``map`` (with ``default``); then at
    most one test turning the value into a boolean: ``values`` (case-insensitive membership;
    any element of a list), ``words`` (whole words in free text) or ``above`` (a number).
    """

    column: str | None = None
    value: Any = None
    ref: Ref | None = None
    key: str | None = None
    when: Col | None = None
    split: str | None = Field(default=None, min_length=1)
    as_: Transform | None = Field(default=None, alias="as")
    map: dict[str, Any] | None = None
    default: Any = None
    values: list[str] | None = None
    words: list[str] | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Value:
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' and 'value'")
        if self.ref is not None and self.column is None:
            raise ValueError("'ref' reads a column of the referenced record: give 'column'")
        tests = [t for t in ("values", "words", "above") if getattr(self, t) is not None]
        if len(tests) > 1:
            raise ValueError(f"at most one of values/words/above, not {', '.join(tests)}")
        if self.default is not None and self.map is None:
            raise ValueError("'default' only applies with 'map'")
        return self


def _column_shorthand(raw: Any) -> Any:
    return {"column": raw} if isinstance(raw, str) else raw


def _code_shorthand(raw: Any) -> Any:
    return {"value": raw} if isinstance(raw, str) else raw


# a value: a plain string is a column name
Col = Annotated[Value, BeforeValidator(_column_shorthand)]
# a code: a plain string is the code itself
Code = Annotated[Value, BeforeValidator(_code_shorthand)]
Value.model_rebuild()


class PlaceRef(Ref):
    """The place (named ``place``; default: the file's only place) of a referenced record."""

    place: str | None = None


class EntityRef(_Strict):
    """A reference whose target file depends on a column (police ``links.csv``):
    ``kind`` names the column holding the target's kind, ``files`` maps kinds to files."""

    kind: str
    column: str
    files: dict[Literal["person", "object", "location", "event"], str] = Field(min_length=1)


class Target(_Strict):
    """An entity: exactly one of the fields. ``person`` as a plain string means the record's
    own person; ``place`` as a plain string names one of the file's own places."""

    self_: bool = Field(default=False, alias="self")
    person: Ref | None = None
    vehicle: Col | None = None
    phone: Col | None = None
    object: Ref | None = None
    place: str | PlaceRef | None = None
    place_mention: Col | None = None
    named_person: Col | None = None
    event: Ref | None = None
    entity: EntityRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, raw: Any) -> Any:
        return {"self": True} if raw == "person" else raw

    @model_validator(mode="after")
    def _one(self) -> Target:
        given = [n for n in self.model_fields_set if getattr(self, n) not in (None, False)]
        if len(given) != 1:
            raise ValueError(
                "a target is exactly one of person, vehicle, phone, object, place, "
                f"place_mention, named_person, event, entity (got {sorted(given) or 'none'})"
            )
        return self


class PersonSpec(_Strict):
    """Whom a record is about.

    ``self``: the record names a person (a person record of linkage); its resolved person id
    is used, else (unlinked) the person of ``ref`` if given, else one person per ``group``
    value, else the record is its own person. Without ``self`` the person is that of the
    record ``ref`` points to.
    """

    self_: bool = Field(default=False, alias="self")
    ref: Ref | None = None
    group: Col | None = None
    roles: list[str] = Field(default_factory=list)
    identifiers: dict[str, Col] = Field(default_factory=dict)
    attributes: dict[PersonAttribute, Col] = Field(default_factory=dict)
    details: dict[str, Col] = Field(default_factory=dict)
    flags: dict[Literal["learning_disability"], Col] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _who(self) -> PersonSpec:
        if not self.self_ and self.ref is None:
            raise ValueError("a person is either the record itself ('self: true') or a 'ref'")
        if self.group is not None and not self.self_:
            raise ValueError("'group' only applies to person records ('self: true')")
        return self


class PlaceSpec(_Strict):
    """A place named by a record: postcode and address parts, premises name, town, type.

    ``key`` (with ``key_prefix``) identifies places known by an identifier rather than an
    address (a school by URN). With ``match_address`` a place known only by its postcode is
    the one addressed place of that postcode when there is exactly one.
    """

    postcode: Col | None = None
    address: list[Col] = Field(default_factory=list)
    name: Col | None = None
    town: Col | None = None
    place_type: Code | None = None
    key: Col | None = None
    key_prefix: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    match_address: bool = False

    @model_validator(mode="after")
    def _identified(self) -> PlaceSpec:
        if self.postcode is None and not self.address and self.key is None and self.name is None:
            raise ValueError("a place needs a postcode, an address, a name or a key")
        if (self.key is None) != (self.key_prefix is None):
            raise ValueError("'key' and 'key_prefix' go together")
        return self


class ObjectSpec(_Strict):
    """A vehicle (by VRM) or phone (by number) the record describes, with details."""

    kind: Code
    vehicle: Col | None = None
    phone: Col | None = None
    details: dict[str, Col] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keyed(self) -> ObjectSpec:
        if self.vehicle is None and self.phone is None:
            raise ValueError("an object needs a 'vehicle' or a 'phone' column")
        return self


class ParticipantSpec(_Strict):
    """An entity taking part in an event, in a role."""

    who: Target
    role: Code


class EventSpec(_Strict):
    """An event the record becomes."""

    type: Code
    suffix: str = Field(default="", pattern=SUFFIX)
    when: Col | None = None
    start: Col | None = None
    end: Col | None = None
    at: Col | None = None
    place: Target | None = None
    participants: list[ParticipantSpec] = Field(default_factory=list)
    cse: list[Col] = Field(default_factory=list)
    text: Col | None = None
    author: Col | None = None
    attributes: dict[str, Col] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dated(self) -> EventSpec:
        if self.start is None and self.at is None:
            raise ValueError("an event needs 'start' or 'at'")
        return self


class AugmentSpec(_Strict):
    """Facts a record adds to the events of another record (assessment factors, police
    participant links): participants, attributes and CSE markers."""

    event: Ref
    suffix: str = Field(default="", pattern=SUFFIX)
    when: Col | None = None
    participants: list[ParticipantSpec] = Field(default_factory=list)
    cse: list[Col] = Field(default_factory=list)
    attributes: dict[str, Col] = Field(default_factory=dict)


class LinkSpec(_Strict):
    """A link the record states between two entities."""

    type: Code
    suffix: str = Field(default="", pattern=SUFFIX)
    when: Col | None = None
    from_: Target = Field(alias="from")
    to: Target
    valid_from: Col | None = None
    valid_to: Col | None = None
    basis: Code | None = None
    grading: Col | None = None
    role: Code | None = None


class FileSpec(_Strict):
    """What the records of one file (by its table name) become."""

    date: Col | None = None
    person: PersonSpec | None = None
    places: dict[str, PlaceSpec] = Field(default_factory=dict)
    object: ObjectSpec | None = None
    events: list[EventSpec] = Field(default_factory=list)
    augment: list[AugmentSpec] = Field(default_factory=list)
    links: list[LinkSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_suffixes(self) -> FileSpec:
        for name, specs in (("events", self.events), ("links", self.links)):
            suffixes = [s.suffix for s in specs]
            if len(set(suffixes)) != len(suffixes):
                raise ValueError(f"two {name} share the suffix {suffixes!r}: ids must differ")
        return self


class Mapping(_Strict):
    """The mapping of one ingest format."""

    format: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str | None = None
    files: dict[str, FileSpec] = Field(min_length=1)


class EventKind(_Strict):
    """An event type beyond the event_types vocabulary (episodes of care, supervision...)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    episode: bool = False


class EventKinds(_Strict):
    """The extra event kinds file."""

    event_kinds: list[EventKind] = Field(min_length=1)
