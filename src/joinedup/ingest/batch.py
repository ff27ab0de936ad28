"""One file in, as one atomic, idempotent, audited batch.

The whole file is read inside one door session (one transaction): the batch row, every
source record, every quarantined row and the audit rows commit together or not at all, so a
killed import leaves no partial batch. A file whose SHA-256 was already imported completely
by the same agency is not imported again. Large files are read and converted in a worker
process while this one inserts (:mod:`joinedup.ingest.worker`); a run of several files
starts preparing the next file while the current one is finished and committed. A file whose
row count differs from the one its manifest gives is refused whole (:class:`RowCountMismatch`):
a file cut short imports nothing, and sending the whole file again creates no duplicates.
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

from joinedup.access.directory import agency_by_name
from joinedup.common.errors import StateError
from joinedup.ingest.files import RowCountMismatch, open_regular
from joinedup.ingest.layout import Layout
from joinedup.ingest.prepare import Target
from joinedup.ingest.reader import FileInfo, Opener, Record, read_delimited
from joinedup.ingest.worker import Preparation
from joinedup.model.base import new_id, utcnow
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import ActorSession
from joinedup.store.hooks import FieldCrypto

Progress = Callable[[int, int], None]  # (characters read so far, rows read so far)
WORKER_THRESHOLD_BYTES = 2 * 1024 * 1024  # larger files are prepared in a worker process


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


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 of a file's bytes, streamed, and their number."""
    digest = hashlib.sha256()
    size = 0
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


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


def start_preparation(
    path: Path,
    layout: Layout,
    cipher: FieldCrypto,
    opener: Opener = open_delimited,
    threshold: int = WORKER_THRESHOLD_BYTES,
) -> Preparation:
    """Start preparing ``path``: in a worker process when it is over ``threshold`` bytes and
    the machine has more than one core, else here as it is read. ``cipher`` encrypts the
    free text (the bulk path: the door's field cipher, :meth:`Door.field_crypto`)."""
    try:
        size = path.lstat().st_size
    except OSError:
        size = 0  # opening it will report the problem
    parallel = size > threshold and (os.cpu_count() or 1) > 1
    return Preparation(path, layout, opener, cipher, in_worker=parallel)


def ingest_file(
    session: ActorSession,
    path: Path,
    agency: str,
    layout: Layout,
    progress: Progress | None = None,
    opener: Opener = open_delimited,
    ahead: Preparation | None = None,
    when_read: Callable[[], None] | None = None,
    expected_rows: int | None = None,
) -> BatchReport:
    """Import ``path`` for ``agency`` with ``layout`` inside ``session``'s transaction.

    ``ahead`` is the file's preparation if it was started already (it is closed either way);
    ``when_read`` is called once the file has been read to its end, before the batch is
    completed (a run starts preparing its next file then); ``expected_rows`` is the row count
    the file's manifest gives. Raises :class:`joinedup.ingest.files.FileUnreadable` when the
    file is not readable at all and :class:`joinedup.ingest.files.RowCountMismatch` when its
    row count differs (the transaction then rolls back: nothing of the file is stored).
    """
    session.require("ingest.import")
    try:
        return _ingest(
            session,
            path,
            agency,
            layout,
            progress,
            opener,
            ahead,
            when_read,
            expected_rows,
        )
    finally:
        if ahead is not None:
            ahead.close()


def _ingest(
    session: ActorSession,
    path: Path,
    agency: str,
    layout: Layout,
    progress: Progress | None,
    opener: Opener,
    ahead: Preparation | None,
    when_read: Callable[[], None] | None,
    expected_rows: int | None,
) -> BatchReport:
    started = perf_counter()
    report = BatchReport(str(path), agency, layout.format, layout.record_type)
    owner = agency_by_name(session, agency)
    sha, size = file_digest(path)
    if _already_imported(session, report, owner.id, sha, layout):
        return report
    target = Target(owner.id, new_id(), session.actor.user_id, utcnow(), path.name)
    preparation = ahead or start_preparation(path, layout, session.field_crypto(), opener)
    try:
        info = preparation.info()
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
        for chunk in preparation.chunks():
            session.add_values(SourceRecord, chunk.source_records(target, layout))
            session.add_values(QuarantinedRow, chunk.quarantined(target), encrypted=True)
            report.rows_read += chunk.rows_read
            report.accepted += len(chunk.records)
            report.duplicates += chunk.duplicates
            reasons.update(chunk.reasons)
            chars += chunk.chars
            if progress:
                progress(chars, report.rows_read)
    finally:
        preparation.close()
    if when_read is not None:
        when_read()
    if expected_rows is not None and report.rows_read != expected_rows:
        raise RowCountMismatch(
            f"{path}: refused: its manifest says {expected_rows:,} rows but the file holds "
            f"{report.rows_read:,} (cut short, or sent in part?); nothing of it was imported"
        )
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
        raise StateError(f"{path}: reconciliation failed; the batch is rolled back")
    return report
