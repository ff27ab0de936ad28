"""Running import jobs through the door, one atomic batch per file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from joinedup.access.crypto import FieldCipher
from joinedup.access.directory import add_agency, agency_by_name
from joinedup.ingest.batch import BatchReport, Progress, ingest_file
from joinedup.ingest.plan import Job
from joinedup.ingest.reader import FileUnreadable
from joinedup.store.actor_session import NotFound
from joinedup.store.door import Door


@dataclass
class RunResult:
    """Reports of the files imported and messages for those that could not be read."""

    reports: list[BatchReport] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def _ensure_agency(door: Door, actor: str, purpose: str, job: Job) -> None:
    with door.session(actor, purpose) as s:
        try:
            agency_by_name(s, job.agency)
        except NotFound:
            if not job.agency_kind:
                raise
            add_agency(s, job.agency, job.agency_kind)


def run_jobs(
    door: Door,
    actor: str,
    purpose: str,
    jobs: list[Job],
    cipher: FieldCipher,
    progress_for: Callable[[Job], Progress | None] = lambda job: None,
) -> RunResult:
    """Import every job in its own transaction; an unreadable file does not stop the run.

    Agencies named by a manifest (with its kind) are registered if the directory lacks them.
    """
    result = RunResult()
    for job in jobs:
        _ensure_agency(door, actor, purpose, job)
        try:
            with door.session(actor, purpose) as s:
                report = ingest_file(
                    s, job.path, job.agency, job.layout, cipher, progress_for(job), job.opener
                )
        except FileUnreadable as exc:
            result.unreadable.append(str(exc))
            continue
        result.reports.append(report)
    return result
