"""Layouts: what one kind of export file holds, and how a record of it becomes a source record.

A :class:`Layout` names the file's key column, its columns with their types, which are
required, which canonical field each feeds and which are free text to encrypt. Agency formats
(``joinedup.ingest.formats``) and generic mapping profiles (``joinedup.ingest.profile``) both
produce layouts, so one conversion serves every format.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

from joinedup.common.values import BadValue
from joinedup.common.values.dates import parse_date, parse_datetime
from joinedup.ingest.canonical import Formats, clean
from joinedup.ingest.reader import Problem, Record

ColumnType = Literal["text", "date", "datetime", "int", "float", "code", "json"]


@dataclass(frozen=True)
class Column:
    """One column of a layout.

    A column marked ``encrypt`` is stored only encrypted (in the record's payload): it feeds
    no normalised field, whatever it is mapped to, so its value is nowhere in clear.
    """

    name: str
    type: ColumnType = "text"
    canonical: str | None = None
    required: bool = False
    encrypt: bool = False

    def __post_init__(self) -> None:
        if self.encrypt:
            object.__setattr__(self, "canonical", None)
            object.__setattr__(self, "type", "text")


@dataclass(frozen=True)
class Layout:
    """One kind of export file."""

    format: str
    record_type: str
    key: str
    columns: tuple[Column, ...]
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    datetime_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
    encoding: str | None = None
    delimiter: str | None = ","
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def formats(self) -> Formats:
        """Date formats for the cleaners."""
        return Formats(self.date_formats, self.datetime_formats)

    def required_columns(self) -> list[str]:
        """Columns a file must have (the key and every required column)."""
        names = [self.key] + [c.name for c in self.columns if c.required]
        return list(dict.fromkeys(names))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (kept with each batch, so rows can be re-submitted)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Layout:
        """Rebuild a layout saved with :meth:`to_dict`."""
        values = dict(data)
        values["columns"] = tuple(Column(**c) for c in values["columns"])
        for name in ("date_formats", "datetime_formats"):
            values[name] = tuple(values[name])
        return cls(**values)

    def encrypted_names(self, header: list[str]) -> list[str]:
        """The columns of a file with ``header`` stored only encrypted: those marked
        ``encrypt`` and every column the layout does not name but the key (unclassified, so
        treated as free text)."""
        named = {c.name for c in self.columns}
        marked = {c.name for c in self.columns if c.encrypt}
        return [h for h in header if h in marked or (h not in named and h != self.key)]

    def missing_columns(self, header: list[str]) -> list[str]:
        """Required columns absent from ``header``."""
        present = set(header)
        return [c for c in self.required_columns() if c not in present]


@dataclass
class Converted:
    """A record ready to store."""

    agency_key: str
    payload: dict[str, str]
    normalised: dict[str, object]
    encrypt: list[str]


@lru_cache(maxsize=100_000)
def _date(value: str, formats: tuple[str, ...]) -> str:
    return parse_date(value, formats).isoformat()


@lru_cache(maxsize=100_000)
def _datetime(value: str, formats: tuple[str, ...]) -> str:
    return parse_datetime(value, formats).isoformat()


def typed_value(column: Column, value: str, formats: Formats) -> object:
    """``value`` (stripped, not empty) as the column's type; raises :class:`BadValue`."""
    if column.type == "date":
        return _date(value, formats.dates)
    if column.type == "datetime":
        return _datetime(value, formats.datetimes)
    if column.type == "int":
        try:
            return int(value)
        except ValueError as exc:
            raise BadValue("bad_int", "not a whole number") from exc
    if column.type == "float":
        try:
            return float(value)
        except ValueError as exc:
            raise BadValue("bad_number", "not a number") from exc
    if column.type == "json":
        try:
            return json.loads(value)
        except ValueError as exc:
            raise BadValue("bad_json", "not valid JSON") from exc
    return value


def convert(layout: Layout, record: Record) -> Converted | Problem:
    """Validate and normalise one record; a :class:`Problem` means quarantine it."""
    key = record.values.get(layout.key, "").strip()
    if not key:
        return Problem("missing_key", "the record has no key", layout.key)
    formats = layout.formats
    normalised: dict[str, object] = {}
    issues: dict[str, str] = {}
    for column in layout.columns:
        value = record.values.get(column.name, "").strip()
        if not value:
            if column.required:
                return Problem("missing_value", "a required field is empty", column.name)
            continue
        try:
            if column.canonical:
                normalised[column.canonical] = clean(column.canonical, value, formats)
            elif column.type != "text":
                typed = typed_value(column, value, formats)
                if column.type != "code":
                    normalised[column.name] = typed
        except BadValue as exc:
            if column.required:
                return Problem(exc.code, str(exc), column.name)
            issues[column.name] = exc.code
    if issues:
        normalised["_issues"] = issues
    return Converted(
        agency_key=key,
        payload=dict(record.values),
        normalised=normalised,
        encrypt=[c for c in layout.encrypted_names(list(record.values)) if record.values.get(c)],
    )
