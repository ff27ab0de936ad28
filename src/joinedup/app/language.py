"""Use case: check text for victim-blaming language (no store involved)."""

from __future__ import annotations

from typing import Any

from joinedup.safeguarding.language import check

__all__ = ["check_note"]


def check_note(text: str, child_age: int | None = None) -> list[dict[str, Any]]:
    """What in ``text`` blames or judges a child, with reasons and better wording."""
    return [f.to_dict() for f in check(text, child_age=child_age)]
