"""The classification of every stored field, as data (``data/classification/fields.yml``).

Each column of each table, each canonical field of a source record's ``normalised`` mapping
and each column of each built-in agency format (a source record's ``payload``) has a class:
``special_category`` and ``free_text`` are stored only encrypted, ``matching_identifier`` is
kept in clear for linkage (with the reason), ``operational`` is clear, ``secret`` is kept
only hashed or encrypted by the identity path. The store derives each kind's encrypted
columns from it (:func:`encrypted_fields`), ingest the columns it encrypts, and
docs/security.md carries the table :func:`markdown` renders.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.common.documents import packaged, parse_document, read_text
from joinedup.common.errors import JoinedupError

FieldClass = Literal[
    "special_category", "free_text", "matching_identifier", "operational", "secret"
]
ENCRYPTED: frozenset[str] = frozenset({"special_category", "free_text"})
TABLE_START = "<!-- classification:start -->"
TABLE_END = "<!-- classification:end -->"


class ClassificationError(JoinedupError, ValueError):
    """The classification file is malformed, or a field is not classified."""


class ClassInfo(BaseModel):
    """One class: how its fields are stored, and what it covers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stored: Literal["encrypted", "clear", "hashed or encrypted"]
    meaning: str = Field(min_length=1)


class Canonical(BaseModel):
    """One canonical field's class (and, for an identifier, why it is kept in clear)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    class_: FieldClass = Field(alias="class")
    reason: str | None = None


FileClasses = dict[FieldClass, list[str]]


class Classification(BaseModel):
    """The whole classification document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classes: dict[FieldClass, ClassInfo]
    every_table: dict[str, FieldClass]
    tables: dict[str, dict[str, FieldClass]]
    table_reasons: dict[str, str]
    canonical: dict[str, Canonical]
    default_canonical: FieldClass
    formats: dict[str, dict[str, FileClasses]]
    format_reasons: dict[str, str]

    @model_validator(mode="after")
    def _consistent(self) -> Classification:
        for fmt, files in self.formats.items():
            for file, classes in files.items():
                names = [c for columns in classes.values() for c in columns]
                if len(set(names)) != len(names):
                    raise ValueError(f"formats.{fmt}.{file}: a column is classified twice")
        for key in self.table_reasons:
            table, _, column = key.partition(".")
            if self.table_class(table, column) != "matching_identifier":
                raise ValueError(f"table_reasons.{key}: not a matching identifier")
        for table, columns in self.tables.items():
            for column, cls in columns.items():
                if cls == "matching_identifier" and f"{table}.{column}" not in self.table_reasons:
                    raise ValueError(f"{table}.{column}: a matching identifier needs a reason")
        return self

    def table_class(self, table: str, column: str) -> FieldClass | None:
        """The class of a table's column (or JSON path), None when unclassified."""
        columns = self.tables.get(table, {})
        return columns.get(column) or (self.every_table.get(column) if columns else None)

    def encrypted_fields(self, table: str) -> tuple[str, ...]:
        """The columns and JSON paths of ``table`` stored only encrypted, in file order."""
        return tuple(c for c, cls in self.tables.get(table, {}).items() if cls in ENCRYPTED)

    def canonical_class(self, name: str) -> FieldClass:
        """The class of a canonical field (a name no format knows: the default)."""
        known = self.canonical.get(name)
        return known.class_ if known else self.default_canonical

    def format_class(self, fmt: str, file: str, column: str) -> FieldClass | None:
        """The class of an agency format's column, None when unclassified."""
        for cls, columns in self.formats.get(fmt, {}).get(file, {}).items():
            if column in columns:
                return cls
        return None


@cache
def classification() -> Classification:
    """The shipped classification, validated."""
    text, where = read_text(packaged("joinedup.model", "classification", "fields.yml"))
    return parse_document(
        Classification,
        text,
        where=where,
        what="field classification",
        error=ClassificationError,
    )


def encrypted_fields(table: str) -> tuple[str, ...]:
    """See :meth:`Classification.encrypted_fields`."""
    return classification().encrypted_fields(table)


def is_encrypted(cls: str | None) -> bool:
    """Whether fields of class ``cls`` are stored only encrypted."""
    return cls in ENCRYPTED


def _cells(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


def markdown(data: Classification | None = None) -> str:
    """The classification tables of docs/security.md (between its marker comments)."""
    data = data or classification()
    order: list[FieldClass] = [
        "special_category",
        "free_text",
        "matching_identifier",
        "operational",
        "secret",
    ]
    out = ["| class | stored | what it covers |", "|---|---|---|"]
    out += [f"| `{c}` | {data.classes[c].stored} | {data.classes[c].meaning} |" for c in order]
    out += [
        "",
        "Tables (columns every table carries, `id`, `agency_id`, `case_id`, "
        "`created_by`, `created_at`, are operational):",
        "",
    ]
    out += ["| table | " + " | ".join(f"`{c}`" for c in order) + " |", "|---|" + "---|" * 5]
    for table in sorted(data.tables):
        columns = data.tables[table]
        cells = [_cells([n for n, k in columns.items() if k == c]) for c in order]
        out.append(f"| `{table}` | " + " | ".join(cells) + " |")
    out += [
        "",
        "Canonical fields (`source_record.normalised`; a mapping profile's field of "
        f"another name is `{data.default_canonical}`):",
        "",
    ]
    out += ["| field | class | kept in clear because |", "|---|---|---|"]
    for name, entry in data.canonical.items():
        out.append(f"| `{name}` | `{entry.class_}` | {entry.reason or ''} |")
    out += [
        "",
        "Agency columns of the built-in formats (`source_record.payload`; encrypted "
        "columns are never cleaned into `normalised`):",
        "",
    ]
    shown = order[:4]
    out += ["| format / file | " + " | ".join(f"`{c}`" for c in shown) + " |"]
    out += ["|---|" + "---|" * len(shown)]
    for fmt in sorted(data.formats):
        for file, classes in data.formats[fmt].items():
            cells = [_cells(classes.get(c, [])) for c in shown]
            out.append(f"| {fmt} / `{file}` | " + " | ".join(cells) + " |")
    out += ["", "Why identifiers are kept in clear:", ""]
    reasons = {**{k: v for k, v in data.table_reasons.items()}, **data.format_reasons}
    out += [f"- `{name}`: {reason}" for name, reason in reasons.items()]
    return "\n".join(out) + "\n"


def with_classification_table(document: str, data: Classification | None = None) -> str:
    """``document`` (docs/security.md) with the text between its classification markers
    replaced by :func:`markdown`; a document without both markers is an error."""
    start, end = document.find(TABLE_START), document.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {TABLE_START} ... {TABLE_END} markers")
    head = document[: start + len(TABLE_START)]
    return f"{head}\n{markdown(data)}{document[end:]}"


if __name__ == "__main__":  # python -m joinedup.model.classification docs/security.md
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        doc = Path(name)
        doc.write_text(with_classification_table(doc.read_text(encoding="utf-8")), "utf-8")
