"""Reading source records through the door into compact rows.

Each record becomes a :class:`Row`: its :class:`RecordRef`, the compiled file it belongs to
and a tuple of just the column values the mappings use (typed: dates as dates, JSON as
objects, free text decrypted). Payload dictionaries are dropped as soon as a chunk is read,
so memory holds only what the assembly needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from joinedup.access.crypto import DecryptionError
from joinedup.assemble.mapping import FileSpec, PersonSpec, Value
from joinedup.assemble.view import RecordRef
from joinedup.common.values import BadValue
from joinedup.ingest.canonical import Formats, clean
from joinedup.ingest.formats import Format, encrypted, formats
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.store.actor_session import ActorSession
from joinedup.store.hooks import FieldCrypto

# canonical fields of a generic (unmapped) person record, read from ``normalised``
GENERIC_FIELDS = (
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
)
IDENTITY = ("forename", "surname", "date_of_birth")
_IDS_PER_SCAN = 2_000  # record ids per scan when reading chosen records
Reader = Callable[[dict[str, Any], dict[str, Any], str], tuple[Any, ...]]


@dataclass(frozen=True)
class Source:
    """Where a column's value is read from: ``normalised[field]`` or ``payload[field]``.

    ``canonical`` names the canonical field the column feeds; an encrypted column (a token
    in the payload) is decrypted and then, when it feeds a canonical field, cleaned as
    ingest cleans that field. ``note`` marks the file's free-text note column (left out
    when the assembly is built without text).
    """

    normalised: bool
    field: str
    type: str = "text"
    encrypt: bool = False
    canonical: str | None = None
    note: bool = False


@dataclass(eq=False)
class CompiledFile:
    """One mapped file: its spec and the columns its rows carry (positions are final once
    every mapping is compiled, before any record is read)."""

    format: str
    table: str
    spec: FileSpec
    sources: dict[str, Source]
    generic: bool = False
    columns: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    # filled by the compiler: functions of a row
    compiled: dict[str, Any] = field(default_factory=dict)

    @property
    def place_only(self) -> bool:
        """Whether this file's rows only give places (police locations): no person, object,
        event, link or fact for another record's event. A reference to such a row does not
        join partitions (:mod:`joinedup.assemble.partition`)."""
        c = self.compiled
        return (
            bool(c.get("places"))
            and self.spec.person is None
            and "object" not in c
            and not c.get("events")
            and not c.get("augments")
            and not c.get("links")
        )

    def position(self, column: str) -> int:
        """The position of ``column`` in this file's row values (registering it if new)."""
        pos = self.positions.get(column)
        if pos is None:
            if column not in self.sources:
                raise KeyError(f"{self.table} has no column {column!r}")
            pos = self.positions[column] = len(self.columns)
            self.columns.append(column)
        return pos


@dataclass(slots=True, eq=False)
class Row:
    """One source record as the assembly sees it."""

    ref: RecordRef
    file: CompiledFile
    values: tuple[Any, ...]
    rank: tuple[str, str] = ("", "")
    day: int = -1  # day number of the row's own date, computed once (0: none)


def file_from_format(fmt: Format, table: str, spec: FileSpec) -> CompiledFile:
    """A compiled file for ``table`` of an ingest format, with its column sources."""
    entry = fmt.file(table)
    sources: dict[str, Source] = {}
    for column in entry.columns:
        if encrypted(fmt, entry, column):
            note = column.name == entry.notes
            sources[column.name] = Source(
                False, column.name, column.type, True, column.canonical, note
            )
        elif column.canonical:
            canonical = column.canonical
            sources[column.name] = Source(True, canonical, column.type, canonical=canonical)
        elif column.type in ("date", "datetime", "int", "float", "json"):
            sources[column.name] = Source(True, column.name, column.type)
        else:
            sources[column.name] = Source(False, column.name, column.type)
    return CompiledFile(fmt.format, table, spec, sources)


