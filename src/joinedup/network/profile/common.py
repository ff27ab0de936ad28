"""Helpers shared by the profile's sections: periods, first concern, labels, count tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from joinedup.assemble.view import EventView
from joinedup.model.vocab import vocabulary
from joinedup.network.graph import Network
from joinedup.network.profile import suppress
from joinedup.network.profile.model import Table

UNKNOWN = "Not recorded"
TRUTHY = {True, "Y", "y", "yes", "Yes", "true", "True", "1"}


def span(net: Network) -> tuple[date, date] | None:
    """The window's dates; where it is open, the first or last event of concern."""
    days = [d for e in net.concern if (d := e.start or e.end) is not None]
    first = net.window.since or (min(days) if days else None)
    last = net.window.until or (max(days) if days else None)
    return (first, last) if first and last else None


def period_of(first: date, last: date) -> tuple[list[str], Callable[[date], str]]:
    """Period labels from ``first`` to ``last`` (years, or quarters for three years or less)
    and the function giving a date's label."""
    if (last - first).days > 3 * 366:
        labels = [str(y) for y in range(first.year, last.year + 1)]
        return labels, lambda d: str(d.year)
    labels = []
    year, quarter = first.year, (first.month - 1) // 3
    while (year, quarter) <= (last.year, (last.month - 1) // 3):
        labels.append(f"{year} Q{quarter + 1}")
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return labels, lambda d: f"{d.year} Q{(d.month - 1) // 3 + 1}"


def _first_dates(net: Network, events: Iterable[EventView], people: set[str]) -> dict[str, date]:
    """The date of each of ``people``'s first event among ``events``."""
    first: dict[str, date] = {}
    for event in events:
        day = event.start or event.end
        if day is None:
            continue
        for person in people.intersection(net.people_in(event)):
            if person not in first or day < first[person]:
                first[person] = day
    return first


def first_concern(net: Network) -> dict[str, date]:
    """The date of each child at risk's first event of concern in the window."""
    children = set(net.classes.children) - set(net.classes.offenders)
    return _first_dates(net, net.concern, children)


def first_seen(net: Network, people: set[str]) -> dict[str, date]:
    """The date of each person's first event in the window."""
    return _first_dates(net, net.events, people)


def sex_label(code: str | None) -> str:
    """The label of an SSD sex code (M/F are read as male/female)."""
    if not code:
        return UNKNOWN
    code = {"M": "1", "F": "2", "U": "9"}.get(code.upper(), code)
    labels = {t.code: t.label for t in vocabulary("sex").terms}
    return labels.get(code, UNKNOWN)


def ethnic_group(code: str | None) -> str:
    """The broad group (White, Mixed, Asian, Black, Other) of an SSD ethnicity code."""
    groups = {t.code: t.group for t in vocabulary("ethnicity").terms}
    group = groups.get(code or "")
    if group is None or group == "not_recorded":
        return UNKNOWN
    return {"white": "White", "mixed": "Mixed", "asian": "Asian or Asian British"}.get(
        group, "Black or Black British" if group == "black" else "Other ethnic group"
    )


def band_of(age: int | None, bands: Sequence[tuple[int, int]]) -> str:
    """The label of the age band holding ``age`` (``13``, ``16-17``, ``Not recorded``)."""
    if age is None:
        return UNKNOWN
    for low, high in bands:
        if low <= age <= high:
            return str(low) if low == high else f"{low}-{high}" if low else f"{high} or under"
    return "other"


def count_table(
    title: str,
    heading: str,
    counts: Counter[str],
    below: int,
    order: Iterable[str] | None = None,
    unit: str = "Children",
    note: str | None = None,
    of: int | None = None,
) -> Table:
    """A table of counts with a share column and a total row, suppressed.

    With ``of`` the categories may overlap (one person, several roles): shares are of ``of``
    and no total row is printed.
    """
    labels = list(order) if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    labels += [k for k in sorted(counts) if k not in labels]
    values = [counts.get(k, 0) for k in labels]
    total = sum(values) if of is None else of
    shown = suppress.column(values, below, with_total=of is None)
    rows = [
        [
            label,
            cell,
            suppress.SECONDARY if suppress.withheld(cell) else suppress.share(v, total, below),
        ]
        for label, v, cell in zip(labels, values, shown, strict=True)
    ]
    if of is None:
        rows.append(["Total", suppress.cell(total, below), "100%" if total else "-"])
    return Table(title, [heading, unit, "Share"], rows, note)


def merged_periods(
    labels: list[str], series: dict[str, list[int]], below: int
) -> tuple[list[str], dict[str, list[int]]]:
    """Adjacent periods merged (two at a time, then again) until no count that is not zero
    is below the suppression threshold, or one period is left; labels become "A to B"."""
    spans = [(label, label) for label in labels]
    while len(spans) > 1 and any(0 < v < below for values in series.values() for v in values):
        pairs = range(0, len(spans), 2)
        spans = [(spans[i][0], spans[min(i + 1, len(spans) - 1)][1]) for i in pairs]
        series = {
            name: [sum(values[i : i + 2]) for i in range(0, len(values), 2)]
            for name, values in series.items()
        }
    return [a if a == b else f"{a} to {b}" for a, b in spans], series
