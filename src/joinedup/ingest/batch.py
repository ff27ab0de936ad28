"""One file in, as one atomic, idempotent, audited batch.

The whole file is read inside one door session (one transaction): the batch row, every
source record, every quarantined row and the audit rows commit together or not at all, so a
killed import leaves no partial batch. A file whose SHA-256 was already imported completely
by the same agency is not imported again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

from joinedup.access.crypto import FieldCipher
from joinedup.access.directory import agency_by_name
from joinedup.ingest.layout import Converted, Layout, convert
from joinedup.ingest.reader import FileInfo, Problem, Record, read_delimited, storable
from joinedup.model.base import new_id, utcnow
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import ActorSession

CHUNK = 5000
Progress = Callable[[int, int], None]  # (characters read so far, rows read so far)
Opener = Callable[[Path, Layout], tuple[FileInfo, Iterator[Record]]]


@dataclass
class BatchReport:
    """Reconciliation of one file: rows read = accepted + quarantined, always."""

    file: str
    agency: str
    format: str
    record_type: str
    status: str = "imported"  # imported | already_imported
    batch_id: str | None = None
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    blank_lines: int = 0
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_delimited(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    return read_delimited(path, layout.encoding, layout.delimiter)


class _Writer:
    """Buffers accepted and quarantined rows and writes them in chunks."""

    def __init__(self, session: ActorSession, cipher: FieldCipher, batch: Batch, name: str) -> None:
        self.session, self.cipher, self.batch, self.name = session, cipher, batch, name
        self.records: list[dict[str, Any]] = []
        self.quarantine: list[dict[str, Any]] = []
        self.now = utcnow()

    def accept(self, layout: Layout, record: Record, converted: Converted) -> None:
        row_id = new_id()
        payload = converted.payload
        for column in converted.encrypt:
            payload[column] = self.cipher.encrypt(
                payload[column], table="source_record", column=f"payload.{column}", row_id=row_id
            )
        self.records.append(
            {
                "id": row_id,
                "agency_id": self.batch.agency_id,
                "created_by": self.session.actor.user_id,
                "created_at": self.now,
                "batch_id": self.batch.id,
                "source_id": None,
                "record_type": layout.record_type,
                "agency_key": converted.agency_key,
                "payload": payload,
                "normalised": converted.normalised,
                "row_number": record.number,
            }
        )
        if len(self.records) >= CHUNK:
            self.flush()

    def reject(self, record: Record, problem: Problem) -> None:
        row_id = new_id()
        self.quarantine.append(
            {
                "id": row_id,
                "agency_id": self.batch.agency_id,
                "created_by": self.session.actor.user_id,
                "created_at": self.now,
                "batch_id": self.batch.id,
                "file_name": self.name,
                "row_number": record.number,
                "line": record.line,
                "field": problem.field,
                "reason": problem.code,
                "message": problem.message[:500],
                "raw": self.cipher.encrypt(
                    storable(record.raw), table="quarantine", column="raw", row_id=row_id
                ),
                "status": "open",
                "record_id": None,
                "resolved_by": None,
                "resolved_at": None,
                "resolution_note": None,
            }
        )
        if len(self.quarantine) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        self.session.add_values(SourceRecord, self.records)
        self.session.add_values(QuarantinedRow, self.quarantine)
        self.records, self.quarantine = [], []


def ingest_file(
    session: ActorSession,
    path: Path,
    agency: str,
    layout: Layout,
    cipher: FieldCipher,
    progress: Progress | None = None,
    opener: Opener = _open_delimited,
) -> BatchReport:
    """Import ``path`` for ``agency`` with ``layout`` inside ``session``'s transaction.

    Raises :class:`joinedup.ingest.reader.FileUnreadable` when the file is not readable at all.
    """
    started = perf_counter()
    report = BatchReport(str(path), agency, layout.format, layout.record_type)
    owner = agency_by_name(session, agency)
    sha = file_sha256(path)
    earlier = [
        b
        for b in session.list(Batch, where={"agency_id": owner.id, "file_sha256": sha})
        if b.completed_at is not None and b.record_type == layout.record_type
    ]
    if earlier:
        done = earlier[0]
        report.status, report.batch_id = "already_imported", done.id
        report.rows_read, report.accepted = done.rows_read, done.rows_accepted
        report.quarantined, report.duplicates = done.rows_quarantined, done.rows_duplicate
        report.quarantine_reasons = dict(done.report.get("quarantine_reasons", {}))
        return report
    info, records = opener(path, layout)
    report.encoding, report.warnings = info.encoding, list(info.warnings)
    batch = session.add(
        Batch(
            agency_id=owner.id,
            file_name=path.name,
            file_sha256=sha,
            format=layout.format,
            record_type=layout.record_type,
            file_size=path.stat().st_size,
        )
    )
    writer = _Writer(session, cipher, batch, path.name)
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
    if missing and info.header:
        report.warnings.append(f"required column(s) missing: {', '.join(missing)}")
    extra = [c for c in info.header if c not in {col.name for col in layout.columns} | {layout.key}]
    if extra:
        report.warnings.append(f"extra column(s) kept in the payload: {', '.join(extra)}")
    reasons: Counter[str] = Counter()
    seen_keys: dict[str, int] = {}
    seen_content: set[int] = set()
    chars = 0
    for record in records:
        report.rows_read += 1
        chars += len(record.raw)
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
            reasons[outcome.code] += 1
            writer.reject(record, outcome)
        else:
            digest = hash(tuple(v for k, v in record.values.items() if k != layout.key))
            if digest in seen_content:
                report.duplicates += 1
            seen_content.add(digest)
            writer.accept(layout, record, outcome)
            report.accepted += 1
        if progress and report.rows_read % 2000 == 0:
            progress(chars, report.rows_read)
    writer.flush()
    report.quarantined = sum(reasons.values())
    report.quarantine_reasons = dict(sorted(reasons.items()))
    report.blank_lines = info.blank_lines
    if report.rows_read == 0:
        report.warnings.append("the file holds no rows" + ("" if info.header else " (it is empty)"))
    session.update(
        Batch,
        batch.id,
        rows_read=report.rows_read,
        rows_accepted=report.accepted,
        rows_quarantined=report.quarantined,
        rows_duplicate=report.duplicates,
        report={
            "quarantine_reasons": report.quarantine_reasons,
            "warnings": report.warnings,
            "encoding": info.encoding,
            "delimiter": info.delimiter,
            "header": info.header,
            "blank_lines": info.blank_lines,
            "layout": layout.to_dict(),
        },
        completed_at=utcnow(),
    )
    report.batch_id = batch.id
    report.seconds = round(perf_counter() - started, 3)
    if progress:
        progress(chars, report.rows_read)
    assert report.rows_read == report.accepted + report.quarantined
    return report
