"""Turning the paths a user gives into import jobs (file, agency, layout, reader).

A path may be a single file (with ``--agency`` and ``--format`` or ``--mapping``), a folder
holding a ``manifest.json`` (as agencies' export tools and the simulator write), or a folder
of such folders (a simulator output root: every agency in it). Every file a manifest lists is
checked to lie inside its folder before anything is read (:mod:`joinedup.ingest.manifest`);
``--agency`` binds folders to that agency.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from joinedup.ingest.batch import open_delimited
from joinedup.ingest.files import PlanError, is_real_folder
from joinedup.ingest.formats import layout_for_file, layout_for_manifest_entry
from joinedup.ingest.layout import Layout
from joinedup.ingest.manifest import MANIFEST, bound_agency, file_paths, read_manifest
from joinedup.ingest.profile import load_profile
from joinedup.ingest.reader import Opener
from joinedup.ingest.xlsx import read_xlsx

__all__ = ["Job", "PlanError", "plan"]


@dataclass(frozen=True)
class Job:
    """One file to import (``rows``: the row count its manifest promises, if it gives one)."""

    path: Path
    agency: str
    agency_kind: str | None
    layout: Layout
    opener: Opener
    rows: int | None = None


def _opener(path: Path) -> Opener:
    return read_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else open_delimited


def _manifest_jobs(folder: Path, agency: str | None) -> Iterator[Job]:
    manifest = read_manifest(folder)
    name = bound_agency(folder, manifest, agency)
    paths = file_paths(folder, manifest)
    for index, (entry, path) in enumerate(zip(manifest.files, paths, strict=True)):
        fmt = entry.format or manifest.format
        if fmt is None:
            raise PlanError(f"{folder / MANIFEST}: files[{index}] names no format")
        yield Job(
            path,
            name,
            manifest.kind,
            layout_for_manifest_entry(fmt, entry),
            _opener(path),
            entry.rows,
        )


def _subfolders(root: Path) -> list[Path]:
    """Agency folders of a root: real folders (not links) holding a manifest."""
    found = []
    for sub in sorted(root.iterdir()):
        if not (sub / MANIFEST).exists() and not (sub / MANIFEST).is_symlink():
            continue
        if not is_real_folder(sub):
            raise PlanError(f"{sub}: refused: a symbolic link, not a folder of {root}")
        found.append(sub)
    return found


def plan(paths: list[Path], agency: str | None, fmt: str | None, mapping: Path | None) -> list[Job]:
    """Every job the given paths describe, in a stable order; nothing is read but manifests."""
    jobs: list[Job] = []
    for given in paths:
        path = given.resolve()
        if path.is_dir():
            if (path / MANIFEST).exists() or (path / MANIFEST).is_symlink():
                jobs.extend(_manifest_jobs(path, agency))
                continue
            subfolders = _subfolders(path)
            if not subfolders:
                raise PlanError(f"{given}: a folder needs a manifest.json (or agency subfolders)")
            for sub in subfolders:
                jobs.extend(_manifest_jobs(sub, agency))
            continue
        if not path.is_file():
            raise PlanError(f"{given}: no such file or folder")
        if agency is None:
            raise PlanError(f"{given}: say which agency sent it with --agency")
        if mapping is not None:
            layout = load_profile(mapping).layout()
        elif fmt is not None:
            layout = layout_for_file(fmt, path.name)
        else:
            raise PlanError(f"{given}: give --format or --mapping for a single file")
        jobs.append(Job(path, agency, None, layout, _opener(path)))
    return jobs
