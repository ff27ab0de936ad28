"""Every stored field is classified (issue 13, point 13): each column of each table, each
canonical field and each column of each built-in agency format; the classes decide what is
encrypted, and docs/security.md carries the table generated from the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import JSON

from joinedup.ingest.canonical import CLEANERS
from joinedup.ingest.formats import encrypted, formats, to_layout
from joinedup.model.classification import (
    TABLE_END,
    TABLE_START,
    classification,
    is_encrypted,
    markdown,
    with_classification_table,
)
from joinedup.store.kinds import KINDS_BY_NAME
from joinedup.store.tables import Base

SECURITY = Path(__file__).resolve().parents[2] / "docs" / "security.md"
# tables no door kind stands for, and how their encrypted fields are stored
OWN_PATHS = {"erasure.reason": "ActorSession.erase encrypts it"}


def _base(path: str) -> str:
    return path.split(".")[0].removesuffix("[]")


def test_every_column_of_every_table_is_classified() -> None:
    data = classification()
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if data.table_class(table.name, column.name) is None
    ]
    assert missing == []


def test_every_classified_column_exists_and_paths_are_inside_json_columns() -> None:
    tables = Base.metadata.tables
    for table, columns in classification().tables.items():
        assert table in tables, table
        for path in columns:
            column = tables[table].columns.get(_base(path))
            assert column is not None, f"{table}.{path}"
            if path != _base(path):
                assert isinstance(column.type, JSON), f"{table}.{path} is not inside JSON"


def test_every_canonical_field_is_classified() -> None:
    assert set(CLEANERS) <= set(classification().canonical)


def test_every_column_of_every_built_in_format_is_classified_as_its_canonical_field() -> None:
    data = classification()
    for fmt in formats().values():
        for entry in fmt.files:
            assert set(data.formats[fmt.format][entry.table]) <= set(data.classes)
            classified = {
                c for cols in data.formats[fmt.format][entry.table].values() for c in cols
            }
            assert classified == set(entry.names), (fmt.format, entry.table)
            for column in entry.columns:
                cls = data.format_class(fmt.format, entry.table, column.name)
                where = f"{fmt.format}/{entry.table}.{column.name}"
                if column.canonical:
                    assert cls == data.canonical_class(column.canonical), where
                if column.encrypt or column.name == entry.notes:
                    assert cls == "free_text", where


def test_every_identifier_kept_in_clear_says_why() -> None:
    data = classification()
    for name, entry in data.canonical.items():
        assert entry.class_ != "matching_identifier" or entry.reason, name
    for fmt in formats().values():
        for entry in fmt.files:
            for column in entry.columns:
                cls = data.format_class(fmt.format, entry.table, column.name)
                if cls == "matching_identifier" and not column.canonical:
                    assert column.name in data.format_reasons, (fmt.format, column.name)


def test_the_columns_classified_encrypted_are_the_ones_the_door_and_ingest_encrypt() -> None:
    data = classification()
    kinds = {k.table.__tablename__: k for k in KINDS_BY_NAME.values()}
    for table in Base.metadata.tables:
        wanted = set(data.encrypted_fields(table))
        if table in kinds:
            assert set(kinds[table].encrypted_columns) == wanted, table
        else:
            assert {f"{table}.{c}" for c in wanted} <= set(OWN_PATHS), table
    for fmt in formats().values():
        for entry in fmt.files:
            layout = to_layout(fmt, entry)
            for column, spec in zip(layout.columns, entry.columns, strict=True):
                cls = data.format_class(fmt.format, entry.table, spec.name)
                assert column.encrypt == is_encrypted(cls) == encrypted(fmt, entry, spec)
                assert not (column.encrypt and column.canonical)  # never cleaned in clear


@pytest.mark.parametrize(
    ("fmt", "table", "column"),
    [
        ("health", "attendances", "service"),
        ("health", "attendances", "presenting_complaint"),
        ("health", "attendances", "ethnic_category"),
        ("education", "pupils", "sen_provision"),
        ("education", "pupils", "ethnicity"),
        ("ssd", "ssd_person", "pers_ethnicity"),
        ("ssd", "ssd_person", "pers_send_flag"),
        ("police_pole", "persons", "ethnicity"),
        ("voluntary", "contacts", "cse_concern"),
    ],
)
def test_the_fields_found_in_clear_are_encrypted_now(fmt: str, table: str, column: str) -> None:
    found = formats()[fmt]
    layout = to_layout(found, found.file(table))
    assert next(c for c in layout.columns if c.name == column).encrypt


def test_decisions_actions_and_flag_summaries_are_encrypted_by_the_door() -> None:
    assert KINDS_BY_NAME["decision"].encrypted_columns == ("text",)
    assert {"description", "completion_note"} <= set(KINDS_BY_NAME["action"].encrypted_columns)
    flag = set(KINDS_BY_NAME["flag"].encrypted_columns)
    assert {"evidence.summary", "evidence.phrase", "resolution"} <= flag
    assert "briefing.flags[].summary" in KINDS_BY_NAME["agenda_item"].encrypted_columns


def test_security_md_carries_the_generated_classification_table() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text
    assert with_classification_table(text) == text, (
        "docs/security.md's classification table differs from the data; regenerate it with "
        "`.venv/bin/python -m joinedup.model.classification docs/security.md`"
    )


def test_the_table_has_a_row_per_table_and_per_canonical_field() -> None:
    table = markdown()
    for name in Base.metadata.tables:
        assert f"| `{name}` |" in table
    for name in CLEANERS:
        assert f"| `{name}` | `" in table
    assert "| health / `attendances` | `ethnic_category`, `service`, `presenting_complaint`" in (
        table
    )


def test_a_document_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_classification_table("# Security\n")