def generic_file(format_name: str, table: str) -> CompiledFile:
    """A file no mapping covers: a record naming a person is a person record, nothing more."""
    spec = FileSpec(
        person=PersonSpec(
            self_=True,
            roles=["record"],
            identifiers={n: Value(column=n) for n in ("nhs_number", "upn", "pnc_id")},
        )
    )
    sources = {
        n: Source(True, n, "date" if n == "date_of_birth" else "text", canonical=n)
        for n in GENERIC_FIELDS
    }
    return CompiledFile(format_name, f"{format_name}/{table}", spec, sources, generic=True)


@lru_cache(maxsize=100_000)
def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@lru_cache(maxsize=100_000)
def _datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_new = object.__new__
_SLOTS = tuple(
    getattr(RecordRef, name).__set__
    for name in ("record_id", "agency_id", "agency_kind", "record_type", "agency_key")
)


def record_ref(record_id: str, agency_id: str, kind: str, record_type: str, key: str) -> RecordRef:
    """A :class:`RecordRef`, built without the frozen dataclass's ``__init__`` (which sets
    each field through ``object.__setattr__``: a third of the cost of reading a row)."""
    ref: RecordRef = _new(RecordRef)
    set_id, set_agency, set_kind, set_type, set_key = _SLOTS
    set_id(ref, record_id)
    set_agency(ref, agency_id)
    set_kind(ref, kind)
    set_type(ref, record_type)
    set_key(ref, key)
    return ref


class Decrypter:
    """Decrypts encrypted payload fields (notes only when text is wanted); the field cipher
    is asked for on the first token, so a door without the keyring reads records without
    any."""

    def __init__(self, crypto: Callable[[], FieldCrypto], *, text: bool = True) -> None:
        self._crypto = crypto
        self._cipher: FieldCrypto | None = None
        self.text = text
        self.failures = 0

    def __call__(self, token: str, column: str, row_id: str) -> str | None:
        if not token.startswith("v1:"):
            return token
        cipher = self._cipher
        if cipher is None:
            cipher = self._cipher = self._crypto()
        try:
            return cipher.decrypt(token, table="source_record", column=column, row_id=row_id)
        except DecryptionError:
            self.failures += 1
            return None

    def note(self, token: str, column: str, row_id: str) -> str | None:
        """A note's text, or None when the assembly is built without text."""
        return self(token, column, row_id) if self.text else None


