"""The worker's structured log: one JSON object a line, no personal data.

Each line has ``ts`` (UTC, ISO 8601), ``level``, ``event`` and the event's fields: for a job,
``job``, ``outcome``, ``seconds``, the drop folders taken (their paths, which name agencies
and dates, never people), counts (files, rows, records, flags) and, when it failed, the
error's type only (an error's message may quote a row; the full message is kept in
``job_run``, behind the operator's access). Lines go to ``JOINEDUP_HOME/logs/worker.jsonl``
(appended) and, for a service manager such as journald, to standard error when asked.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOGGER = "joinedup.worker"
FILE = "worker.jsonl"
_COUNTS = (int, float, bool)

__all__ = ["attach", "log_event", "safe_detail"]


def attach(folder: Path, *, stderr: bool = False) -> Path:
    """Send the worker's lines to ``folder/worker.jsonl`` (once per process); returns it."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    path = (folder / FILE).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    known = {getattr(h, "baseFilename", None) for h in logger.handlers}
    if str(path) not in known:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if stderr and not any(getattr(h, "stream", None) is sys.stderr for h in logger.handlers):
        err = logging.StreamHandler(sys.stderr)
        err.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(err)
    return path


def safe_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """Only what may be logged of a job's detail: counts, seconds, drop folders and modes."""
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, _COUNTS) or value is None:
            out[key] = value
        elif key == "drops" and isinstance(value, list):
            out[key] = [str(v) for v in value]
        elif key in ("assess_seconds", "stage_seconds") and isinstance(value, dict):
            out[key] = {k: v for k, v in value.items() if isinstance(v, _COUNTS)}
        elif key in ("assessment", "whole_because") and isinstance(value, str):
            out[key] = value
        elif isinstance(value, list):
            out[key] = len(value)  # e.g. unreadable files: how many, not which rows
    return out


def log_event(event: str, level: str = "info", **fields: Any) -> None:
    """Write one line."""
    line = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "event": event,
        **fields,
    }
    logger = logging.getLogger(LOGGER)
    logger.log(logging.ERROR if level == "error" else logging.INFO, json.dumps(line, default=str))
