"""Signed records of the audit chain kept outside the database: the checkpoint and the anchor.

Truncating the tail of the chain leaves a shorter chain that is internally consistent, and
emptying it leaves an empty one; what exposes both is kept in ``JOINEDUP_HOME/checkpoints``,
signed with the audit key:

- the **checkpoint** ``audit-checkpoint-<database id>.json``: the newest (sequence number,
  MAC) any writer saw. It only moves forward, under an exclusive file lock, and only when the
  chain still holds the recorded MAC at the recorded sequence number, so a cut tail that has
  regrown cannot carry it along. It is never re-created by an ordinary write: only ``init``
  (a new database, or one adopted deliberately) and an auditor's acknowledgement write one.
- the **anchor** ``anchor.json``: which database this home vouches for (its id and a
  fingerprint of its URL) and the head when it was anchored, so a database whose id was
  changed, or whose chain was emptied, fails verification.

Each write can also be sent to an append-only sink (:mod:`joinedup.store.sink`).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy.engine import URL

from joinedup.common.errors import JoinedupError
from joinedup.common.files import FILE_MODE, private_dir, write_private

Advance = Literal["advanced", "current", "missing", "diverged"]
CHECKPOINT_PREFIX = "audit-checkpoint-"
CHECKPOINT_GLOB = f"{CHECKPOINT_PREFIX}*.json"


class CheckpointError(JoinedupError, RuntimeError):
    """A checkpoint or anchor file is unreadable or its signature is wrong."""


class Sink(Protocol):
    """Somewhere append-only that receives a copy of every checkpoint and anchor written."""

    def send(self, kind: str, body: dict[str, object]) -> None:
        """Send one signed record (never raises: a failure is logged)."""


@dataclass(frozen=True)
class Checkpoint:
    """The newest chain head seen by any writer."""

    database_id: str
    seq: int
    mac: str


@dataclass(frozen=True)
class Anchor:
    """The database a ``JOINEDUP_HOME`` vouches for, and its chain head when anchored."""

    database_id: str
    url_fingerprint: str
    seq: int
    mac: str
    anchored_at: str


def _sign(key: bytes, database_id: str, seq: int, mac: str) -> str:
    message = json.dumps([database_id, seq, mac], separators=(",", ":")).encode()
    return hmac.new(key, b"checkpoint\x00" + message, hashlib.sha256).hexdigest()


def _sign_anchor(key: bytes, anchor: Anchor) -> str:
    message = json.dumps(list(asdict(anchor).values()), separators=(",", ":")).encode()
    return hmac.new(key, b"anchor\x00" + message, hashlib.sha256).hexdigest()


def url_fingerprint(url: URL) -> str:
    """A short hash naming where a database is (no password; SQLite paths made absolute)."""
    plain = url.set(password=None)
    if plain.get_backend_name() == "sqlite" and plain.database not in (None, "", ":memory:"):
        plain = plain.set(database=os.path.abspath(plain.database or ""))
    rendered = plain.render_as_string(hide_password=False)
    return hashlib.sha256(rendered.encode()).hexdigest()[:16]


def _load(path: Path) -> dict[str, Any] | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:
        raise CheckpointError(f"{path}: unreadable ({exc})") from exc
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path}: unreadable (not a JSON object)")
    return raw


class _Locked:
    """An exclusive lock on ``<file>.lock`` beside a checkpoint or anchor."""

    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        self._fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, FILE_MODE)

    def __enter__(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


class CheckpointFile:
    """Reads and advances the checkpoint of one database."""

    def __init__(
        self, folder: Path, database_id: str, key: bytes, sink: Sink | None = None
    ) -> None:
        self.path = folder / f"{CHECKPOINT_PREFIX}{database_id}.json"
        self.anchor = AnchorFile(folder, key, sink)
        self.database_id = database_id
        self._key = key
        self._sink = sink

    def read(self) -> Checkpoint | None:
        """The checkpoint, or None when no file exists; raises if it was tampered with."""
        raw = _load(self.path)
        if raw is None:
            return None
        try:
            point = Checkpoint(str(raw["database_id"]), int(raw["seq"]), str(raw["mac"]))
            signature = str(raw["signature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from exc
        expected = _sign(self._key, point.database_id, point.seq, point.mac)
        if not hmac.compare_digest(signature, expected) or point.database_id != self.database_id:
            raise CheckpointError(f"{self.path}: checkpoint signature is invalid")
        return point

    def advance(self, seq: int, mac: str, mac_at: Callable[[int], str | None]) -> Advance:
        """Record (seq, mac) if it is newer and the chain still runs through the recorded row.

        ``mac_at(n)`` returns the MAC the database holds at sequence ``n`` (None if no such
        row). Returns ``advanced``; ``current`` when the file already holds this head or a
        later one; ``missing`` when there is no file (it is not re-created); ``diverged`` when
        the recorded row is gone or holds another MAC (the file is left as it is, so
        verification keeps failing until an auditor acknowledges it).
        """
        with _Locked(self.path):
            try:
                current = self.read()
            except CheckpointError:
                return "diverged"
            if current is None:
                return "missing"
            if current.seq >= seq:
                return "current"
            if current.seq and mac_at(current.seq) != current.mac:
                return "diverged"
            self._write(seq, mac)
        return "advanced"

    def reset(self, seq: int, mac: str) -> None:
        """Write the checkpoint at (seq, mac) whatever it held: for ``init`` on a new or
        adopted database and for an auditor's acknowledgement only."""
        with _Locked(self.path):
            self._write(seq, mac)

    def _write(self, seq: int, mac: str) -> None:
        body: dict[str, object] = {
            "database_id": self.database_id,
            "seq": seq,
            "mac": mac,
            "signature": _sign(self._key, self.database_id, seq, mac),
        }
        write_private(self.path, json.dumps(body))
        if self._sink is not None:
            self._sink.send("checkpoint", body)


