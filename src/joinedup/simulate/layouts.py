"""The export layout of every agency file the simulator writes.

The layouts are the ingest format contract (``joinedup/ingest/data/formats/*.yml``, read by
:mod:`joinedup.ingest.formats`): the simulator writes exactly what ingest reads.
``docs/simulator.md`` embeds :func:`markdown` verbatim (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.ingest.formats import formats

# agency folder -> format name (the folder name is the agency kind)
FORMATS: dict[str, str] = {fmt.agency_kind: name for name, fmt in formats().items()}
_ORDER = ("police", "social_care", "education", "health", "probation", "licensing", "voluntary")


@dataclass(frozen=True)
class FileLayout:
    """One export file: name, role, key column, columns and free-text column."""

    agency: str
    file: str
    role: str
    key: str
    columns: tuple[tuple[str, str, str], ...]
    notes: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c[0] for c in self.columns)


LAYOUTS: tuple[FileLayout, ...] = tuple(
    FileLayout(
        agency=agency,
        file=entry.file,
        role=entry.role,
        key=entry.key,
        columns=tuple((c.name, c.type, c.description) for c in entry.columns),
        notes=entry.notes or "",
    )
    for agency in _ORDER
    for entry in formats()[FORMATS[agency]].files
)


def layout(agency: str, file: str) -> FileLayout:
    """The layout of ``agency``'s ``file``."""
    for lay in LAYOUTS:
        if lay.agency == agency and lay.file == file:
            return lay
    raise KeyError(f"{agency}/{file}")


def markdown(agency: str) -> str:
    """The column tables of one agency's files, as embedded in docs/simulator.md."""
    out: list[str] = []
    for lay in LAYOUTS:
        if lay.agency != agency:
            continue
        notes = f"; free-text notes in `{lay.notes}`" if lay.notes else ""
        out.append(f"#### `{agency}/{lay.file}` ({lay.role}; key `{lay.key}`{notes})\n")
        out.append("| column | type | meaning |")
        out.append("|---|---|---|")
        out.extend(f"| `{n}` | {t} | {d} |" for n, t, d in lay.columns)
        out.append("")
    return "\n".join(out)
