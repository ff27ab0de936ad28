"""Use cases: the audit chain's status for a data protection officer: the last verification
(``joinedup audit verify``'s app function, run in the background because a long chain takes
minutes), the last checkpoint and the anchor of this home.

Verifications are job runs (job ``verify-chain``: counts and row numbers only), so the page
shows the last result after a restart and while a new one runs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from joinedup.app.audit import verify_chain
from joinedup.app.context import Caller, runtime, session, using
from joinedup.app.runtime import Runtime
from joinedup.store import jobs
from joinedup.store.checkpoint import Anchor, Checkpoint

__all__ = ["JOB", "ChainStatus", "chain_status", "start_verification"]

log = logging.getLogger("joinedup.chain")
JOB = "verify-chain"


@dataclass(frozen=True)
class ChainStatus:
    """What the page shows: the latest verifications (newest first), the checkpoint and the
    anchor (None when missing), and whether a verification is running now."""

    runs: list[dict[str, Any]]
    checkpoint: Checkpoint | None
    anchor: Anchor | None
    running: bool


def _require(who: Caller) -> None:
    with session(who) as opened:
        opened.require("audit.verify")


def chain_status(who: Caller, limit: int = 10) -> ChainStatus:
    """The chain's status as last verified, with the checkpoint and the anchor."""
    _require(who)
    rt = runtime()
    runs = [
        {
            "id": run_id,
            "status": run.status,
            "started_at": run.started_at.isoformat(timespec="seconds"),
            "finished_at": run.finished_at.isoformat(timespec="seconds")
            if run.finished_at
            else None,
            "error": run.error,
            **run.detail,
        }
        for run_id, run in jobs.runs_of(rt.engine, JOB, limit)
    ]
    return ChainStatus(
        runs,
        rt.door.checkpoint().read(),
        rt.door.anchor().read(),
        any(r["status"] == "running" for r in runs),
    )


def start_verification(who: Caller) -> str:
    """Start verifying the whole chain in the background (one at a time); the run's id."""
    _require(who)
    rt = runtime()
    for run_id, run in jobs.runs_of(rt.engine, JOB, 1):
        if run.status == "running":
            return run_id
    run_id = jobs.open_run(rt.engine, JOB, {"asked_by": who.username})
    threading.Thread(target=_verify, args=(rt, who, run_id), name=f"verify-{run_id[:8]}").start()
    return run_id


def _verify(rt: Runtime, who: Caller, run_id: str) -> None:
    try:
        with using(rt):
            checked = verify_chain(who)
        result = checked.verification
        detail = {
            "asked_by": who.username,
            "ok": result.ok,
            "rows_checked": result.rows_checked,
            "first_bad_row": result.first_bad_seq,
            "problem": result.problem,
            "findings": [
                {"kind": f.kind, "row": f.seq, "problem": f.message[:300]}
                for f in result.findings[:20]
            ],
            "acknowledgements": result.acknowledgements,
        }
        jobs.finish_run(rt.engine, run_id, detail)
    except Exception as exc:  # the run records why it failed
        log.exception("chain verification %s failed", run_id)
        jobs.finish_run(rt.engine, run_id, {"asked_by": who.username}, str(exc)[:500])
