"""A folder's ``manifest.json``: read strictly, and checked before any file it lists is read.

The manifest is the sending agency's own description of its export, so it is input like the
files: a bounded size, a strict schema (``extra="forbid"``), every listed file inside the
folder (:func:`joinedup.ingest.files.inside`), and, when the folder is bound to an agency
(``joinedup ingest DIR --agency X``: a drop folder of agency X), no say over which agency the
records are filed under.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from joinedup.ingest.files import FileRefused, PlanError, inside, open_regular, shown
from joinedup.model.vocab import vocabulary

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024


class ManifestFile(BaseModel):
    """One file of a manifest: where it is, its layout and the sender's conventions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1, max_length=1024)
    format: str | None = Field(default=None, min_length=1, max_length=64)
    table: str | None = Field(default=None, max_length=64)
    key: str | None = None
    encoding: str | None = Field(default=None, max_length=64)
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    date_format: str | None = Field(default=None, max_length=64)
    datetime_format: str | None = Field(default=None, max_length=64)
    notes_column: str | None = None
    columns: list[str] | None = None
    rows: int | None = Field(default=None, ge=0, strict=True)


class Manifest(BaseModel):
    """A folder of one agency's exports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: str | None = Field(default=None, min_length=1, max_length=200)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: str | None = Field(default=None, max_length=64)
    format: str | None = Field(default=None, max_length=64)
    synthetic: bool | None = None
    scenario: str | None = None
    seed: int | None = None
    scale: float | None = None
    files: list[ManifestFile]

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str | None) -> str | None:
        return None if kind is None else vocabulary("agency_kinds").check(kind)

    @property
    def agency_name(self) -> str | None:
        """The agency the manifest files its records under: ``name``, else ``agency``."""
        return self.name or self.agency


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'the document'}: {e['msg']}" for e in exc.errors()
    )


def read_manifest(folder: Path) -> Manifest:
    """The manifest of ``folder``, validated; raises :class:`PlanError` naming the problem."""
    path = folder / MANIFEST
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise PlanError(f"{path}: cannot be looked at ({exc.strerror})") from exc
    if not stat.S_ISREG(mode):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise PlanError(f"{path}: refused: {what}")
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_MANIFEST_BYTES + 1)
    except FileRefused as exc:
        raise PlanError(str(exc)) from exc
    if len(data) > MAX_MANIFEST_BYTES:
        raise PlanError(f"{path}: refused: over the {MAX_MANIFEST_BYTES:,}-byte limit")
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
        raise PlanError(f"{path}: not a readable manifest ({exc})") from exc
    try:
        return Manifest.model_validate(document)
    except ValidationError as exc:
        raise PlanError(f"{path}: invalid manifest: {_problems(exc)}") from exc


def bound_agency(folder: Path, manifest: Manifest, agency: str | None) -> str:
    """The agency the folder's records are filed under.

    ``agency`` binds the folder: a manifest naming another agency is refused, so a drop
    folder of one agency can never file records under another.
    """
    claimed = manifest.agency_name
    if agency is not None:
        if claimed is not None and claimed != agency:
            raise PlanError(
                f"{folder / MANIFEST}: refused: the folder is bound to agency {shown(agency)} "
                f"but its manifest files the records under {shown(claimed)}; nothing was read"
            )
        return agency
    if claimed is None:
        raise PlanError(f"{folder / MANIFEST}: needs 'agency' (or 'name'), or --agency")
    return claimed


def file_paths(folder: Path, manifest: Manifest) -> list[Path]:
    """The path of each listed file, every one checked to be a regular file in ``folder``."""
    paths: list[Path] = []
    for index, entry in enumerate(manifest.files):
        try:
            paths.append(inside(folder, entry.path))
        except ValueError as exc:
            raise PlanError(
                f"{folder / MANIFEST}: files[{index}] path {shown(entry.path)} refused: {exc}; "
                "nothing was read"
            ) from exc
    return paths
