"""A signed checkpoint of the audit chain's head, kept outside the database.

Truncating the tail of the chain leaves a shorter chain that is internally consistent; the
checkpoint (last sequence number and MAC, signed with the audit key) is what exposes it. The
file only ever moves forward, under an exclusive file lock, so concurrent writers cannot
regress it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path


class CheckpointError(RuntimeError):
    """The checkpoint file is unreadable or its signature is wrong."""


@dataclass(frozen=True)
class Checkpoint:
    """The newest chain head seen by any writer."""

    database_id: str
    seq: int
    mac: str


def _sign(key: bytes, database_id: str, seq: int, mac: str) -> str:
    message = json.dumps([database_id, seq, mac], separators=(",", ":")).encode()
    return hmac.new(key, b"checkpoint\x00" + message, hashlib.sha256).hexdigest()


class CheckpointFile:
    """Reads and advances the checkpoint of one database."""

    def __init__(self, folder: Path, database_id: str, key: bytes) -> None:
        self.path = folder / f"audit-checkpoint-{database_id}.json"
        self._database_id = database_id
        self._key = key

    def read(self) -> Checkpoint | None:
        """The checkpoint, or None when no file exists; raises if it was tampered with."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            point = Checkpoint(str(raw["database_id"]), int(raw["seq"]), str(raw["mac"]))
            signature = str(raw["signature"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from exc
        expected = _sign(self._key, point.database_id, point.seq, point.mac)
        if not hmac.compare_digest(signature, expected) or point.database_id != self._database_id:
            raise CheckpointError(f"{self.path}: checkpoint signature is invalid")
        return point

    def advance(self, seq: int, mac: str) -> None:
        """Record (seq, mac) unless the file already holds a later head."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self.path.with_suffix(".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.read()
            if current is not None and current.seq >= seq:
                return
            body = {
                "database_id": self._database_id,
                "seq": seq,
                "mac": mac,
                "signature": _sign(self._key, self._database_id, seq, mac),
            }
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(body), encoding="utf-8")
            os.replace(tmp, self.path)
