"""Checking an uploaded agency export before it is imported: its type, its size, its
encoding, its columns, and for a zip (an SSD folder with its manifest) every member's name
and size, so that a hostile file is refused with a plain reason and nothing of it is read
into the store.

Limits: :data:`MAX_UPLOAD_BYTES` for the file as sent; a zip may hold at most
:data:`MAX_MEMBERS` files and :data:`MAX_UNZIPPED_BYTES` unpacked (counted while unpacking,
not taken from the zip's own header), each member compressed at most :data:`MAX_RATIO`
to one (a zip bomb is refused), with plain relative names (no ``..``, no absolute path,
no drive, no link).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from joinedup.common.errors import InputError
from joinedup.ingest.batch import open_delimited
from joinedup.ingest.encodings import looks_binary, sniff_encoding
from joinedup.ingest.formats import layout_for_file
from joinedup.ingest.manifest import MANIFEST
from joinedup.ingest.xlsx import read_xlsx

__all__ = [
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_UNZIPPED_BYTES",
    "MAX_UPLOAD_BYTES",
    "UploadRefused",
    "check_columns",
    "save_upload",
    "unpack_zip",
]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # as the reverse proxy example in docs/web.md
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_MEMBERS = 200
MAX_RATIO = 200
KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".zip": "zip"}
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024


class UploadRefused(InputError):
    """An uploaded file that is not imported, with the reason to show."""


def kind_of(filename: str) -> str:
    """``csv``, ``xlsx`` or ``zip`` from the file's name; refused otherwise."""
    kind = KINDS.get(PurePosixPath(filename).suffix.lower())
    if kind is None:
        raise UploadRefused(
            f"{filename!r} is not a CSV (.csv), Excel workbook (.xlsx) or zip (.zip) file"
        )
    return kind


def save_upload(source: BinaryIO, target: Path) -> int:
    """Copy an upload to ``target`` (private), refusing it past :data:`MAX_UPLOAD_BYTES`."""
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with target.open("xb") as out:
        target.chmod(0o600)
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise UploadRefused(
                    f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
                    "split it, or import it with `joinedup ingest`"
                )
            out.write(chunk)
    if size == 0:
        raise UploadRefused("the file is empty")
    return size


def check_content(path: Path, kind: str) -> None:
    """The file's first bytes must be what its name says: a zip (XLSX is one), or text."""
    with path.open("rb") as f:
        sample = f.read(64 * 1024)
    if kind in ("xlsx", "zip"):
        if not sample.startswith(ZIP_MAGIC):
            raise UploadRefused(f"{path.name} is not a real {kind.upper()} file")
        return
    if sample.startswith(ZIP_MAGIC):
        raise UploadRefused(f"{path.name} is a zip or workbook, not a CSV: name it as such")
    encoding = sniff_encoding(sample, None)
    if looks_binary(sample, encoding) or (b"\x00" in sample and not encoding.startswith("utf-16")):
        raise UploadRefused(
            f"{path.name} is not text in a known encoding (UTF-8 or Windows-1252): "
            "save it from the agency's system as CSV UTF-8"
        )


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    mode = info.external_attr >> 16
    parts = PurePosixPath(name).parts
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in name
        or ".." in parts
        or not parts
        or stat.S_ISLNK(mode)
    ):
        raise UploadRefused(f"the zip holds a file with an unsafe name: {name[:120]!r}")
    return PurePosixPath(*parts)


def unpack_zip(path: Path, into: Path) -> Path:
    """Unpack an uploaded zip safely into ``into``; the folder holding its manifest.json."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRefused(f"{path.name} is not a readable zip file") from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise UploadRefused(f"the zip holds more than {MAX_MEMBERS} files")
        total = 0
        for info in members:
            relative = _member_path(info)
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise UploadRefused(f"{relative} is compressed beyond belief (a zip bomb?)")
            target = into.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with archive.open(info) as src, target.open("xb") as out:
                while chunk := src.read(CHUNK):
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES:
                        raise UploadRefused(
                            f"the zip unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
                        )
                    out.write(chunk)
    manifests = sorted(into.rglob(MANIFEST), key=lambda p: len(p.parts))
    if not manifests:
        raise UploadRefused(
            "the zip holds no manifest.json: zip the agency's export folder as it was written"
        )
    return manifests[0].parent


def check_columns(path: Path, fmt: str) -> None:
    """A single file must have the columns its format requires (its header is read)."""
    layout = layout_for_file(fmt, path.name)
    try:
        opener = read_xlsx if path.suffix.lower() == ".xlsx" else open_delimited
        info, rows = opener(path, layout)
    except Exception as exc:  # any reader failure is a refused file
        raise UploadRefused(f"{path.name} could not be read: {str(exc)[:200]}") from exc
    close = getattr(rows, "close", None)
    if close is not None:
        close()
    missing = layout.missing_columns(info.header)
    if missing:
        raise UploadRefused(
            f"{path.name} lacks the columns the {fmt} format needs: {', '.join(missing)}"
        )
