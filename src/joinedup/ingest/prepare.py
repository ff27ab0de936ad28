"""Preparing a file's rows for the store: read, check, convert, encrypt — no database.

:func:`prepare` is a generator: first the :class:`FileInfo`, then :class:`Chunk` objects of
ready-to-insert source records and quarantined rows. :func:`prepare_in_worker` runs the same
generator in a child process, so on a multi-core machine reading and converting overlap with
inserting (the child stops by itself if its parent is killed).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from joinedup.access.crypto import FieldCipher
from joinedup.ingest.layout import Converted, Layout, convert
from joinedup.ingest.reader import FileInfo, Opener, Problem, Record, storable
from joinedup.model.base import new_id

CHUNK = 5000


@dataclass(frozen=True)
class Target:
    """Where prepared rows go: agency, batch, acting user, time, file name."""

    agency_id: str
    batch_id: str
    user_id: str
    now: datetime
    file_name: str


@dataclass
class Chunk:
    """Prepared rows and what was counted while preparing them."""

    records: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    rows_read: int = 0
    duplicates: int = 0
    chars: int = 0


def _json(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode("utf-8")


def record_row(
    target: Target, layout: Layout, record: Record, converted: Converted, cipher: FieldCipher
) -> dict[str, Any]:
    """The column values of a new source record (free text encrypted, JSON serialised)."""
    row_id = new_id()
    payload = converted.payload
    for column in converted.encrypt:
        payload[column] = cipher.encrypt(
            payload[column], table="source_record", column=f"payload.{column}", row_id=row_id
        )
    return {
        "id": row_id,
        "agency_id": target.agency_id,
        "created_by": target.user_id,
        "created_at": target.now,
        "batch_id": target.batch_id,
        "source_id": None,
        "record_type": layout.record_type,
        "agency_key": converted.agency_key,
        "payload": payload,
        "normalised": converted.normalised,
        "row_number": record.number,
    }


def quarantine_row(
    target: Target, record: Record, problem: Problem, cipher: FieldCipher
) -> dict[str, Any]:
    """The column values of a new quarantined row (its verbatim text encrypted)."""
    row_id = new_id()
    return {
        "id": row_id,
        "agency_id": target.agency_id,
        "created_by": target.user_id,
        "created_at": target.now,
        "batch_id": target.batch_id,
        "file_name": target.file_name,
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


def prepare(
    path: Path, layout: Layout, opener: Opener, cipher: FieldCipher, target: Target
) -> Iterator[FileInfo | Chunk]:
    """Yield the file's info, then chunks of prepared rows (see the module docstring)."""
    info, records = opener(path, layout)
    yield info
    missing = layout.missing_columns(info.header)
    missing_problem = (
        Problem(
            "missing_column",
            f"required column(s) {', '.join(missing)} missing from the file",
            missing[0],
        )
        if missing
        else None
    )
    seen_keys: dict[str, int] = {}
    seen_content: set[int] = set()
    chunk = Chunk()
    for record in records:
        chunk.rows_read += 1
        chunk.chars += len(record.raw)
        outcome: Converted | Problem = record.problem or missing_problem or convert(layout, record)
        if isinstance(outcome, Converted):
            first = seen_keys.get(outcome.agency_key)
            if first is not None:
                outcome = Problem(
                    "duplicate_key", f"key already used by row {first} of this file", layout.key
                )
            else:
                seen_keys[outcome.agency_key] = record.number
        if isinstance(outcome, Problem):
            chunk.reasons[outcome.code] += 1
            chunk.quarantine.append(quarantine_row(target, record, outcome, cipher))
        else:
            digest = hash(tuple(v for k, v in record.values.items() if k != layout.key))
            if digest in seen_content:
                chunk.duplicates += 1
            seen_content.add(digest)
            chunk.records.append(record_row(target, layout, record, outcome, cipher))
        if len(chunk.records) + len(chunk.quarantine) >= CHUNK:
            yield chunk
            chunk = Chunk()
    yield chunk


_DONE = "done"


def _produce(out: Any, parent: int, args: tuple[Any, ...]) -> None:
    def send(item: object) -> None:
        while True:
            try:
                out.put(item, timeout=1.0)
                return
            except queue.Full:
                if os.getppid() != parent:  # the importing process is gone: stop
                    os._exit(1)

    try:
        for item in prepare(*args):
            send(item)
    except BaseException as exc:
        send(exc)
        return
    send(_DONE)


def prepare_in_worker(
    path: Path, layout: Layout, opener: Opener, cipher: FieldCipher, target: Target
) -> Iterator[FileInfo | Chunk]:
    """:func:`prepare` in a forked child process; exceptions are re-raised here."""
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=4)
    worker = context.Process(
        target=_produce,
        args=(channel, os.getpid(), (path, layout, opener, cipher, target)),
        daemon=True,
    )
    worker.start()
    try:
        while True:
            item = channel.get()
            if isinstance(item, BaseException):
                raise item
            if item == _DONE:
                return
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
