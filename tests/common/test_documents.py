"""The one YAML document loader: safe YAML, errors naming file, line and field, versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from joinedup.common.documents import (
    DocumentError,
    line_of,
    load_yaml,
    packaged,
    parse_document,
    read_text,
)
from joinedup.common.errors import JoinedupError


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    weight: int = Field(ge=0)


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    items: list[_Item]


class _MyError(DocumentError):
    pass


GOOD = "version: 1\nitems:\n  - code: a\n    weight: 1\n  - code: b\n    weight: 2\n"


def test_a_good_document_parses_into_its_model() -> None:
    doc = parse_document(_Doc, GOOD, where="doc.yml", what="test document")
    assert [i.code for i in doc.items] == ["a", "b"]


def test_a_validation_error_names_file_line_field_and_value() -> None:
    text = GOOD.replace("weight: 2", "weight: -5")
    with pytest.raises(DocumentError) as caught:
        parse_document(_Doc, text, where="doc.yml", what="test document")
    message = str(caught.value)
    assert message.startswith("doc.yml: invalid test document: line 6 items.1.weight:")
    assert "(given -5)" in message
    assert "\n" not in message


def test_bad_yaml_names_the_line_and_raises_the_callers_error() -> None:
    with pytest.raises(_MyError, match=r"^doc\.yml line 3: cannot be read: not valid YAML"):
        load_yaml("a: 1\nb: [\n  c: d: e\n", where="doc.yml", error=_MyError)


def test_several_problems_are_all_named_in_one_line() -> None:
    text = "version: 1\nitems:\n  - code: a\n    weight: -1\n    colour: red\n"
    with pytest.raises(DocumentError) as caught:
        parse_document(_Doc, text, where="doc.yml", what="test document")
    message = str(caught.value)
    assert "line 4 items.0.weight" in message
    assert "line 5 items.0.colour" in message
    assert "\n" not in message


def test_the_version_check() -> None:
    assert load_yaml(GOOD, where="d", versions={1, 2})["version"] == 1
    assert load_yaml(GOOD, where="d", versions=())["version"] == 1
    with pytest.raises(DocumentError, match="version 1 is not supported"):
        load_yaml(GOOD, where="d", versions={2})
    with pytest.raises(DocumentError, match="has no 'version:'"):
        load_yaml("items: []", where="d", versions=())


def test_document_errors_are_platform_errors_and_value_errors() -> None:
    assert issubclass(DocumentError, JoinedupError)
    assert issubclass(DocumentError, ValueError)


def test_packaged_and_user_files_read_the_same_way(tmp_path: Path) -> None:
    text, name = read_text(packaged("joinedup.safeguarding", "rules.yml"))
    assert name == "rules.yml"
    assert "version" in load_yaml(text, where=name, versions=())
    own = tmp_path / "own.yml"
    own.write_text(GOOD, encoding="utf-8")
    assert read_text(own) == (GOOD, "own.yml")
    assert read_text(str(own)) == (GOOD, "own.yml")


@given(st.lists(st.integers(min_value=0, max_value=99), min_size=1, max_size=8), st.data())
def test_line_of_finds_each_list_item(weights: list[int], data: st.DataObject) -> None:
    lines = ["version: 1", "items:"]
    for i, w in enumerate(weights):
        lines += [f"  - code: c{i}", f"    weight: {w}"]
    index = data.draw(st.integers(min_value=0, max_value=len(weights) - 1))
    assert line_of("\n".join(lines), ("items", index, "weight")) == 4 + 2 * index
    assert line_of("\n".join(lines), ("items", index, "nothing")) == 3 + 2 * index
