"""Use cases: an administrator uploads an agency export and it is imported in the background.

The upload is checked (:mod:`joinedup.app.uploads`), kept in a private folder under the
platform's home, and imported by a thread of the server process with the same code as
``joinedup ingest`` (:func:`joinedup.app.ingest.import_exports`), the service account acting
on the uploader's behalf. Its state is a job run (``job_run``, job ``upload``: counts and file
names only), updated as rows are read, so the page can be closed and reopened; the upload is
deleted once imported (its rows are in the store, or in the quarantine).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from joinedup.app.context import Caller, runtime, session, using
from joinedup.app.ingest import format_names, import_exports
from joinedup.app.runtime import Runtime
from joinedup.app.uploads import (
    UploadRefused,
    check_columns,
    check_content,
    kind_of,
    save_upload,
    unpack_zip,
)
from joinedup.common.errors import JoinedupError
from joinedup.ingest.formats import formats
from joinedup.store import jobs

__all__ = ["JOB", "ImportJob", "UploadRefused", "choices", "import_job", "import_jobs", "upload"]

log = logging.getLogger("joinedup.imports")
JOB = "upload"
INGEST_PURPOSE = "data_ingest"
EVERY_SECONDS = 0.5  # how often progress is written while rows are read
# runs this process is importing now, with their detail as it changes: SQLite has one
# writer at a time, and the import's transaction is it, so progress is kept here and, on
# PostgreSQL only, also written to the run's row as it goes (other servers' pages read it)
_LIVE: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class ImportJob:
    """One upload's import as the page shows it."""

    id: str
    status: str  # running, ok, failed, interrupted
    started_at: str
    finished_at: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def percent(self) -> int:
        """How far the reading has gone (bytes read of the upload's size)."""
        if self.status != "running":
            return 100
        total = int(self.detail.get("total_bytes") or 0)
        done = sum(int(v) for v in (self.detail.get("read") or {}).values())
        return min(99, 100 * done // total) if total else 0


def choices() -> list[tuple[str, str]]:
    """(value, label) of each file of each known format, and the SSD folder as a zip."""
    out = []
    for name, fmt in sorted(formats().items()):
        for entry in fmt.files:
            out.append((f"{name}/{entry.file}", f"{name}: {entry.file} ({entry.role})"))
    return out


def _job(run_id: str, run: jobs.LastRun) -> ImportJob:
    live = _LIVE.get(run_id) if run.status == "running" else None
    return ImportJob(
        run_id,
        run.status,
        run.started_at.isoformat(timespec="seconds"),
        run.finished_at.isoformat(timespec="seconds") if run.finished_at else None,
        dict(live) if live is not None else run.detail,
        run.error,
    )


def _alive(rt: Runtime, run_id: str, run: jobs.LastRun) -> bool:
    """Whether a ``running`` run still has a process importing it."""
    if run.status != "running" or run_id in _LIVE:
        return True
    host, _, pid = run.worker.rpartition(":")
    if host != jobs.worker_name().rpartition(":")[0] or not pid.isdigit():
        return True  # another machine's: trust its row
    if int(pid) != os.getpid():
        try:
            os.kill(int(pid), 0)
        except PermissionError:
            return True
        except ProcessLookupError:
            pass
        else:
            return True
    jobs.mark_interrupted(rt.engine, run_id)
    return False


def _may_see(who: Caller) -> None:
    with session(who) as opened:
        opened.require("imports.upload")


def import_jobs(who: Caller, limit: int = 30) -> list[ImportJob]:
    """The latest uploads' imports, newest first (a run whose process died: interrupted)."""
    _may_see(who)
    rt = runtime()
    found = []
    for run_id, run in jobs.runs_of(rt.engine, JOB, limit):
        if not _alive(rt, run_id, run):
            found.append(_job(run_id, jobs.run_by_id(rt.engine, run_id)[1]))  # type: ignore[index]
        else:
            found.append(_job(run_id, run))
    return found


def import_job(who: Caller, run_id: str) -> ImportJob | None:
    """One upload's import, or None."""
    _may_see(who)
    rt = runtime()
    got = jobs.run_by_id(rt.engine, run_id)
    if got is None or got[1].job != JOB:
        return None
    if not _alive(rt, run_id, got[1]):
        got = jobs.run_by_id(rt.engine, run_id)
    return _job(*got) if got else None


def _prepare(saved: Path, kind: str, choice: str) -> tuple[Path, str | None]:
    """The path to import (a file named as its format's file, or the unpacked folder) and the
    format (None for a folder with its manifest)."""
    check_content(saved, kind)
    if kind == "zip":
        return unpack_zip(saved, saved.parent / "unpacked"), None
    fmt, _, name = choice.partition("/")
    if fmt not in format_names() or not name:
        raise UploadRefused("choose the format of the file")
    stem = name.rsplit(".", 1)[0]
    target = saved.parent / (name if kind == "csv" else f"{stem}.xlsx")
    saved.rename(target)
    check_columns(target, fmt)
    return target, fmt


def upload(who: Caller, source: BinaryIO, filename: str, agency: str, choice: str) -> str:
    """Check an upload and start importing it in the background; the job run's id.

    Raises :class:`UploadRefused` (nothing kept) for a file that is not imported."""
    _may_see(who)
    kind = kind_of(filename)
    rt = runtime()
    shown = Path(filename).name[:120]
    detail: dict[str, Any] = {
        "file": shown,
        "agency": agency,
        "format": "manifest (zip)" if kind == "zip" else choice,
        "uploaded_by": who.username,
        "stage": "checking",
        "read": {},
    }
    run_id = jobs.open_run(rt.engine, JOB, detail)
    _LIVE[run_id] = detail
    folder = rt.settings.home / "uploads" / run_id
    try:
        save_upload(source, folder / f"upload.{kind}")
        path, fmt = _prepare(folder / f"upload.{kind}", kind, choice)
    except (UploadRefused, JoinedupError, OSError) as exc:
        _LIVE.pop(run_id, None)
        shutil.rmtree(folder, ignore_errors=True)
        jobs.finish_run(rt.engine, run_id, {**detail, "stage": "refused"}, str(exc)[:500])
        raise UploadRefused(str(exc).splitlines()[0][:300]) from exc
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    detail.update(stage="importing", total_bytes=sum(p.stat().st_size for p in files))
    jobs.note_progress(rt.engine, run_id, detail)
    worker = threading.Thread(
        target=_run,
        # the service account imports for the purpose of data ingest (the person's role
        # lists it among its purposes for this alone)
        args=(rt, who.for_purpose(INGEST_PURPOSE), run_id, path, agency, fmt, detail, folder),
        name=f"upload-{run_id[:8]}",
    )
    worker.start()
    return run_id


def _run(
    rt: Runtime,
    who: Caller,
    run_id: str,
    path: Path,
    agency: str,
    fmt: str | None,
    detail: dict[str, Any],
    folder: Path,
) -> None:
    """The background import: progress written as it reads, the reconciliation at the end."""
    last = [0.0]
    write = rt.engine.dialect.name == "postgresql"

    def progress(_agency: str, file: Path) -> Any:
        def seen(chars: int, rows: int) -> None:
            detail["read"] = {**detail["read"], file.name: chars}
            detail["rows"] = rows
            if write and time.monotonic() - last[0] > EVERY_SECONDS:
                last[0] = time.monotonic()
                jobs.note_progress(rt.engine, run_id, detail)

        return seen

    try:
        with using(rt):
            done = import_exports(who, [path], agency, fmt, None, progress=progress, on_behalf=True)
        detail.update(
            stage="done",
            reports=[r.as_dict() for r in done.reports],
            unreadable=[u[:300] for u in done.unreadable],
            notes_checked=done.notes_checked,
            notes_flagged=done.notes_flagged,
        )
        jobs.finish_run(rt.engine, run_id, detail, "; ".join(done.unreadable)[:500] or None)
    except Exception as exc:  # the run records why it failed
        log.exception("upload %s failed", run_id)
        jobs.finish_run(rt.engine, run_id, {**detail, "stage": "failed"}, str(exc)[:500])
    finally:
        _LIVE.pop(run_id, None)
        shutil.rmtree(folder, ignore_errors=True)
