"""The file boundary: which files ingest may open, how it opens them, and why it refuses one.

A manifest names the files of its folder, and a hostile manifest must not reach anything
else on the server (the keys, ``/etc/passwd``, another agency's drop folder). Before anything
is read, :func:`inside` checks a manifest's name for a file: relative, no ``..``, no symbolic
link anywhere below the folder, a regular file with no other hard link. Every file ingest
reads is then opened by :func:`open_regular`, which walks the path one component at a time
with ``O_NOFOLLOW`` and accepts only a regular file, so a link swapped in after the check is
refused as well (and a FIFO or device cannot block or feed the reader).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from joinedup.common.errors import JoinedupError


class PlanError(JoinedupError, ValueError):
    """The paths and options do not describe any importable file, or a manifest is refused."""


class FileRefused(JoinedupError, ValueError):
    """A file that is not imported: nothing of it is stored, the run goes on."""


class FileUnreadable(FileRefused):
    """The file cannot be read as delimited text (or as a workbook) at all."""


class RowCountMismatch(FileRefused):
    """The file holds a different number of rows than its manifest says (cut short?)."""


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def shown(name: str, limit: int = 120) -> str:
    """``name`` quoted for an error message, control characters escaped, cut to ``limit``."""
    text = repr(name)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _open_at(name: str, flags: int, directory: int, path: Path) -> int:
    try:
        return os.open(name, flags, dir_fd=directory)
    except OSError as exc:
        try:
            link = stat.S_ISLNK(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode)
        except OSError:
            link = False
        if link or exc.errno == errno.ELOOP:
            raise FileUnreadable(
                f"{path}: refused: {shown(name)} on its path is a symbolic link"
            ) from exc
        raise FileUnreadable(f"{path}: cannot be opened ({exc.strerror})") from exc


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading, following no symbolic link anywhere on it.

    Raises :class:`FileUnreadable` for a link, a missing file, or anything but a regular file.
    Paths from :func:`joinedup.ingest.plan.plan` are canonical (absolute, links resolved in the
    folder the operator named), so this refuses only what a drop folder itself holds.
    """
    parts = Path(os.path.abspath(path)).parts
    if len(parts) < 2:
        raise FileUnreadable(f"{path}: not a regular file")
    directory = os.open(parts[0], _DIRECTORY)
    try:
        for part in parts[1:-1]:
            inner = _open_at(part, _DIRECTORY, directory, path)
            os.close(directory)
            directory = inner
        handle = _open_at(parts[-1], _FILE, directory, path)
    finally:
        os.close(directory)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise FileUnreadable(f"{path}: refused: not a regular file")
    return os.fdopen(handle, "rb")


def _lexical(name: str) -> list[str]:
    """The components of a manifest's file name; raises ValueError for a name that could
    point outside the folder."""
    if not name or "\x00" in name:
        raise ValueError("an empty name or a NUL byte")
    if "\\" in name:
        raise ValueError("a backslash (write paths with '/')")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).anchor:
        raise ValueError("an absolute path")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError("'..' (a path outside the manifest's folder)")
    if not parts:
        raise ValueError("no file name")
    return parts


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` once it is certain to be a regular file inside ``folder``.

    Nothing is read: only names and file types are looked at (``lstat``). Raises ValueError
    saying why a name is refused.
    """
    current = folder
    parts = _lexical(name)
    for depth, part in enumerate(parts, 1):
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError as exc:
            raise ValueError("no such file in the folder") from exc
        except OSError as exc:
            raise ValueError(f"cannot be looked at ({exc.strerror})") from exc
        if stat.S_ISLNK(info.st_mode):
            raise ValueError(f"{shown('/'.join(parts[:depth]))} is a symbolic link")
        if depth < len(parts) and not stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{shown('/'.join(parts[:depth]))} is not a folder")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_nlink > 1:
        raise ValueError("the file has other hard links (it may be another file on the server)")
    return current


def is_real_folder(path: Path) -> bool:
    """True for a folder that is not a symbolic link."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
