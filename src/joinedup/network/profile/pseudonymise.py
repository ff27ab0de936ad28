"""Pseudonyms in a profile computed under an aggregate information-sharing agreement.

A partnership analyst's profile across the agreed agencies may name (by platform id) only the
persons the analyst could reach in an ordinary session; every other person id in it becomes a
pseudonym ("Person 1", "Person 2", ... in order of appearance), fresh for each profile, so
two profiles cannot be joined on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from joinedup.network.profile.model import Chart, Profile, Section, Table


class Pseudonyms:
    """Replaces person ids outside ``reachable`` with per-profile pseudonyms."""

    def __init__(self, persons: Collection[str], reachable: Collection[str]) -> None:
        self._hidden = set(persons) - set(reachable)
        self.given: dict[str, str] = {}

    def text(self, value: str) -> str:
        """``value`` with every hidden person id replaced."""
        if value in self._hidden:
            return self._name(value)
        if not any(h in value for h in self._hidden if len(h) >= 8):
            return value
        for hidden in sorted(self._hidden, key=len, reverse=True):
            if len(hidden) >= 8 and hidden in value:
                value = value.replace(hidden, self._name(hidden))
        return value

    def _name(self, person_id: str) -> str:
        return self.given.setdefault(person_id, f"Person {len(self.given) + 1}")

    def table(self, table: Table) -> Table:
        """``table`` with its cells and note pseudonymised."""
        return dataclasses.replace(
            table,
            rows=[[self.text(c) for c in row] for row in table.rows],
            note=self.text(table.note) if table.note else table.note,
        )

    def section(self, section: Section) -> Section:
        """``section`` with its findings, tables and chart data pseudonymised."""
        return dataclasses.replace(
            section,
            findings=[self.text(f) for f in section.findings],
            figures=[(label, self.text(v)) for label, v in section.figures],
            tables=[self.table(t) for t in section.tables],
            charts=[Chart(c.title, self.text(c.svg), self.table(c.data)) for c in section.charts],
        )


def pseudonymised(
    profile: Profile, persons: Collection[str], reachable: Collection[str]
) -> Profile:
    """``profile`` with every id of ``persons`` not in ``reachable`` replaced by a pseudonym."""
    names = Pseudonyms(persons, reachable)
    return dataclasses.replace(profile, sections=[names.section(s) for s in profile.sections])
