"""Result types every use case shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from joinedup.safeguarding.entry import EntryFinding, warning_lines

__all__ = ["EntryFinding", "Saved", "warning_lines"]

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Saved(Generic[T]):
    """Something a person saved, with the victim-blaming language found in what they typed
    (saved as written; the findings are shown to them and raised as flags)."""

    item: T
    language: list[EntryFinding] = field(default_factory=list)

    def as_dict(self, exclude: set[str] | None = None) -> dict[str, Any]:
        """The saved thing as JSON-ready data with a ``language`` list."""
        return {
            **self.item.model_dump(mode="json", exclude=exclude),
            "language": [f.to_dict() for f in self.language],
        }
