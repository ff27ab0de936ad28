"""References between records and whom each record is about.

Within an agency, records name each other by the agency's own keys (an SSD contact names
``pers_person_id``, a police link names a nominal and an incident, attendance names a pupil
by UPN). The :class:`Resolver` indexes rows by key (the latest version of a key wins when an
agency re-sends a record), follows references, and resolves every record's person:

1. a person record (``self``) takes its resolved person id from linkage;
2. otherwise (and for records that only refer to a person) the person of the referenced
   record, the most frequent one when several records share the key;
3. an unlinked person record with a ``group`` (client number, trust registration, UPN) is
   one person with the other records of its group (their linked id, else the smallest
   record id of the group);
4. else a person record is its own person (id = record id), and a reference to a record
   that is not there gives the person ``ref:<agency id>:<file>:<key>``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from joinedup.assemble.mapping import Ref
from joinedup.assemble.rows import CompiledFile, Row


@dataclass(frozen=True, slots=True)
class CRef:
    """A compiled reference: the column position in the source row, the target file and
    the position of the target's key column (None: the target's own agency key)."""

    pos: int
    file: str
    key_pos: int | None
    format: str


_UNKNOWN = object()


def majority(ids: Iterable[str | None]) -> str | None:
    """The most frequent id (ties: the smallest), or None."""
    found = [i for i in ids if i is not None]
    if len(found) <= 1:
        return found[0] if found else None
    counts = Counter(found)
    if not counts:
        return None
    return min(counts, key=lambda i: (-counts[i], i))


class Resolver:
    """Rows by key, references between them, and each row's person."""

    def __init__(
        self, files: dict[tuple[str, str], CompiledFile], person_ids: Mapping[str, str]
    ) -> None:
        self.files = files
        self.person_ids = person_ids
        self.rows: list[Row] = []
        self.superseded = 0
        self._by_key: dict[tuple[str, str, str], dict[str, Row]] = {}
        self._indexes: dict[tuple[str, str, int], dict[tuple[str, Any], list[Row]]] = {}
        self._pid: dict[str, str | None] = {}
        self._groups: dict[tuple[str, str, Any], str] = {}
        self._group_rows: dict[tuple[str, str], dict[tuple[str, Any], list[Row]]] = {}
        #: record ids that must be assembled together (a reference and its targets, a group;
        #: not a target that only gives a place, found by every partition's assembly)
        self.joins: list[tuple[str, ...]] = []
        #: rows only looked up by references (:meth:`add` with ``lookup``), not assembled
        self._lookup: set[str] = set()
        #: the references compiled for each file (by ``id``), for the place directory's reads
        self.refs: dict[int, list[CRef]] = {}

    # -- the Context of compiled values --------------------------------------------------

    def sibling(self, file: CompiledFile, table: str) -> CompiledFile:
        """The file ``table`` of the same format as ``file``."""
        return self.files[(file.format, table)]

    def compile_ref(self, file: CompiledFile, ref: Ref) -> CRef:
        """A reference from rows of ``file`` compiled to positions."""
        target = self.sibling(file, ref.file)
        key_pos = target.position(ref.key) if ref.key is not None else None
        compiled = CRef(file.position(ref.column), ref.file, key_pos, file.format)
        self.refs.setdefault(id(file), []).append(compiled)
        return compiled

    def ref_rows(self, row: Row, ref: CRef) -> list[Row]:
        """The rows ``row`` refers to through ``ref`` (empty when none is in scope)."""
        value = row.values[ref.pos]
        if value is None:
            return []
        agency = row.ref.agency_id
        if ref.key_pos is None:
            found = self._by_key.get((agency, ref.format, ref.file), {}).get(str(value))
            targets = [found] if found is not None else []
        else:
            targets = self._index(ref.format, ref.file, ref.key_pos).get((agency, value), [])
        joined = [t.ref.record_id for t in targets if not t.file.place_only]
        if joined:
            self.joins.append((row.ref.record_id, *joined))
        return targets

    def _index(self, fmt: str, table: str, pos: int) -> dict[tuple[str, Any], list[Row]]:
        index = self._indexes.get((fmt, table, pos))
        if index is None:
            index = {}
            for by_key in (v for k, v in self._by_key.items() if k[1:] == (fmt, table)):
                for row in sorted(by_key.values(), key=lambda r: r.rank, reverse=True):
                    value = row.values[pos]
                    if value is not None:
                        index.setdefault((row.ref.agency_id, value), []).append(row)
            self._indexes[(fmt, table, pos)] = index
        return index

    # -- loading ---------------------------------------------------------------------------

    def add(self, rows: Iterable[Row], *, lookup: bool = False) -> None:
        """Take rows in; of two with the same agency, file and key, the later batch wins.

        ``lookup``: rows that references may find but that are not assembled (the rows only
        giving places, for a partition's assembly; taken in again without ``lookup`` when
        they are the partition's own)."""
        for row in rows:
            key = (row.ref.agency_id, row.file.format, row.file.table)
            by_key = self._by_key.setdefault(key, {})
            old = by_key.get(row.ref.agency_key)
            if old is not None:
                if old.ref.record_id == row.ref.record_id:  # a lookup row the partition holds
                    if not lookup:
                        self._lookup.discard(row.ref.record_id)
                    continue
                self.superseded += 1
                if old.rank > row.rank:
                    continue
                self._lookup.discard(old.ref.record_id)
            by_key[row.ref.agency_key] = row
            if lookup:
                self._lookup.add(row.ref.record_id)
        # in record id order, so that any subset of records (a partition) is read in the
        # order the whole is (the first records of a person are cited first)
        self.rows = sorted(
            (
                r
                for by_key in self._by_key.values()
                for r in by_key.values()
                if r.ref.record_id not in self._lookup
            ),
            key=lambda r: r.ref.record_id,
        )

    # -- persons ---------------------------------------------------------------------------

    def person_of(self, row: Row) -> str | None:
        """The resolved person id of the person ``row`` is about (None: about no one)."""
        record_id = row.ref.record_id
        known = self._pid.get(record_id, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        self._pid[record_id] = None  # guards against reference cycles
        spec = row.file.spec.person
        pid: str | None = None
        if spec is not None:
            if spec.self_:
                pid = self.person_ids.get(record_id)
            ref: CRef | None = row.file.compiled.get("person_ref")
            if pid is None and ref is not None:
                targets = self.ref_rows(row, ref)
                if len(targets) == 1:
                    pid = self.person_of(targets[0])
                else:
                    pid = majority(self.person_of(t) for t in targets)
                if pid is None and not targets and not spec.self_:
                    value = row.values[ref.pos]
                    if value is not None:
                        pid = f"ref:{row.ref.agency_id}:{ref.file}:{value}"
            if pid is None and spec.self_:
                pid = self._group_person(row) or record_id
        self._pid[record_id] = pid
        return pid

    def _group_person(self, row: Row) -> str | None:
        group = row.file.compiled.get("person_group")
        if group is None:
            return None
        value = group(row)
        if value is None:
            return None
        file = row.file
        key = (row.ref.agency_id, file.table, value)
        found = self._groups.get(key)
        if found is None:
            members = self._members(file, group).get((row.ref.agency_id, value), [row])
            self.joins.append(tuple(m.ref.record_id for m in members))
            linked = majority(self.person_ids.get(m.ref.record_id) for m in members)
            found = self._groups[key] = linked or min(m.ref.record_id for m in members)
        return found

    def _members(self, file: CompiledFile, group: Any) -> dict[tuple[str, Any], list[Row]]:
        key = (file.format, file.table)
        members = self._group_rows.get(key)
        if members is None:
            members = {}
            for by_key in (v for k, v in self._by_key.items() if k[1:] == key):
                for row in by_key.values():
                    value = group(row)
                    if value is not None:
                        members.setdefault((row.ref.agency_id, value), []).append(row)
            self._group_rows[key] = members
        return members

    def resolved(self) -> dict[str, str]:
        """``record id -> person id`` for every row about a person (after :meth:`person_of`)."""
        return {rid: pid for rid, pid in self._pid.items() if pid is not None}
