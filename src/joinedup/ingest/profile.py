"""Generic CSV or XLSX exports described by a YAML mapping profile.

```yaml
format: housing_tenancies          # a name for the layout
record_type: tenancy
key: Tenancy Ref                   # the column that holds the agency's own key
encoding: cp1252                   # optional: auto-detected when absent
delimiter: ","                     # optional: sniffed when absent
sheet: Tenancies                   # XLSX only: the worksheet (default: the first)
date_formats: ["%d/%m/%Y"]
datetime_formats: ["%d/%m/%Y %H:%M"]
fields:                            # canonical field -> column, with options
  forename: {column: First Name, required: true}
  surname: {column: Last Name, required: true}
  date_of_birth: {column: DOB}
  postcode: {column: Post Code}
  phone: {column: Tel}
  notes: {column: Comments}        # free text: stored only encrypted
```

A field is stored only encrypted when ``encrypt: true`` or when its canonical name is
classified special category or free text (``joinedup.model.classification``: ``ethnicity``,
and every name that is not a canonical field, unless its type is a date, a time or a
number); ``encrypt: false`` on such a field is refused, naming the column.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import parse_document
from joinedup.common.errors import JoinedupError
from joinedup.ingest.layout import Column, ColumnType, Layout
from joinedup.model.classification import classification, is_encrypted


class ProfileError(JoinedupError, ValueError):
    """A mapping profile is unreadable or invalid."""


_NOT_TEXT = ("date", "datetime", "int", "float")


def must_encrypt(name: str, column_type: ColumnType) -> bool:
    """Whether a profile's field ``name`` is stored only encrypted: its canonical field is
    classified special category or free text (a name that is no canonical field is free
    text, unless its values are dates, times or numbers, which cannot hold free text)."""
    data = classification()
    if name not in data.canonical and column_type in _NOT_TEXT:
        return False
    return is_encrypted(data.canonical_class(name))


class FieldMap(BaseModel):
    """Where one canonical field comes from."""

    model_config = ConfigDict(extra="forbid")

    column: str = Field(min_length=1)
    type: ColumnType = "text"
    required: bool = False
    encrypt: bool | None = None  # None: as the field's classification says


class Profile(BaseModel):
    """A mapping profile document."""

    model_config = ConfigDict(extra="forbid")

    format: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    record_type: str = Field(min_length=1, max_length=64)
    key: str = Field(min_length=1)
    encoding: str | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = None
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d", "%d/%m/%Y"])
    datetime_formats: list[str] = Field(
        default_factory=lambda: ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )
    fields: dict[str, FieldMap] = Field(min_length=1)

    @model_validator(mode="after")
    def _nothing_sensitive_in_clear(self) -> Profile:
        for name, mapping in self.fields.items():
            if mapping.encrypt is False and must_encrypt(name, mapping.type):
                raise ValueError(
                    f"field {name!r} (column {mapping.column!r}) is "
                    f"{classification().canonical_class(name).replace('_', ' ')}: it is "
                    "stored only encrypted; remove `encrypt: false`"
                )
        return self

    def layout(self) -> Layout:
        """The layout this profile describes."""
        columns = tuple(
            Column(
                m.column,
                m.type,
                canonical=name,
                required=m.required,
                encrypt=bool(m.encrypt) or must_encrypt(name, m.type),
            )
            for name, m in self.fields.items()
        )
        return Layout(
            format=self.format,
            record_type=self.record_type,
            key=self.key,
            columns=columns,
            date_formats=tuple(self.date_formats),
            datetime_formats=tuple(self.datetime_formats),
            encoding=self.encoding,
            delimiter=self.delimiter,
            extra={"sheet": self.sheet} if self.sheet else {},
        )


def load_profile(path: Path) -> Profile:
    """Read and validate a mapping profile; errors name the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from exc
    return parse_document(
        Profile, text, where=str(path), what="mapping profile", error=ProfileError
    )