class AnchorFile:
    """Reads and writes the anchor of a ``JOINEDUP_HOME`` (``checkpoints/anchor.json``)."""

    def __init__(self, folder: Path, key: bytes, sink: Sink | None = None) -> None:
        self.path = folder / "anchor.json"
        self._key = key
        self._sink = sink

    def read(self) -> Anchor | None:
        """The anchor, or None when there is none; raises if it was tampered with."""
        raw = _load(self.path)
        if raw is None:
            return None
        try:
            anchor = Anchor(
                database_id=str(raw["database_id"]),
                url_fingerprint=str(raw["url_fingerprint"]),
                seq=int(raw["seq"]),
                mac=str(raw["mac"]),
                anchored_at=str(raw["anchored_at"]),
            )
            signature = str(raw["signature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{self.path}: unreadable anchor ({exc})") from exc
        if not hmac.compare_digest(signature, _sign_anchor(self._key, anchor)):
            raise CheckpointError(f"{self.path}: anchor signature is invalid")
        return anchor

    def write(self, database_id: str, fingerprint: str, seq: int, mac: str) -> Anchor:
        """Anchor this home to ``database_id`` at head (seq, mac)."""
        anchor = Anchor(
            database_id, fingerprint, seq, mac, datetime.now(UTC).isoformat(timespec="seconds")
        )
        body: dict[str, object] = {**asdict(anchor), "signature": _sign_anchor(self._key, anchor)}
        with _Locked(self.path):
            write_private(self.path, json.dumps(body, indent=2))
        if self._sink is not None:
            self._sink.send("anchor", body)
        return anchor

    def retire(self, database_id: str) -> Path:
        """Move the anchor of ``database_id`` aside (kept, never deleted) before another
        database is adopted; returns where it went."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"anchor-{database_id}-replaced-{stamp}.json")
        os.replace(self.path, target)
        return target
