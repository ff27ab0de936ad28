"""The problem profile as data: sections of figures, tables and charts, already suppressed,
rendered to HTML and Markdown by :mod:`joinedup.network.profile.render`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A table of published cells (strings, suppression already applied)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str | None = None


@dataclass
class Chart:
    """An inline SVG chart with the table of its data (for Markdown and screen readers)."""

    title: str
    svg: str
    data: Table


@dataclass
class Section:
    """One part of the profile (victims, offenders, locations, themes...)."""

    key: str
    title: str
    intro: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class SourceCoverage:
    """One agency's contribution: records used, period covered and latest import."""

    agency: str
    kind: str
    records: int
    events: int
    first: str | None
    last: str | None
    refreshed: str | None


@dataclass
class Profile:
    """A whole problem profile."""

    title: str
    marking: str
    area: str
    period: str
    generated: str
    sources: list[SourceCoverage]
    sections: list[Section]
    suppress_below: int
