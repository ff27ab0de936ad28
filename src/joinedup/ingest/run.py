"""Running import jobs through the door, one atomic batch per file.

While one file's last rows are inserted and its batch is committed, the next file is already
being prepared (in a worker process: :mod:`joinedup.ingest.worker`), so reading and
converting never wait for the database between files.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial

from joinedup.access.directory import add_agency, agency_by_name
from joinedup.ingest.batch import BatchReport, Progress, ingest_file, start_preparation
from joinedup.ingest.files import FileRefused
from joinedup.ingest.plan import Job
from joinedup.ingest.worker import Preparation
from joinedup.store.actor_session import ActorSession, NotFound
from joinedup.store.door import Door


@dataclass
class RunResult:
    """Reports of the files imported, and messages for those refused (unreadable, or not
    what their manifest says): nothing of a refused file is stored."""

    reports: list[BatchReport] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


Opener = Callable[[], AbstractContextManager[ActorSession]]


def _ensure_agency(open_session: Opener, job: Job) -> None:
    with open_session() as s:
        try:
            agency_by_name(s, job.agency)
        except NotFound:
            if not job.agency_kind:
                raise
            add_agency(s, job.agency, job.agency_kind)


AHEAD_THRESHOLD_BYTES = 256 * 1024  # files prepared ahead in a worker when over this size


def run_jobs(
    door: Door,
    actor: str,
    purpose: str,
    jobs: list[Job],
    progress_for: Callable[[Job], Progress | None] = lambda job: None,
    open_session: Opener | None = None,
) -> RunResult:
    """Import every job in its own transaction; a refused file does not stop the run.

    Agencies named by a manifest (with its kind) are registered if the directory lacks them.
    Free text is encrypted with the door's field cipher (files prepared ahead need it before
    their session opens). ``open_session`` opens each transaction (default: a session of
    ``actor`` for ``purpose``; the web's uploads pass the service account acting on the
    uploader's behalf).
    """
    opened: Opener = open_session or (lambda: door.session(actor, purpose))
    cipher = door.field_crypto()
    result = RunResult()
    pending: dict[int, Preparation] = {}

    def start(index: int) -> None:
        if index < len(jobs) and index not in pending:
            job = jobs[index]
            pending[index] = start_preparation(
                job.path, job.layout, cipher, job.opener, AHEAD_THRESHOLD_BYTES
            )

    try:
        for index, job in enumerate(jobs):
            _ensure_agency(opened, job)
            try:
                with opened() as s:
                    report = ingest_file(
                        s,
                        job.path,
                        job.agency,
                        job.layout,
                        progress_for(job),
                        job.opener,
                        ahead=pending.pop(index, None),
                        when_read=partial(start, index + 1),
                        expected_rows=job.rows,
                    )
            except FileRefused as exc:
                result.unreadable.append(str(exc))
                continue
            result.reports.append(report)
    finally:
        for preparation in pending.values():
            preparation.close()
    return result
