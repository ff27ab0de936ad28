"""Converting a batch of rows column by column: the fast path of :func:`layout.convert`.

Agencies repeat values (dates, codes, postcodes, names), so each column's values are looked
up in a memo of what they convert to: the JSON text their normalised field adds to the
record's ``normalised`` object, nothing, an *issue* (an optional value that cannot be
normalised) or *undecided* (a required value missing or wrong). A row's ``normalised`` JSON
is then one string join. Rows with an undecided value or no key are left to
:func:`joinedup.ingest.layout.convert`, record by record, so their problems are exactly the
ones it reports; every other row gets exactly the JSON text the record-by-record path stores
(``orjson`` of the same mapping, keys in the same order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import cast

import orjson

from joinedup.common.values import BadValue
from joinedup.common.values.text import clean_text
from joinedup.ingest.canonical import CLEANERS, Formats
from joinedup.ingest.layout import Column, Layout, typed_value

MEMO_LIMIT = 100_000  # distinct values remembered per column (then the memo starts again)
_ISSUES = "_issues"


class Issue:
    """An optional value that could not be normalised: its reason code goes to ``_issues``."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


Outcome = str | Issue | None
"""A JSON fragment (``"field":value,`` or ``""`` for nothing), an issue, or undecided."""


def fragment(name: str, value: object) -> str:
    """``"name":value,`` exactly as ``orjson`` writes that member of an object."""
    return orjson.dumps({name: value}).decode("utf-8")[1:-1] + ","


def _prefix(name: str) -> str:
    return orjson.dumps(name).decode("utf-8") + ":"


class ColumnMemo(dict[str, Outcome]):
    """One column's raw values and their outcomes, filled on first sight of a value."""

    def __init__(self, column: Column, formats: Formats) -> None:
        super().__init__()
        self.column = column
        self.output = column.canonical or column.name
        self.prefix = _prefix(self.output)  # '"name":', as orjson writes an object's key
        self.odd = False  # whether any value so far was an issue or undecided
        self.normalise = _normaliser(column, formats)

    def outcome(self, raw: str) -> Outcome:
        """What ``raw`` contributes, by the rules of :func:`joinedup.ingest.layout.convert`."""
        value = raw.strip()
        if not value:
            return None if self.column.required else ""
        try:
            result = self.normalise(value)
        except BadValue as exc:
            return None if self.column.required else Issue(exc.code)
        return self.prefix + orjson.dumps(result).decode("utf-8") + ","

    def __missing__(self, raw: str) -> Outcome:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        result = self[raw] = self.outcome(raw)
        if result.__class__ is not str:
            self.odd = True
        return result


def _normaliser(column: Column, formats: Formats) -> Callable[[str], object]:
    """The normalisation ``convert`` applies to a column's (stripped, non-empty) values."""
    if column.canonical:
        cleaner = CLEANERS.get(column.canonical)
        if cleaner is None:
            return clean_text
        return lambda value: cleaner(value, formats)
    return lambda value: typed_value(column, value, formats)


def _strings(outcomes: list[Outcome]) -> list[str]:
    return [o if isinstance(o, str) else "" for o in outcomes]


def _produces(column: Column) -> bool:
    return bool(column.canonical) or column.type not in ("text", "code")


class ColumnPlan:
    """How one layout converts the rows of a file with a given header."""

    def __init__(self, layout: Layout, header: Sequence[str], key_index: int) -> None:
        formats = layout.formats
        self.key_index = key_index
        present = [c for c in layout.columns if c.name in header]
        self.memos: list[tuple[int, ColumnMemo]] = [
            (header.index(c.name), ColumnMemo(c, formats)) for c in present if _produces(c)
        ]
        # required columns that add nothing to ``normalised``: only emptiness matters
        self.required = [header.index(c.name) for c in present if c.required and not _produces(c)]

    @classmethod
    def for_file(cls, layout: Layout, header: Sequence[str]) -> ColumnPlan | None:
        """The plan, or None when this layout and header need the record-by-record path.

        That is when the key or a required column is absent (every row is quarantined), a
        column name repeats, or two columns feed the same normalised field.
        """
        present = set(header)
        if len(present) != len(header) or layout.key not in present:
            return None
        if any(c not in present for c in layout.required_columns()):
            return None
        outputs = [c.canonical or c.name for c in layout.columns if _produces(c)] + [_ISSUES]
        names = [c.name for c in layout.columns]
        if len(set(outputs)) != len(outputs) or len(set(names)) != len(names):
            return None
        return cls(layout, header, header.index(layout.key))

    def convert(self, rows: Sequence[list[str]]) -> tuple[list[str], list[str | None]]:
        """Each row's key and ``normalised`` JSON text; None where the row is undecided."""
        keys = list(map(str.strip, map(itemgetter(self.key_index), rows)))
        undecided = {i for i, key in enumerate(keys) if not key} if "" in keys else set()
        for index in self.required:
            stripped = list(map(str.strip, map(itemgetter(index), rows)))
            if "" in stripped:
                undecided.update(i for i, value in enumerate(stripped) if not value)
        issues: set[int] = set()
        columns: list[list[Outcome]] = []
        odd: list[int] = []
        for position, (index, memo) in enumerate(self.memos):
            values = list(map(memo.__getitem__, map(itemgetter(index), rows)))
            columns.append(values)
            if memo.odd:
                odd.append(position)
                for i, outcome in enumerate(values):
                    if outcome.__class__ is not str:
                        (undecided if outcome is None else issues).add(i)
        joinable = [_strings(c) if p in odd else cast(list[str], c) for p, c in enumerate(columns)]
        texts: list[str | None] = (
            ["{" + s[:-1] + "}" for s in map("".join, zip(*joinable, strict=True))]
            if joinable
            else ["{}"] * len(rows)
        )
        for i in issues - undecided:
            texts[i] = self._with_issues([c[i] for c in columns])
        for i in undecided:
            texts[i] = None
        return keys, texts

    def _with_issues(self, outcomes: list[Outcome]) -> str:
        parts: list[str] = []
        found: dict[str, str] = {}
        for (_, memo), outcome in zip(self.memos, outcomes, strict=True):
            if isinstance(outcome, Issue):
                found[memo.column.name] = outcome.code
            elif outcome:
                parts.append(outcome)
        parts.append(fragment(_ISSUES, found))
        return "{" + "".join(parts)[:-1] + "}"
