"""Reading the simulator's output in tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def manifest(out: Path, agency: str) -> dict[str, Any]:
    return json.loads((out / agency / "manifest.json").read_text(encoding="utf-8"))


def rows(out: Path, agency: str, file: str) -> list[dict[str, str]]:
    entry = next(f for f in manifest(out, agency)["files"] if f["path"] == file)
    with (out / agency / file).open(encoding=entry["encoding"], newline="") as handle:
        return list(csv.DictReader(handle, delimiter=entry["delimiter"]))


def truth(out: Path, name: str) -> list[dict[str, str]]:
    with (out / "truth" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
