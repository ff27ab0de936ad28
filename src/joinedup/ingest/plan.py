"""Turning the paths a user gives into import jobs (file, agency, layout, reader).

A path may be a single file (with ``--agency`` and ``--format`` or ``--mapping``), a folder
holding a ``manifest.json`` (as agencies' export tools and the simulator write), or a folder
of such folders (a simulator output root: every agency in it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.ingest.batch import open_delimited
from joinedup.ingest.formats import layout_for_file, layout_for_manifest_entry
from joinedup.ingest.layout import Layout
from joinedup.ingest.profile import load_profile
from joinedup.ingest.reader import Opener
from joinedup.ingest.xlsx import read_xlsx


class PlanError(ValueError):
    """The paths and options do not describe any importable file."""


@dataclass(frozen=True)
class Job:
    """One file to import."""

    path: Path
    agency: str
    agency_kind: str | None
    layout: Layout
    opener: Opener


def _opener(path: Path) -> Opener:
    return read_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else open_delimited


def _manifest_jobs(folder: Path, agency: str | None) -> Iterator[Job]:
    manifest_path = folder / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanError(f"{manifest_path}: not a readable manifest ({exc})") from exc
    name = agency or manifest.get("name") or manifest.get("agency")
    if not name or not isinstance(manifest.get("files"), list):
        raise PlanError(f"{manifest_path}: needs 'agency' (or 'name') and a list of 'files'")
    for entry in manifest["files"]:
        path = folder / str(entry.get("path", ""))
        if not path.is_file():
            raise PlanError(f"{manifest_path}: listed file {path.name!r} does not exist")
        yield Job(
            path, str(name), manifest.get("kind"), layout_for_manifest_entry(entry), _opener(path)
        )


def plan(paths: list[Path], agency: str | None, fmt: str | None, mapping: Path | None) -> list[Job]:
    """Every job the given paths describe, in a stable order."""
    jobs: list[Job] = []
    for path in paths:
        if path.is_dir():
            if (path / "manifest.json").is_file():
                jobs.extend(_manifest_jobs(path, agency))
                continue
            subfolders = sorted(p for p in path.iterdir() if (p / "manifest.json").is_file())
            if not subfolders:
                raise PlanError(f"{path}: a folder needs a manifest.json (or agency subfolders)")
            for sub in subfolders:
                jobs.extend(_manifest_jobs(sub, agency))
            continue
        if not path.is_file():
            raise PlanError(f"{path}: no such file or folder")
        if agency is None:
            raise PlanError(f"{path}: say which agency sent it with --agency")
        if mapping is not None:
            layout = load_profile(mapping).layout()
        elif fmt is not None:
            layout = layout_for_file(fmt, path.name)
        else:
            raise PlanError(f"{path}: give --format or --mapping for a single file")
        jobs.append(Job(path, agency, None, layout, _opener(path)))
    return jobs
