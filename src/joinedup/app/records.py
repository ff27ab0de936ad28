"""One source record as its agency sent it: the record page behind every chronology entry.

:func:`record` reads the record through the door as the caller (out of reach and missing
are the same :class:`NotFound`), decrypts its free text with the door's field cipher (the
caller reached the record, so may read it), and names its agency, its file and import, and
the person linkage put it in. The read itself is logged as a consultation of the record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.app.record_facts import agency_names, display_name, payload_in_clear, when
from joinedup.app.runtime import Runtime
from joinedup.ingest.formats import FormatError, get_format
from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import NotFound

__all__ = ["Field", "NotFound", "RecordPage", "record"]


@dataclass(frozen=True)
class Field:
    """One column of the record as the agency sent it, with what the file says it is."""

    column: str
    value: str
    description: str = ""


@dataclass
class RecordPage:
    """What the caller may see of one source record."""

    id: str
    agency: str
    record_type: str
    agency_key: str
    date: str | None
    file_name: str | None
    imported_at: str | None
    row_number: int | None
    received_at: str
    person_id: str | None
    person_name: str | None
    fields: list[Field] = field(default_factory=list)
    normalised: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """A heading: the kind of record and the agency's own reference."""
        return f"{self.record_type.replace('_', ' ').capitalize()} {self.agency_key}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def _columns(batch: Batch | None) -> dict[str, str]:
    """The file's columns in order with their descriptions (empty for a mapping profile)."""
    if batch is None or not batch.format or not batch.record_type:
        return {}
    try:
        entry = get_format(batch.format).file(batch.record_type)
    except FormatError:
        return {}
    return {c.name: c.description for c in entry.columns}


def record(who: Caller, record_id: str, *, rt: Runtime | None = None) -> RecordPage:
    """One source record verbatim, with its agency, file, import and linked person;
    :class:`NotFound` when it does not exist or is out of the caller's reach."""
    rt = rt or runtime()
    with session(who, rt) as opened:
        found = opened.get(SourceRecord, record_id)  # NotFound alike; logged as consulted
        agencies = agency_names(opened)
        batches = opened.list(Batch, where={"id": found.batch_id}) if found.batch_id else []
        batch = batches[0] if batches else None
        columns = _columns(batch)
        fields = [
            Field(column, value, columns.get(column, ""))
            for column, value in payload_in_clear(opened, found.id, found.payload, list(columns))
        ]
        links = opened.list(PersonLink, where={"record_id": found.id})
        person_id = links[0].person_id if links else None
        n = found.normalised or {}
        name = display_name(n) or ("Name not recorded" if person_id else None)
        return RecordPage(
            id=found.id,
            agency=agencies.get(found.agency_id, found.agency_id),
            record_type=found.record_type,
            agency_key=found.agency_key,
            date=when(n, found.payload),
            file_name=batch.file_name if batch else None,
            imported_at=(batch.completed_at or batch.created_at).isoformat() if batch else None,
            row_number=found.row_number,
            received_at=found.created_at.isoformat(),
            person_id=person_id,
            person_name=name if person_id else None,
            fields=fields,
            normalised={k: str(v) for k, v in n.items() if v not in (None, "")},
        )
