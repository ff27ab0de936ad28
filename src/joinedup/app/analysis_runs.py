"""Long analyses run in the background for the web: a problem profile, a network, an estimate.

A run is started by a request and carried on by a thread of the server, so it goes on when
the browser closes; the page polls its progress. What a run found is kept for its author to
view later: ``<home>/analysis_runs/<id>.json`` holds the run's bookkeeping (who, what, when,
its stage; no personal data) and ``<id>.sealed`` the result, encrypted with the field keys
(AES-GCM, bound to the run's id), since a profile or a network names children and adults.
A run belongs to its author: nobody else sees it, and the author's role must still allow
the action when they look again. A run the server stopped during (a restart) is shown as
interrupted, never as running for ever.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from joinedup.app.context import Caller, acting_as, runtime, session, using
from joinedup.app.errors import Forbidden, NotFound
from joinedup.app.runtime import Runtime
from joinedup.common.errors import InputError, JoinedupError
from joinedup.common.files import write_private

log = logging.getLogger("joinedup.analysis")

__all__ = ["Run", "Stage", "find_run", "runs_of", "start_run"]

Kind = Literal["profile", "network", "estimate"]
#: the action of roles.yml each kind of run needs (checked when started and when viewed)
ACTIONS: dict[str, str] = {
    "profile": "profile.write",
    "network": "profile.write",
    "estimate": "estimate.run",
}
Stage = Callable[[str], None]
Work = Callable[[Caller, Stage], tuple[dict[str, Any], dict[str, Any]]]
_THREADS: dict[str, threading.Thread] = {}
_TABLE = "analysis_run"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Run:
    """One run: its bookkeeping and, once done and opened by its author, its result.

    ``summary`` holds counts only (shown in the list of runs); ``result`` what the page shows.
    """

    id: str
    kind: str
    owner: str
    purpose: str
    asked: dict[str, Any]
    status: str = "running"  # running, done, failed, interrupted
    stage: str = "starting"
    started: str = field(default_factory=_now)
    finished: str | None = None
    error: str | None = None
    worker: str = field(default_factory=_worker)
    summary: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None

    @property
    def seconds(self) -> int:
        """Seconds from start to finish (or to now, while running)."""
        end = datetime.fromisoformat(self.finished) if self.finished else datetime.now(UTC)
        return max(0, int((end - datetime.fromisoformat(self.started)).total_seconds()))


def _folder(rt: Runtime) -> Path:
    folder = rt.settings.home / "analysis_runs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _save(rt: Runtime, run: Run) -> None:
    meta = {k: v for k, v in asdict(run).items() if k != "result"}
    write_private(_folder(rt) / f"{run.id}.json", json.dumps(meta, indent=1))


def _seal(rt: Runtime, run: Run, result: dict[str, Any]) -> None:
    text = json.dumps(result, allow_nan=False, default=str)
    token = rt.cipher.encrypt(text, table=_TABLE, column=run.kind, row_id=run.id)
    write_private(_folder(rt) / f"{run.id}.sealed", token)


def _unseal(rt: Runtime, run: Run) -> dict[str, Any] | None:
    path = _folder(rt) / f"{run.id}.sealed"
    if not path.exists():
        return None
    text = rt.cipher.decrypt(path.read_text(), table=_TABLE, column=run.kind, row_id=run.id)
    found: dict[str, Any] = json.loads(text)
    return found


def _alive(run: Run) -> bool:
    """Whether the process running ``run`` still runs it."""
    if run.worker == _worker():
        thread = _THREADS.get(run.id)
        return thread is not None and thread.is_alive()
    host, _, pid = run.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's server: it will finish the run
    try:
        os.kill(int(pid), 0)
    except OSError:
        return False
    return True


def _load(rt: Runtime, path: Path) -> Run | None:
    try:
        run = Run(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if run.status == "running" and not _alive(run):
        run.status, run.stage = "interrupted", "stopped when the server stopped"
    return run


def _require(who: Caller, kind: str, rt: Runtime, shared: bool = False) -> None:
    """The door decides: :class:`Forbidden` unless ``who`` may take the kind's action; with
    ``shared``, :class:`InputError` (said on the form) unless an aggregate agreement is live."""
    with session(who, rt) as opened:
        opened.require(ACTIONS[kind])
    if shared:
        try:
            with session(who, rt, shared=True):
                pass
        except Forbidden as exc:
            raise InputError(str(exc)) from None


def _execute(rt: Runtime, run: Run, who: Caller, work: Work) -> None:
    def stage(text: str) -> None:
        run.stage = text
        _save(rt, run)

    try:
        with using(rt), acting_as(who):
            summary, result = work(who, stage)
        _seal(rt, run, result)
        run.summary, run.status, run.stage = summary, "done", "done"
    except JoinedupError as exc:  # what the person can act on (no lists in scope...)
        run.status, run.stage, run.error = "failed", "failed", str(exc)[:500]
    except Exception as exc:  # logged; the page says it failed; the server goes on
        log.exception("analysis run %s failed", run.id)
        run.status, run.stage = "failed", "failed"
        run.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[-500:]
    run.finished = _now()
    _save(rt, run)


def start_run(
    who: Caller,
    kind: Kind,
    asked: dict[str, Any],
    work: Work,
    *,
    shared: bool = False,
    wait: bool = False,
) -> Run:
    """Check ``who`` may take the kind's action, then run ``work`` in a thread of this
    process (``wait``: in this one, as tests do). ``work(who, stage)`` returns the summary
    (counts only) and the result to keep sealed; it reports progress through ``stage``."""
    rt = runtime()
    _require(who, kind, rt, shared)
    run = Run(secrets.token_hex(8), kind, who.username, who.purpose, asked)
    _save(rt, run)
    if wait:
        _execute(rt, run, who, work)
        return run
    thread = threading.Thread(target=_execute, args=(rt, run, who, work), daemon=True)
    _THREADS[run.id] = thread
    thread.start()
    return run


def runs_of(who: Caller, kind: str) -> list[Run]:
    """``who``'s own runs of a kind, newest first (bookkeeping only, no result)."""
    rt = runtime()
    _require(who, kind, rt)
    found = [r for p in _folder(rt).glob("*.json") if (r := _load(rt, p)) is not None]
    mine = [r for r in found if r.owner == who.username and r.kind == kind]
    return sorted(mine, key=lambda r: r.started, reverse=True)


def find_run(who: Caller, run_id: str, *, with_result: bool = True) -> Run:
    """One of ``who``'s runs, its result unsealed when done; :class:`NotFound` for another
    person's run or an unknown one, :class:`Forbidden` when ``who`` may no longer take
    the action."""
    rt = runtime()
    if not run_id.isalnum() or len(run_id) > 32:
        raise NotFound("no such run")
    run = _load(rt, _folder(rt) / f"{run_id}.json")
    if run is None or run.owner != who.username:
        raise NotFound("no such run")
    _require(who, run.kind, rt)
    if with_result and run.status == "done":
        run.result = _unseal(rt, run)
    return run
