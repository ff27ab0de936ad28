"""Versioned YAML documents of the safeguarding engine (the risk tool, the rules): parsed and
validated into their pydantic model, read from a partnership's file or from the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def parse_document(
    model: type[M], text: str, *, where: str, what: str, error: type[ValueError]
) -> M:
    """``text`` as ``model``; raises ``error`` naming ``where`` and ``what`` when it is not."""
    try:
        return model.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise error(f"{where}: invalid {what}: {exc}") from exc


def file_text(path: Path | str) -> tuple[str, str]:
    """A partnership's own document: its text and its file name (for messages)."""
    p = Path(path)
    return p.read_text(encoding="utf-8"), p.name


def packaged_text(name: str) -> str:
    """The text of a document shipped in ``joinedup/safeguarding/data``."""
    path = resources.files("joinedup.safeguarding").joinpath("data", name)
    return path.read_text(encoding="utf-8")
