"""The lexicon file: every entry is valid, flags its examples and not its look-alikes; a
malformed lexicon fails loudly, naming the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from joinedup.safeguarding.language import LexiconError, check, default_lexicon, load
from joinedup.safeguarding.language.lexicon import parse

LEXICON = default_lexicon()
ENTRY_IDS = [e.id for e in LEXICON.entries]
CORE = {
    "putting-self-at-risk",
    "sexually-active",
    "relationship-with-adult",
    "boyfriend-adult",
    "child-prostitute",
    "prostitution",
    "prostituting-self",
    "promiscuous",
    "sexualised",
    "lifestyle-choice",
    "consenting",
    "risky-behaviour",
    "contacting-adults",
    "involved-in-exploitation",
}


def _entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "test-entry",
        "category": "responsibility",
        "patterns": ["bad phrase"],
        "examples": ["bad phrase"],
        "reason": "Why.",
        "suggestion": "Instead.",
        "source": "Test.",
    }
    entry.update(overrides)
    return entry


def test_packaged_lexicon_covers_the_core_list() -> None:
    assert set(ENTRY_IDS) >= CORE
    assert len(ENTRY_IDS) == len(set(ENTRY_IDS))
    for entry in LEXICON.entries:
        assert entry.reason.endswith(".") and entry.source


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_entry_flags_its_examples(entry_id: str) -> None:
    entry = LEXICON.entry(entry_id)
    for example in entry.examples:
        found = [f.entry_id for f in check(f"Note: {example}.")]
        assert entry_id in found, f"{example!r} gave {found}"


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_entry_does_not_flag_its_lookalikes(entry_id: str) -> None:
    for fine in LEXICON.entry(entry_id).lookalikes:
        assert check(f"Note: {fine}.") == [], fine


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "lex.yml"
    path.write_text(yaml.safe_dump({"version": 1, "entries": [_entry()]}), encoding="utf-8")
    lexicon = load(path)
    assert [f.entry_id for f in check("a BAD  phrase here", lexicon=lexicon)] == ["test-entry"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": ""}, "'reason' must be a non-empty string"),
        ({"suggestion": None}, "'suggestion' must be a non-empty string"),
        ({"patterns": []}, "'patterns' must be a non-empty list"),
        ({"patterns": ["bad (phrase"]}, "bad pattern"),
        ({"patterns": ["{nosuch} phrase"]}, "unknown macro {nosuch}"),
        ({"patterns": ["(?:x)?"]}, "matches empty text"),
        ({"examples": []}, "'examples' must not be empty"),
        ({"category": "misc"}, "category 'misc' is not one of"),
        ({"unless_after": ["(unclosed"]}, "bad pattern"),
        ({"age_rules": [{"under": 40, "reason": "r", "suggestion": "s"}]}, "'under'"),
        ({"colour": "red"}, "unknown field(s) colour"),
        ({"negation": "maybe"}, "'negation' must be one of ['flag', 'correct']"),
        ({"agent": "adult"}, "'agent' must be one of ['any', 'child']"),
    ],
)
def test_malformed_entry_fails_naming_it(overrides: dict[str, Any], message: str) -> None:
    raw = {"version": 1, "entries": [_entry(id="good-one"), _entry(id="broken-one", **overrides)]}
    with pytest.raises(LexiconError) as info:
        parse(raw)
    assert "'broken-one'" in str(info.value)
    assert message in str(info.value)


def test_bad_id_and_duplicates_fail() -> None:
    with pytest.raises(LexiconError, match="entry #1: 'id' must be a lower-case slug"):
        parse({"version": 1, "entries": [_entry(id="Bad Id")]})
    with pytest.raises(LexiconError, match="entry 'twice': duplicate id"):
        parse({"version": 1, "entries": [_entry(id="twice"), _entry(id="twice")]})
    with pytest.raises(LexiconError, match="'version'"):
        parse({"entries": [_entry()]})
    with pytest.raises(LexiconError, match="no entries"):
        parse({"version": 1, "entries": []})


def test_unreadable_or_invalid_yaml_fails(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot be read"):
        load(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match="cannot be read"):
        load(bad)


def test_agent_needs_a_scope_and_macros_and_scope_are_checked() -> None:
    with pytest.raises(LexiconError, match="need a 'scope' section"):
        parse({"version": 1, "entries": [_entry(agent="child")]})
    with pytest.raises(LexiconError, match="macro 'Bad'"):
        parse({"version": 1, "macros": {"Bad": "x"}, "entries": [_entry()]})
    with pytest.raises(LexiconError, match=r"macro 'two': unknown macro \{one\}"):
        parse({"version": 1, "macros": {"two": "{one} x"}, "entries": [_entry()]})
    with pytest.raises(LexiconError, match="macro 'bad': bad pattern"):
        parse({"version": 1, "macros": {"bad": "(x"}, "entries": [_entry()]})
    with pytest.raises(LexiconError, match="scope: unknown"):
        parse({"version": 1, "scope": {"child": ["she"]}, "entries": [_entry()]})
    with pytest.raises(LexiconError, match="unknown section"):
        parse({"version": 1, "extra": 1, "entries": [_entry()]})


def test_a_lexicon_macro_is_used_by_a_pattern() -> None:
    lexicon = parse(
        {
            "version": 1,
            "macros": {"colour": "(?:red|blue)", "thing": "{colour} car"},
            "entries": [_entry(patterns=["a {thing}"], examples=["a red car"])],
        }
    )
    assert [f.entry_id for f in check("It was a blue car.", lexicon=lexicon)] == ["test-entry"]
    assert check("It was a green car.", lexicon=lexicon) == []


def test_packaged_scope_and_policies() -> None:
    assert LEXICON.scope is not None
    assert LEXICON.entry("to-blame").negation == "correct"
    assert LEXICON.entry("promiscuous").negation == "flag"
    assert LEXICON.entry("child-instigates").agent == "child"
