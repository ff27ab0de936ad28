"""Small-cell suppression for published counts.

A count from 1 to ``below - 1`` is shown as ``<5`` (for the default ``below`` of 5): a small
number of children in a cell can identify them. Where a table shows a total and exactly one
cell of a column was suppressed, the next smallest non-zero cell of that column is also
withheld (shown ``[c]``), so that the suppressed one cannot be recovered by subtraction.
Percentages of suppressed counts are withheld too. Zero is shown as 0.
"""

from __future__ import annotations

from collections.abc import Sequence

SECONDARY = "[c]"


def small(count: int, below: int) -> bool:
    """Whether a count must be suppressed."""
    return 0 < count < below


def cell(count: int, below: int) -> str:
    """One count as it may be published."""
    return f"<{below}" if small(count, below) else f"{count:,}"


def share(count: int, total: int, below: int) -> str:
    """``count`` as a percentage of ``total``, withheld when the count is suppressed."""
    if small(count, below):
        return SECONDARY
    if total <= 0:
        return "-"
    return f"{100 * count / total:.0f}%"


def column(counts: Sequence[int], below: int, with_total: bool = True) -> list[str]:
    """A column of counts with primary and (when a total is shown) secondary suppression."""
    shown = [cell(c, below) for c in counts]
    suppressed = [i for i, c in enumerate(counts) if small(c, below)]
    if with_total and len(suppressed) == 1:
        candidates = [i for i, c in enumerate(counts) if c > 0 and i not in suppressed]
        if candidates:
            smallest = min(candidates, key=lambda i: (counts[i], i))
            shown[smallest] = SECONDARY
    return shown


def withheld(value: str) -> bool:
    """Whether a published cell hides its count."""
    return value.startswith("<") or value == SECONDARY
