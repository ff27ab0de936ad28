"""docs/safeguarding.md lists every lexicon entry (the table generated from the lexicon)."""

from __future__ import annotations

from pathlib import Path

from joinedup.safeguarding.language import default_lexicon
from joinedup.safeguarding.language.lexicon import markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "safeguarding.md"


def test_lexicon_table_is_in_the_docs_verbatim() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = markdown_table(default_lexicon())
    missing = [line for line in table.splitlines() if line not in text]
    assert not missing, "regenerate the table in docs/safeguarding.md:\n" + "\n".join(missing)
    assert table in text


def test_every_entry_is_in_the_table() -> None:
    table = markdown_table(default_lexicon())
    for entry in default_lexicon().entries:
        assert f"`{entry.id}`" in table
