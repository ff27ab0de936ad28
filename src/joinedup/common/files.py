"""Files the platform writes that hold personal data or secrets: readable by their owner only.

Exports, problem profiles, minutes, keys, audit checkpoints and anchors are created with mode
0600 in folders created 0700, whatever the process umask; a file that already exists with a
looser mode is tightened when it is rewritten. :func:`write_private` replaces a file
atomically (a reader never sees half a key or half a checkpoint); :func:`open_private` opens
one for streaming writers such as the CSV exports.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

from joinedup.common.errors import JoinedupError

FILE_MODE = 0o600
DIR_MODE = 0o700


class LooseModeError(JoinedupError, PermissionError):
    """A file or folder that must be private can be read or written by other users."""


class UnsafePathError(JoinedupError, ValueError):
    """A private file would be written through a symbolic link."""


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents with mode 0700 (existing folders are left as
    they are); returns ``path``."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # created meanwhile by another process
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """Open ``path`` for writing (``w``, ``wb``, ``a`` or ``ab``) as a file only its owner may
    read: created 0600, or tightened to 0600 if it existed; its folder is created 0700."""
    if mode not in ("w", "wb", "a", "ab"):
        raise ValueError(f"open_private writes files; mode {mode!r} is not w, wb, a or ab")
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode.startswith("a") else os.O_TRUNC)
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except OSError as exc:
        if path.is_symlink():
            raise UnsafePathError(f"{path} is a symbolic link: name a real file") from exc
        raise
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Replace ``path`` atomically with ``data``, mode 0600 (folder created 0700)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            with open_private(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            with open_private(tmp, "w", encoding=encoding, newline="") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def loose_mode(path: Path, allowed: int = FILE_MODE) -> int | None:
    """The permission bits of ``path`` when they grant more than ``allowed`` (e.g. 0644
    against 0600); None when they do not."""
    bits = stat.S_IMODE(path.stat().st_mode)
    return bits if bits & ~allowed else None


def require_private(path: Path, allowed: int = FILE_MODE) -> None:
    """Raise :class:`LooseModeError` naming ``path`` and the fix when it is looser than
    ``allowed``."""
    bits = loose_mode(path, allowed)
    if bits is not None:
        raise LooseModeError(
            f"{path} has mode {bits:04o}: other users could read or replace it; "
            f"run `chmod {allowed:o} {path}`"
        )
