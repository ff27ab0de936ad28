"""Values read from records: normalisers, transforms and compiled value functions.

A mapping's :class:`~joinedup.assemble.mapping.Value` is compiled once per run into a plain
function of a row (closures over column positions), so evaluating a mapping over a million
records costs a few function calls per value rather than re-interpreting the mapping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from joinedup.assemble.mapping import Ref, Value
from joinedup.common.values import BadValue
from joinedup.common.values.phones import clean_phone
from joinedup.common.values.places import clean_postcode, clean_vrm

if TYPE_CHECKING:
    from joinedup.assemble.rows import CompiledFile, Row

Fn = Callable[["Row"], Any]


class Context(Protocol):
    """What compiling a value needs: the files of a format and references between them."""

    def sibling(self, file: CompiledFile, table: str) -> CompiledFile:
        """The file ``table`` of the same format as ``file``."""

    def compile_ref(self, file: CompiledFile, ref: Ref) -> Any:
        """A compiled form of ``ref`` from rows of ``file``."""

    def ref_rows(self, row: Row, ref: Any) -> list[Row]:
        """The rows a compiled reference of ``row`` points to (latest first)."""


_NON_WORD = re.compile(r"[^0-9a-z]+")
_YES = frozenset({"y", "yes", "true", "1"})
_NO = frozenset({"n", "no", "false", "0"})


@lru_cache(maxsize=200_000)
def text_key(text: str) -> str:
    """A matching key for addresses and names: lower case, letters and digits, single spaces."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=200_000)
def postcode(value: str) -> str | None:
    """A canonical postcode (``DM4 6NS``), or None."""
    try:
        return clean_postcode(value)
    except BadValue:
        return None


@lru_cache(maxsize=200_000)
def vrm(value: str) -> str | None:
    """A canonical VRM (``YY58FFC``), or None for text that is not one (``blue ford``)."""
    try:
        mark = clean_vrm(value)
    except BadValue:
        return None
    if not (any(c.isdigit() for c in mark) and any(c.isalpha() for c in mark)):
        return None
    return mark


@lru_cache(maxsize=200_000)
def phone(value: str) -> str | None:
    """An E.164 phone number, or None."""
    try:
        return clean_phone(value)
    except BadValue:
        return None


def _yes_no(value: Any) -> bool | None:
    text = str(value).strip().casefold()
    return True if text in _YES else False if text in _NO else None


def _flags(value: Any) -> list[str] | None:
    if not isinstance(value, dict):
        return None
    return sorted(
        str(k).lower().removesuffix("_flag")
        for k, v in value.items()
        if str(v).strip().upper() == "Y"
    )


@lru_cache(maxsize=1000)
def _academic_year_start(value: Any) -> date | None:
    match = re.match(r"^\s*(\d{4})", str(value))
    return date(int(match.group(1)), 9, 1) if match else None


TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "yes_no": _yes_no,
    "flags": _flags,
    "academic_year_start": _academic_year_start,
    "vrm": lambda v: vrm(str(v)),
    "phone": lambda v: phone(str(v)),
    "postcode": lambda v: postcode(str(v)),
    "lower": lambda v: str(v).strip().lower() or None,
    "text": str,
}


def _each(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Apply ``fn`` to a value or to each element of a list (dropping Nones)."""

    def apply(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            out = [r for v in value if (r := fn(v)) is not None]
            return out or None
        return fn(value)

    return apply


def _test(spec: Value) -> Callable[[Any], Any] | None:
    if spec.values is not None:
        wanted = frozenset(v.casefold() for v in spec.values)

        def member(value: Any) -> bool | None:
            if isinstance(value, str):
                return value.casefold() in wanted
            if value is None:
                return None
            items = value if isinstance(value, list) else [value]
            return any(str(v).strip().casefold() in wanted for v in items)

        return member
    if spec.words is not None:
        pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(w.casefold()) for w in spec.words) + r")\b"
        )

        def has_word(value: Any) -> bool | None:
            if value is None:
                return None
            items = value if isinstance(value, list) else [value]
            return any(pattern.search(str(v).casefold()) for v in items)

        return has_word
    if spec.above is not None:
        limit = spec.above

        def above(value: Any) -> bool | None:
            try:
                return float(value) > limit if value is not None else None
            except (TypeError, ValueError):
                return None

        return above
    return None


def _steps(spec: Value, listy: bool) -> list[Callable[[Any], Any]]:
    steps: list[Callable[[Any], Any]] = []
    if spec.key is not None:
        key = spec.key
        steps.append(lambda v: (v.get(key) or None) if isinstance(v, dict) else None)
    if spec.split is not None:
        sep = spec.split
        steps.append(
            lambda v: (
                [p.strip() for p in str(v).split(sep) if p.strip()] or None
                if v is not None
                else None
            )
        )
    # after a split (or from a JSON column) the value may be a list: transform each element
    each = _each if listy or spec.split is not None else (lambda fn: fn)
    if spec.as_ is not None:
        steps.append(each(TRANSFORMS[spec.as_]))
    if spec.map is not None:
        table = {str(k): v for k, v in spec.map.items()}
        default = spec.default

        def mapped(value: Any) -> Any:
            found = table.get(str(value).strip())
            return found if found is not None else default if default is not None else value

        steps.append(each(mapped))
    test = _test(spec)
    if test is not None:
        steps.append(test)
    return steps


def compile_value(spec: Value | None, file: CompiledFile, ctx: Context) -> Fn | None:
    """A function of a row of ``file`` giving the value ``spec`` describes (None if absent)."""
    if spec is None:
        return None
    source = file
    if spec.ref is not None:
        source = ctx.sibling(file, spec.ref.file)
    json_column = spec.column is not None and source.sources[spec.column].type == "json"
    steps = _steps(spec, json_column and spec.key is None)
    when = compile_value(spec.when, file, ctx)
    base: Fn
    if spec.column is None:
        constant = spec.value
        base = lambda row: constant  # noqa: E731
    elif spec.ref is not None:
        ref = ctx.compile_ref(file, spec.ref)
        pos = ctx.sibling(file, spec.ref.file).position(spec.column)
        refs = ctx.ref_rows

        def base(row: Row) -> Any:
            found = refs(row, ref)
            return found[0].values[pos] if found else None

    else:
        pos = file.position(spec.column)
        base = lambda row: row.values[pos]  # noqa: E731

    if when is None and spec.column is not None and spec.ref is None:
        return _direct(file.position(spec.column), steps)
    if not steps and when is None:
        return base

    def value(row: Row) -> Any:
        if when is not None and not when(row):
            return None
        result = base(row)
        for step in steps:
            if result is None:
                return None
            result = step(result)
        return result

    return value


def _direct(pos: int, steps: list[Callable[[Any], Any]]) -> Fn:
    """A column of the row itself through up to two steps (the common, fast case)."""
    if not steps:
        return lambda row: row.values[pos]
    if len(steps) == 1:
        one = steps[0]
        return lambda row: None if (v := row.values[pos]) is None else one(v)
    if len(steps) == 2:
        first, second = steps

        def two(row: Row) -> Any:
            v = row.values[pos]
            if v is None:
                return None
            v = first(v)
            return None if v is None else second(v)

        return two

    def many(row: Row) -> Any:
        v = row.values[pos]
        for step in steps:
            if v is None:
                return None
            v = step(v)
        return v

    return many


def as_date(value: Any) -> date | None:
    """A date from a date or datetime value (None otherwise)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
