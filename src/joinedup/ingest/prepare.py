"""Preparing a file's rows for the store: read, check, convert, encrypt — no database.

:func:`prepare` is a generator: first the :class:`FileInfo`, then :class:`Chunk` objects of
ready-to-insert source records and quarantined rows, not yet bound to a batch (the importing
process binds them: :meth:`Chunk.source_records`, :meth:`Chunk.quarantined`), so a file can
be prepared ahead of its import (:mod:`joinedup.ingest.worker`).

Delimited files take the fast path: a batch of rows at a time, values converted column by
column (:mod:`joinedup.ingest.columns`), each source record's JSON written once, the chunk
held by column (:class:`ColumnRows`). A row the fast path cannot decide alone, and every
record of other files (XLSX), goes through :func:`joinedup.ingest.layout.convert` one record
at a time; both paths store exactly the same values and quarantine exactly the same rows.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import orjson

from joinedup.ingest.columns import ColumnPlan
from joinedup.ingest.layout import Converted, Layout, convert
from joinedup.ingest.reader import (
    DelimitedRecords,
    FileInfo,
    Opener,
    Problem,
    Record,
    RowBatch,
    storable,
)
from joinedup.model.base import new_id
from joinedup.store.bulk import ColumnRows
from joinedup.store.hooks import FieldCrypto

CHUNK = 5000
_PER_ROW = ("id", "agency_key", "payload", "normalised", "row_number")
_VARIANT = dict(zip("0123456789abcdef", "89ab89ab89ab89ab", strict=True))


def new_ids(count: int) -> list[str]:
    """``count`` fresh random ids of the same form as :func:`joinedup.model.base.new_id`.

    UUID version 4 strings, made from one read of the operating system's random source.
    """
    digits = os.urandom(16 * count).hex()
    ids: list[str] = []
    for at in range(0, 32 * count, 32):
        h = digits[at : at + 32]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}")
    return ids


@dataclass(frozen=True)
class Target:
    """Where prepared rows go: agency, batch, acting user, time, file name."""

    agency_id: str
    batch_id: str
    user_id: str
    now: datetime
    file_name: str

    def record_shared(self, layout: Layout) -> dict[str, Any]:
        """The column values every source record of the batch shares."""
        return {
            "agency_id": self.agency_id,
            "created_by": self.user_id,
            "created_at": self.now,
            "batch_id": self.batch_id,
            "source_id": None,
            "record_type": layout.record_type,
        }

    def quarantine_shared(self) -> dict[str, Any]:
        """The column values every quarantined row of the batch shares."""
        return {
            "agency_id": self.agency_id,
            "created_by": self.user_id,
            "created_at": self.now,
            "batch_id": self.batch_id,
            "file_name": self.file_name,
        }


@dataclass
class Chunk:
    """Prepared rows, without the values their batch gives them, and what was counted."""

    records: ColumnRows = field(default_factory=lambda: ColumnRows({}, {}))
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    rows_read: int = 0
    duplicates: int = 0
    chars: int = 0

    def source_records(self, target: Target, layout: Layout) -> ColumnRows:
        """The new source records of ``target``'s batch."""
        return ColumnRows(self.records.columns, target.record_shared(layout))

    def quarantined(self, target: Target) -> list[dict[str, Any]]:
        """The new quarantined rows of ``target``'s batch."""
        shared = target.quarantine_shared()
        return [{**shared, **row} for row in self.quarantine]


