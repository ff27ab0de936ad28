"""Value types: one module each, with ``clean`` functions that normalise or raise ``BadValue``.

A ``BadValue`` message says what is wrong with the value without repeating it (messages end
up in quarantine reasons and logs; the value itself stays in the quarantined row).
"""

from __future__ import annotations

from joinedup.common.errors import JoinedupError


class BadValue(JoinedupError, ValueError):
    """A value cannot be normalised; ``code`` is a stable reason code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