_PLAIN_FORMATS = Formats(("%Y-%m-%d",), ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"))


def _opened(value: str | None, source: Source) -> Any:
    """A decrypted value as the column's reader gives it: stripped; a canonical field's
    value cleaned (None when it does not clean); JSON parsed."""
    text = value.strip() if value else None
    if not text:
        return None
    try:
        if source.canonical:
            return clean(source.canonical, text, _PLAIN_FORMATS)
        if source.type == "json":
            return json.loads(text)
    except (BadValue, ValueError):
        return None
    return text


def _expression(source: Source, at: int) -> str:
    """Python source of one column's typed value, from ``p`` (payload) and ``n`` (normalised)
    (``at``: the column's position, naming its encrypted source in ``_sources``)."""
    name = repr(source.field)
    if source.normalised:
        if source.type == "date" or source.field == "date_of_birth":
            return f"(_date(v) if (v := n.get({name})).__class__ is str else None)"
        if source.type == "datetime":
            return f"(_datetime(v) if (v := n.get({name})).__class__ is str else None)"
        return f"n.get({name})"
    if source.note:
        return f"(_note(v, {'payload.' + source.field!r}, r) if (v := p.get({name})) else None)"
    if source.encrypt:
        opened = f"_open(_decrypt(v, {'payload.' + source.field!r}, r), _sources[{at}])"
        return f"({opened} if (v := p.get({name})) else None)"
    return f"((v.strip() or None) if (v := p.get({name})).__class__ is str else v)"


def row_reader(file: CompiledFile, decrypt: Decrypter) -> Reader:
    """One function of (payload, normalised, record id) giving the tuple of a file's values.

    Generated once per file from its column list (names come from the validated formats), so
    reading a record is one call instead of one per column.
    """
    sources = [file.sources[c] for c in file.columns]
    body = ", ".join(_expression(s, at) for at, s in enumerate(sources))
    source = f"def read(p, n, r):\n    return ({body}{',' if file.columns else ''})\n"
    scope: dict[str, Any] = {
        "_date": _date,
        "_datetime": _datetime,
        "_decrypt": decrypt,
        "_note": decrypt.note,
        "_open": _opened,
        "_sources": sources,
    }
    exec(compile(source, f"<reader {file.format}/{file.table}>", "exec"), scope)  # noqa: S102
    read: Reader = scope["read"]
    return read


class Scanner:
    """Reads every source record in the session's scope into rows of the compiled files."""

    def __init__(
        self,
        session: ActorSession,
        files: dict[tuple[str, str], CompiledFile],
        decrypt: Decrypter,
        generic: Callable[[str, str], CompiledFile],
    ) -> None:
        self.session = session
        self.files = files
        self.decrypt = decrypt
        self.generic = generic
        self.kinds = {a.id: a.kind for a in session.list(Agency)}
        self.batches = {
            b.id: (b.format or "", b.created_at.isoformat() if b.created_at else "")
            for b in session.list(Batch)
        }
        self.unmapped: dict[str, int] = {}
        self._readers: dict[int, Reader] = {}
        self._cache: dict[tuple[str, str, str], tuple[CompiledFile, Reader]] = {}
        self._by_kind: dict[tuple[str, str], str] = {
            (fmt_kind, table): fmt for (fmt, table), fmt_kind in self._format_kinds().items()
        }

    def _format_kinds(self) -> dict[tuple[str, str], str]:
        known = formats()
        return {key: known[key[0]].agency_kind for key in self.files if key[0] in known}

    def _file(self, format_name: str, kind: str, table: str) -> CompiledFile:
        if not format_name:
            format_name = self._by_kind.get((kind, table), "")
        found = self.files.get((format_name, table))
        if found is None:
            found = self.generic(format_name or kind, table)
        return found

    def _reader_of(self, file: CompiledFile) -> Reader:
        read = self._readers.get(id(file))
        if read is None:
            read = self._readers[id(file)] = row_reader(file, self.decrypt)
        return read

    def rows(
        self, record_ids: Collection[str] | None = None, record_types: Collection[str] = ()
    ) -> Iterator[Row]:
        """Every row in scope (the scan writes one consultation audit row per chunk); only
        those ``record_ids`` when given, only records of ``record_types`` when given."""
        for chunk in self._chunks(record_ids, record_types):
            yield from self._rows(chunk)

    def _chunks(
        self, record_ids: Collection[str] | None, record_types: Collection[str]
    ) -> Iterator[Any]:
        columns = ["agency_id", "batch_id", "record_type", "agency_key", "payload", "normalised"]
        where: dict[str, Any] = {"record_type": set(record_types)} if record_types else {}
        if record_ids is None:
            yield from self.session.scan(SourceRecord, columns, where=where or None)
            return
        ids = sorted(record_ids)
        for start in range(0, len(ids), _IDS_PER_SCAN):
            batch = {**where, "id": set(ids[start : start + _IDS_PER_SCAN])}
            yield from self.session.scan(SourceRecord, columns, where=batch)

    def _rows(self, chunk: Any) -> Iterator[Row]:
        cache = self._cache
        for record_id, agency_id, batch_id, record_type, key, payload, normalised in chunk:
            fmt, loaded = self.batches.get(batch_id or "", ("", ""))
            kind = self.kinds.get(agency_id, "")
            found = cache.get((fmt, kind, record_type))
            if found is None:
                file = self._file(fmt, kind, record_type)
                found = cache[(fmt, kind, record_type)] = (file, self._reader_of(file))
            file, read = found
            if file.generic:
                self.unmapped[file.table] = self.unmapped.get(file.table, 0) + 1
                if not any(normalised.get(f) for f in IDENTITY):
                    continue
            values = read(payload, normalised, record_id)
            ref = record_ref(record_id, agency_id, kind, record_type, key)
            yield Row(ref, file, values, (loaded, record_id))