def _json(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode("utf-8")


def _record_values(
    row_id: str, record: Record, converted: Converted, cipher: FieldCrypto
) -> dict[str, Any]:
    payload = converted.payload
    for column in converted.encrypt:
        payload[column] = cipher.encrypt(
            payload[column], table="source_record", column=f"payload.{column}", row_id=row_id
        )
    return {
        "id": row_id,
        "agency_key": converted.agency_key,
        "payload": payload,
        "normalised": converted.normalised,
        "row_number": record.number,
    }


def record_row(
    target: Target, layout: Layout, record: Record, converted: Converted, cipher: FieldCrypto
) -> dict[str, Any]:
    """The column values of a new source record (free text encrypted)."""
    return {**target.record_shared(layout), **_record_values(new_id(), record, converted, cipher)}


def _quarantine_values(record: Record, problem: Problem, cipher: FieldCrypto) -> dict[str, Any]:
    row_id = new_id()
    return {
        "id": row_id,
        "row_number": record.number,
        "line": record.line,
        "field": problem.field,
        "reason": problem.code,
        "message": problem.message[:500],
        "raw": cipher.encrypt(
            storable(record.raw), table="quarantine", column="raw", row_id=row_id
        ),
        "status": "open",
        "record_id": None,
        "resolved_by": None,
        "resolved_at": None,
        "resolution_note": None,
    }


class _File:
    """One file's preparation: the keys and contents seen so far, the chunk being filled."""

    def __init__(self, layout: Layout, info: FileInfo, cipher: FieldCrypto) -> None:
        self.layout, self.header, self.cipher = layout, info.header, cipher
        missing = layout.missing_columns(info.header)
        self.missing = (
            Problem(
                "missing_column",
                f"required column(s) {', '.join(missing)} missing from the file",
                missing[0],
            )
            if missing
            else None
        )
        self.plan = None if self.missing else ColumnPlan.for_file(layout, info.header)
        self.encrypt = [
            (info.header.index(name), name, f"payload.{name}")
            for name in dict.fromkeys(layout.encrypted_names(info.header))
        ]
        self.seen_keys: dict[str, int] = {}
        self.seen_content: set[int] = set()
        self.content = _content(len(info.header), self.plan.key_index if self.plan else 0)
        self._start()

    def _start(self) -> None:
        self.chunk = Chunk()
        self.ids: list[str] = []
        self.keys: list[str] = []
        self.payloads: list[str] = []
        self.normalised: list[str] = []
        self.numbers: list[int] = []

    def take(self) -> Chunk:
        """The chunk filled so far (a new one is started)."""
        chunk = self.chunk
        columns = (self.ids, self.keys, self.payloads, self.normalised, self.numbers)
        chunk.records = ColumnRows(dict(zip(_PER_ROW, columns, strict=True)), {})
        self._start()
        return chunk

    def size(self) -> int:
        """Rows in the chunk being filled."""
        return len(self.ids) + len(self.chunk.quarantine)

    def quarantine(self, record: Record, problem: Problem) -> None:
        """Quarantine ``record`` for ``problem``."""
        self.chunk.reasons[problem.code] += 1
        self.chunk.quarantine.append(_quarantine_values(record, problem, self.cipher))

    def one(self, record: Record) -> None:
        """Prepare one record the record-by-record way (the caller counts it as read)."""
        layout = self.layout
        outcome: Converted | Problem = record.problem or self.missing or convert(layout, record)
        if isinstance(outcome, Converted):
            first = self.seen_keys.setdefault(outcome.agency_key, record.number)
            if first != record.number:
                outcome = Problem(
                    "duplicate_key", f"key already used by row {first} of this file", layout.key
                )
        if isinstance(outcome, Problem):
            self.quarantine(record, outcome)
            return
        digest = hash(tuple(v for k, v in record.values.items() if k != layout.key))
        if digest in self.seen_content:
            self.chunk.duplicates += 1
        self.seen_content.add(digest)
        values = _record_values(new_id(), record, outcome, self.cipher)
        self.ids.append(values["id"])
        self.keys.append(outcome.agency_key)
        self.payloads.append(_json(values["payload"]))
        self.normalised.append(_json(values["normalised"]))
        self.numbers.append(record.number)

    def batch(self, batch: RowBatch) -> None:
        """Prepare a batch of rows: column by column where the plan allows."""
        self.chunk.rows_read += len(batch.rows)
        plan = self.plan
        if plan is None:
            for index in range(len(batch.rows)):
                self.one(batch.record(index))
            return
        problems, rows = batch.problems, batch.rows
        if not problems:
            keys, texts = plan.convert(rows)
        else:
            clean = [i for i in range(len(rows)) if i not in problems]
            some_keys, some_texts = plan.convert([rows[i] for i in clean])
            keys, texts = [""] * len(rows), [None] * len(rows)
            for at, key, text in zip(clean, some_keys, some_texts, strict=True):
                keys[at], texts[at] = key, text
        numbers = range(batch.first_number, batch.first_number + len(rows))
        if (
            None not in texts
            and len(set(keys)) == len(keys)
            and self.seen_keys.keys().isdisjoint(keys)
        ):
            self._accept_all(rows, keys, cast(list[str], texts), numbers)
        else:
            self._accept_each(batch, keys, texts)

    def _payloads(self, rows: list[list[str]], ids: list[str]) -> list[str]:
        """Each row's payload as JSON text: verbatim values, free text encrypted."""
        payloads = list(map(dict, map(zip, repeat(self.header), rows)))
        encrypt = self.cipher.encrypt
        for _, name, label in self.encrypt:
            for payload, row_id in zip(payloads, ids, strict=True):
                value = payload[name]
                if value:
                    payload[name] = encrypt(
                        value, table="source_record", column=label, row_id=row_id
                    )
        return list(map(bytes.decode, map(orjson.dumps, payloads)))

    def _accept_all(
        self, rows: list[list[str]], keys: list[str], texts: list[str], numbers: range
    ) -> None:
        """Accept every row of a batch with distinct new keys and every row converted."""
        self.seen_keys.update(zip(keys, numbers, strict=True))
        seen_content = self.seen_content
        before = len(seen_content)
        seen_content.update(map(hash, map(self.content, rows)))
        self.chunk.duplicates += len(rows) - (len(seen_content) - before)
        ids = new_ids(len(rows))
        self.ids.extend(ids)
        self.keys.extend(keys)
        self.payloads.extend(self._payloads(rows, ids))
        self.normalised.extend(texts)
        self.numbers.extend(numbers)

    def _accept_each(self, batch: RowBatch, keys: list[str], texts: list[str | None]) -> None:
        """Accept or quarantine the rows of a batch one by one."""
        seen_keys, seen_content, content = self.seen_keys, self.seen_content, self.content
        for i, row in enumerate(batch.rows):
            number = batch.first_number + i
            text = texts[i]
            if text is None:  # a reader problem, or undecided: the record-by-record path
                self.one(batch.record(i))
                continue
            first = seen_keys.setdefault(keys[i], number)
            if first != number:
                problem = Problem(
                    "duplicate_key",
                    f"key already used by row {first} of this file",
                    self.layout.key,
                )
                self.quarantine(batch.record(i), problem)
                continue
            digest = hash(content(row))
            if digest in seen_content:
                self.chunk.duplicates += 1
            else:
                seen_content.add(digest)
            row_id = new_id()
            self.ids.append(row_id)
            self.keys.append(keys[i])
            self.payloads.append(self._payloads([row], [row_id])[0])
            self.normalised.append(text)
            self.numbers.append(number)


def _content(width: int, key_index: int) -> Callable[[list[str]], tuple[str, ...]]:
    """A row's values other than its key, as a tuple (what repeated rows are told by)."""
    others = [i for i in range(width) if i != key_index]
    if len(others) > 1:
        return itemgetter(*others)
    return lambda row: tuple(row[i] for i in others)


def _chunks(state: _File, records: Iterator[Record]) -> Iterator[Chunk]:
    if isinstance(records, DelimitedRecords):
        seen = 0
        for batch in records.batches(CHUNK):
            state.batch(batch)
            state.chunk.chars, seen = batch.chars - seen, batch.chars
            yield state.take()
        return
    for record in records:
        state.chunk.rows_read += 1
        state.chunk.chars += len(record.raw)
        state.one(record)
        if state.size() >= CHUNK:
            yield state.take()
    if state.chunk.rows_read:
        yield state.take()


def prepare(
    path: Path, layout: Layout, opener: Opener, cipher: FieldCrypto
) -> Iterator[FileInfo | Chunk]:
    """Yield the file's info, then chunks of prepared rows (see the module docstring)."""
    info, records = opener(path, layout)
    yield info
    state = _File(layout, info, cipher)
    empty = True
    for chunk in _chunks(state, records):
        empty = False
        yield chunk
    if empty:
        yield state.take()
