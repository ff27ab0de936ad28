"""Hard conflicts: values two records of one person cannot disagree on.

Two different NHS numbers, UPNs or police ids, two different sexes, or dates of birth that no
recording error explains mean two different people, whatever the names say. Clustering
(:mod:`joinedup.linkage.cluster`) refuses any join that would put such values in one
person, so a chain of links through records without identifiers cannot merge two people
who each have one.

Dates of birth conflict when they are more than about 13 months apart and no single
recording error explains them (one character mistyped, ``1985``/``1958``; day and month
swapped). Closer dates are left to the model's date comparison: a year keyed one out, a
day or month slipped, or an estimated date of birth (``2003-01-01`` for a child whose age
was assessed) must not split a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.prepare import IDENTIFIER_COLUMNS

Values = dict[str, frozenset[str]]


#: Identifiers that are a hard conflict by default. The police id is left to the model:
#: the simulated borough issues a new PNC id for every police nominal and probation case
#: (one person holds several), so as a hard conflict it splits offenders' records.
DEFAULT_CONFLICT_IDENTIFIERS: tuple[str, ...] = ("nhs_number", "upn")


@dataclass(frozen=True)
class ConflictRules:
    """Which values may not disagree inside one person.

    ``identifiers`` are prepared identifier columns (a subset of
    :data:`joinedup.linkage.prepare.IDENTIFIER_COLUMNS`); add ``police_id`` where police
    data carry one reliable PNC id per person.
    """

    identifiers: tuple[str, ...] = DEFAULT_CONFLICT_IDENTIFIERS
    sex: bool = True
    date_of_birth: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.identifiers) - set(IDENTIFIER_COLUMNS)
        if unknown:
            raise ValueError(f"unknown identifier columns {sorted(unknown)}")

    @property
    def columns(self) -> tuple[str, ...]:
        """The prepared columns the rules read."""
        extra = (("sex",) if self.sex else ()) + (("date_of_birth",) if self.date_of_birth else ())
        return (*self.identifiers, *extra)


NO_CONFLICTS = ConflictRules(identifiers=(), sex=False, date_of_birth=False)


def _damerau_at_most_one(a: str, b: str) -> bool:
    if len(a) != len(b):
        shorter, longer = (a, b) if len(a) < len(b) else (b, a)
        if len(longer) - len(shorter) > 1:
            return False
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) <= 1:
        return True
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i, j = diffs
        return a[i] == b[j] and a[j] == b[i]
    return False


#: Dates of birth further apart than this (about 13 months) conflict unless one recording
#: error explains them; closer dates are left to the model (an estimated date of birth, a
#: year keyed one out, a day or month slipped).
MAX_DOB_GAP_DAYS = 400


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@lru_cache(maxsize=1 << 16)
def dob_compatible(a: str, b: str) -> bool:
    """Whether two ``YYYY-MM-DD`` dates of birth could belong to one person.

    Compatible: the same date; one character mistyped or two adjacent ones transposed
    (``1985``/``1958``); day and month swapped; or at most :data:`MAX_DOB_GAP_DAYS`
    apart. A string that is not a calendar date is compared by its year (one out at most).
    """
    if a == b or _damerau_at_most_one(a, b):
        return True
    if len(a) != 10 or len(b) != 10:
        return False
    if a[:4] == b[:4] and {a[5:7], a[8:10]} == {b[5:7], b[8:10]}:
        return True  # day and month swapped
    first, second = _as_date(a), _as_date(b)
    if first is not None and second is not None:
        return abs((first - second).days) <= MAX_DOB_GAP_DAYS
    years = a[:4] + b[:4]
    return years.isdigit() and abs(int(a[:4]) - int(b[:4])) <= 1


def values_conflict(column: str, left: frozenset[str], right: frozenset[str]) -> bool:
    """Whether joining two groups with these values of ``column`` would be a conflict.

    Identifiers and sex conflict when both groups have values and neither group's values
    contain the other's; dates of birth when any pair across the groups is incompatible.
    """
    if not left or not right:
        return False
    if column == "date_of_birth":
        return any(not dob_compatible(a, b) for a in left for b in right)
    return not (left <= right or right <= left)


@dataclass(frozen=True)
class RecordValues:
    """The rules' columns for every record: ``record_ids`` and aligned value arrays."""

    record_ids: pa.Array
    columns: dict[str, pa.Array]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Mapping[str, str]]) -> RecordValues:
        """From ``column -> {record_id: value}``."""
        ids = sorted({record for by_record in mapping.values() for record in by_record})
        return cls(
            pa.array(ids, pa.string()),
            {
                column: pa.array([by_record.get(r) for r in ids], pa.string())
                for column, by_record in mapping.items()
            },
        )

    def __bool__(self) -> bool:
        return bool(self.columns)

    def aligned(self, ids: pa.Array) -> dict[str, pa.Array]:
        """Each column's values for ``ids``, in that order (null for unknown records)."""
        if ids.equals(self.record_ids):
            return self.columns
        index = pc.index_in(ids, value_set=self.record_ids)
        return {column: values.take(index) for column, values in self.columns.items()}


def as_record_values(
    values: RecordValues | Mapping[str, Mapping[str, str]] | None,
) -> RecordValues | None:
    """``values`` as :class:`RecordValues` (``None`` or empty stays ``None``)."""
    if values is None or isinstance(values, RecordValues):
        return values or None
    return RecordValues.from_mapping(values) if values else None


def record_values(prepared: pa.Table, rules: ConflictRules) -> RecordValues:
    """The rules' columns of a prepared table (columns with no value at all are left out)."""
    columns: dict[str, pa.Array] = {}
    for column in rules.columns:
        if column in prepared.column_names and prepared[column].null_count < len(prepared):
            columns[column] = prepared[column].combine_chunks()
    return RecordValues(prepared["record_id"].combine_chunks(), columns)


def value_sets(
    aligned: Mapping[str, pa.Array], positions: Iterable[int]
) -> dict[str, frozenset[str]]:
    """The set of each column's values over the records at ``positions``."""
    index = pa.array(list(positions), pa.int64())
    out: dict[str, frozenset[str]] = {}
    for column, values in aligned.items():
        found = frozenset(v for v in values.take(index).to_pylist() if v is not None)
        if found:
            out[column] = found
    return out


def merge_value_sets(
    left: Mapping[str, frozenset[str]], right: Mapping[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """Two groups' value sets joined."""
    out = dict(left)
    for column, found in right.items():
        out[column] = out.get(column, frozenset()) | found
    return out


def groups_conflict(
    left: Mapping[str, frozenset[str]], right: Mapping[str, frozenset[str]]
) -> bool:
    """Whether two groups' value sets (from :func:`value_sets`) conflict in any column."""
    return any(
        values_conflict(column, left[column], right[column])
        for column in left.keys() & right.keys()
    )


def self_conflicting(values: Mapping[str, frozenset[str]]) -> bool:
    """Whether one group already holds conflicting values."""
    for column, found in values.items():
        if len(found) < 2:
            continue
        if column != "date_of_birth":
            return True
        ordered = sorted(found)
        if any(not dob_compatible(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]):
            return True
    return False
