"""One file in, as one atomic, idempotent, audited batch.

The whole file is read inside one door session (one transaction): the batch row, every
source record, every quarantined row and the audit rows commit together or not at all, so a
killed import leaves no partial batch. A file whose SHA-256 was already imported completely
by the same agency is not imported again. Large files are read and converted in a worker
process while this one inserts (:mod:`joinedup.ingest.prepare`).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

from joinedup.access.crypto import FieldCipher
from joinedup.access.directory import agency_by_name
from joinedup.ingest.layout import Layout
from joinedup.ingest.prepare import Chunk, Target, prepare, prepare_in_worker
from joinedup.ingest.reader import FileInfo, Opener, Record, read_delimited
from joinedup.model.base import new_id, utcnow
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import ActorSession

Progress = Callable[[int, int], None]  # (characters read so far, rows read so far)
WORKER_THRESHOLD_BYTES = 2 * 1024 * 1024


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


def open_delimited(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    """The default opener: delimited text with the layout's encoding and delimiter."""
    return read_delimited(path, layout.encoding, layout.delimiter)


def _already_imported(
    session: ActorSession, report: BatchReport, agency_id: str, sha: str, layout: Layout
) -> bool:
    earlier = [
        b
        for b in session.list(Batch, where={"agency_id": agency_id, "file_sha256": sha})
        if b.completed_at is not None and b.record_type == layout.record_type
    ]
    if not earlier:
        return False
    done = earlier[0]
    report.status, report.batch_id = "already_imported", done.id
    report.rows_read, report.accepted = done.rows_read, done.rows_accepted
    report.quarantined, report.duplicates = done.rows_quarantined, done.rows_duplicate
    report.quarantine_reasons = dict(done.report.get("quarantine_reasons", {}))
    return True


def _warnings(info: FileInfo, layout: Layout) -> list[str]:
    warnings = list(info.warnings)
    missing = layout.missing_columns(info.header)
    if missing and info.header:
        warnings.append(f"required column(s) missing: {', '.join(missing)}")
    known = {c.name for c in layout.columns} | {layout.key}
    extra = [c for c in info.header if c not in known]
    if extra:
        warnings.append(f"extra column(s) kept in the payload: {', '.join(extra)}")
    return warnings


def ingest_file(
    session: ActorSession,
    path: Path,
    agency: str,
    layout: Layout,
    cipher: FieldCipher,
    progress: Progress | None = None,
    opener: Opener = open_delimited,
) -> BatchReport:
    """Import ``path`` for ``agency`` with ``layout`` inside ``session``'s transaction.

    Raises :class:`joinedup.ingest.reader.FileUnreadable` when the file is not readable at all.
    """
    started = perf_counter()
    report = BatchReport(str(path), agency, layout.format, layout.record_type)
    owner = agency_by_name(session, agency)
    sha = file_sha256(path)
    if _already_imported(session, report, owner.id, sha, layout):
        return report
    target = Target(owner.id, new_id(), session.actor.user_id, utcnow(), path.name)
    size = path.stat().st_size
    parallel = size > WORKER_THRESHOLD_BYTES and (os.cpu_count() or 1) > 1
    stream = (prepare_in_worker if parallel else prepare)(path, layout, opener, cipher, target)
    info = next(stream)
    assert isinstance(info, FileInfo)
    report.encoding, report.warnings = info.encoding, _warnings(info, layout)
    session.add(
        Batch(
            id=target.batch_id,
            agency_id=owner.id,
            file_name=path.name,
            file_sha256=sha,
            format=layout.format,
            record_type=layout.record_type,
            file_size=size,
        )
    )
    reasons: Counter[str] = Counter()
    chars = 0
    for chunk in stream:
        assert isinstance(chunk, Chunk)
        session.add_values(SourceRecord, chunk.records)
        session.add_values(QuarantinedRow, chunk.quarantine)
        report.rows_read += chunk.rows_read
        report.accepted += len(chunk.records)
        report.duplicates += chunk.duplicates
        reasons.update(chunk.reasons)
        chars += chunk.chars
        if progress:
            progress(chars, report.rows_read)
    report.quarantined = sum(reasons.values())
    report.quarantine_reasons = dict(sorted(reasons.items()))
    report.blank_lines = info.blank_lines
    if report.rows_read == 0:
        report.warnings.append("the file holds no rows" + ("" if info.header else " (it is empty)"))
    session.update(
        Batch,
        target.batch_id,
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
    report.batch_id = target.batch_id
    report.seconds = round(perf_counter() - started, 3)
    if report.rows_read != report.accepted + report.quarantined:
        raise RuntimeError(f"{path}: reconciliation failed; the batch is rolled back")
    return report
