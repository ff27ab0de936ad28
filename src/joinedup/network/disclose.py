"""Exporting the network to a person: a disclosure, logged and committed before any file.

The order is the point. The recipient is checked before anything is read; the network is read
and the export's rows are built inside one session, which logs the disclosure of every record
they rest on and commits; only then are the files written (mode 0600). A command that fails
before the commit leaves no file behind, and the reads it made are still on the audit chain
(the door logs them again, marked as failed); a failure while writing leaves a disclosure on
the chain for a file that may be incomplete, which over-reports rather than hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from joinedup.common.errors import InputError
from joinedup.model.records import SourceRecord
from joinedup.network.communities import offender_groups, victim_clusters
from joinedup.network.export import ExportTables, export_tables, write_graphml, write_i2
from joinedup.network.scope import Window
from joinedup.network.store import load_network
from joinedup.store.door import Door

Format = Literal["graphml", "i2"]


@dataclass(frozen=True)
class GraphExport:
    """What to export, where, and for whom (``recipient`` None: the actor's own analysis)."""

    fmt: Format
    out: Path
    window: Window
    extent: Literal["cse", "all"] = "cse"
    pseudonymise: bool = False
    recipient: str | None = None


@dataclass(frozen=True)
class GraphExported:
    """What was disclosed and written."""

    files: tuple[Path, ...]
    entities: int
    ties: int
    records: int
    recipient: str


def recipient_of(request: GraphExport, actor: str) -> str:
    """The recipient to log; a blank one is refused before anything is read."""
    if request.recipient is None:
        return f"{actor}: {request.out.name}"
    if not request.recipient.strip():
        raise InputError("--recipient is blank: name who the file is for")
    return request.recipient.strip()


def _check_target(request: GraphExport) -> None:
    """Refuse an output that cannot be written, before anything is read or logged."""
    out = request.out
    if request.fmt == "graphml" and out.is_dir():
        raise InputError(f"--out {out} is a folder: give the .graphml file to write")
    if request.fmt == "i2" and out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file: give the folder for entities.csv and links.csv")


def export_graph(door: Door, actor: str, purpose: str, request: GraphExport) -> GraphExported:
    """Disclose the network of ``request.window`` to its recipient, then write the files."""
    recipient = recipient_of(request, actor)
    _check_target(request)
    with door.session(actor, purpose) as session:
        session.require_operation("disclosure", "case")
        session.require("network.export")
        net, _ = load_network(session, request.window)
        entities = net.cse_entities() if request.extent == "cse" else set(net.kind_of)
        tables: ExportTables = export_tables(
            net,
            entities,
            offender_groups(net),
            victim_clusters(net),
            request.pseudonymise,
            disclosable=lambda ids: session.disclosable(SourceRecord, ids),
        )
        session.disclose(SourceRecord, tables.records, recipient)
    # committed: the disclosure is on the audit chain before anything reaches the disk
    if request.fmt == "graphml":
        write_graphml(tables, request.out)
        files: tuple[Path, ...] = (request.out,)
    else:
        files = write_i2(tables, request.out)
    return GraphExported(
        files, len(tables.nodes), len(tables.edges), len(tables.records), recipient
    )
