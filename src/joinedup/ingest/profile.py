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
  notes: {column: Comments, encrypt: true}
```
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from joinedup.common.documents import parse_document
from joinedup.common.errors import JoinedupError
from joinedup.ingest.layout import Column, ColumnType, Layout


class ProfileError(JoinedupError, ValueError):
    """A mapping profile is unreadable or invalid."""


class FieldMap(BaseModel):
    """Where one canonical field comes from."""

    model_config = ConfigDict(extra="forbid")

    column: str = Field(min_length=1)
    type: ColumnType = "text"
    required: bool = False
    encrypt: bool = False


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

    def layout(self) -> Layout:
        """The layout this profile describes."""
        columns = tuple(
            Column(m.column, m.type, canonical=name, required=m.required, encrypt=m.encrypt)
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
