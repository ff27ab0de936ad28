"""The agency export formats: data files in ``data/formats/``, one per format.

Each format lists its files: name, table, key column, free-text column and every column
with its type, meaning, the canonical field it feeds and whether it is required. The files
are the contract between agencies (and the simulator, which writes them) and ingest, which
reads them; ``docs/formats.md`` and ``docs/simulator.md`` show them.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError
from joinedup.ingest.canonical import CLEANERS
from joinedup.ingest.layout import Column, ColumnType, Layout
from joinedup.ingest.manifest import ManifestFile
from joinedup.model.classification import classification, is_encrypted
from joinedup.model.vocab import vocabulary

DEFAULT_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


class FormatError(JoinedupError, ValueError):
    """A format file is invalid, or no format/file matches what was asked for."""


class FormatColumn(BaseModel):
    """One column of a format file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    type: ColumnType
    description: str
    canonical: str | None = None
    required: bool = False
    encrypt: bool = False


class FormatFile(BaseModel):
    """One file of a format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(min_length=1)
    table: str = Field(min_length=1, max_length=64)
    role: str
    key: str
    notes: str | None = None
    columns: tuple[FormatColumn, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> FormatFile:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.file}: a column is listed twice")
        for needed in (self.key, self.notes):
            if needed is not None and needed not in names:
                raise ValueError(f"{self.file}: {needed!r} is not one of its columns")
        for column in self.columns:
            if column.canonical and column.canonical not in CLEANERS:
                raise ValueError(f"{self.file}: unknown canonical field {column.canonical!r}")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c.name for c in self.columns)


class Format(BaseModel):
    """One agency export format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    agency_kind: str
    description: str
    files: tuple[FormatFile, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_kind(self) -> Format:
        vocabulary("agency_kinds").check(self.agency_kind)
        return self

    def file(self, name: str) -> FormatFile:
        """The file called ``name`` (or whose table is ``name``; or, for a workbook saved from
        it, ``pupils.xlsx`` for ``pupils.csv``)."""
        for entry in self.files:
            if name in (entry.file, entry.table):
                return entry
        for entry in self.files:
            if name.lower().endswith(".xlsx") and name[:-5] == entry.file.rsplit(".", 1)[0]:
                return entry
        known = ", ".join(f.file for f in self.files)
        raise FormatError(f"format {self.format!r} has no file {name!r}; its files: {known}")


@cache
def formats() -> dict[str, Format]:
    """Every shipped format by name, validated."""
    folder = packaged("joinedup.ingest", "formats")
    loaded: dict[str, Format] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yml"):
            continue
        text, name = read_text(path)
        fmt = parse_document(
            Format, text, where=f"format file {name}", what="format", error=FormatError
        )
        loaded[fmt.format] = fmt
    return loaded


def get_format(name: str) -> Format:
    """The format called ``name``."""
    try:
        return formats()[name]
    except KeyError as exc:
        raise FormatError(
            f"unknown format {name!r}; known: {', '.join(sorted(formats()))}"
        ) from exc


def encrypted(fmt: Format, entry: FormatFile, column: FormatColumn) -> bool:
    """Whether a format's column is stored only encrypted: marked so in the format, or
    classified special category or free text (``joinedup.model.classification``; a column
    feeding a canonical field also by that field's class)."""
    data = classification()
    return (
        column.encrypt
        or is_encrypted(data.format_class(fmt.format, entry.table, column.name))
        or (column.canonical is not None and is_encrypted(data.canonical_class(column.canonical)))
    )


def to_layout(
    fmt: Format,
    entry: FormatFile,
    date_format: str | None = None,
    datetime_format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = ",",
) -> Layout:
    """The ingest layout of one format file with the sending agency's conventions."""
    return Layout(
        format=fmt.format,
        record_type=entry.table,
        key=entry.key,
        columns=tuple(
            Column(c.name, c.type, c.canonical, c.required, encrypted(fmt, entry, c))
            for c in entry.columns
        ),
        date_formats=(date_format,) if date_format else ("%Y-%m-%d", "%d/%m/%Y"),
        datetime_formats=(datetime_format,) if datetime_format else DEFAULT_DATETIME_FORMATS,
        encoding=encoding,
        delimiter=delimiter,
    )


def layout_for_manifest_entry(format_name: str, entry: ManifestFile) -> Layout:
    """The layout for one file listed in an agency's ``manifest.json``."""
    fmt = get_format(format_name)
    spec = fmt.file(entry.table or PurePosixPath(entry.path).name)
    return to_layout(
        fmt,
        spec,
        entry.date_format,
        entry.datetime_format,
        entry.encoding,
        entry.delimiter or ",",
    )


def layout_for_file(format_name: str, file_name: str) -> Layout:
    """The layout for a single file of a known format (conventions auto-detected)."""
    fmt = get_format(format_name)
    return to_layout(fmt, fmt.file(file_name), delimiter=None)


def markdown(fmt: Format) -> str:
    """The column tables of one format, as shown in the docs."""
    out: list[str] = []
    for entry in fmt.files:
        notes = f"; free-text notes in `{entry.notes}`" if entry.notes else ""
        out.append(f"#### `{entry.file}` ({entry.role}; key `{entry.key}`{notes})\n")
        out.append("| column | type | meaning | canonical field | stored |")
        out.append("|---|---|---|---|---|")
        out.extend(
            f"| `{c.name}` | {c.type}{' (required)' if c.required else ''} | {c.description} "
            f"| {c.canonical or ''} | {'encrypted' if encrypted(fmt, entry, c) else 'clear'} |"
            for c in entry.columns
        )
        out.append("")
    return "\n".join(out)
