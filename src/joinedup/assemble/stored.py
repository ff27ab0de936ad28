"""A partition's places from the place directory (:mod:`joinedup.assemble.directory`)
instead of a places pass over every record naming one.

What the assembly of some records needs of the places pass, read in a few batches:

- the places those records name (their citations), and the records only giving places
  (police locations) that they refer to, as lookup rows naming their place;
- for each free-text mention in them, the places with that premises name or address key
  (and the place of its own the mention would be, ``place:|<key>``);
- those places, with the votes and citing records of the whole picture.

Every later phase then runs as after a pass: the places are those the pass would have built
(their fields, records and lookups), restricted to the ones these records can reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from joinedup.assemble.resolve import CRef
from joinedup.assemble.rows import Row, record_ref
from joinedup.assemble.state import State
from joinedup.assemble.values import text_key
from joinedup.assemble.view import RecordRef
from joinedup.store.actor_session import ActorSession

__all__ = ["from_directory"]

Key = tuple[str, str, str, str]  # agency id, format, record type, agency key


def _place_only_keys(state: State, own: list[Row]) -> set[Key]:
    """The keys of place-only records these rows refer to (by the agency's own key), and
    their own keys when they are place-only (a later version may be in the directory)."""
    files = state.files
    keys: set[Key] = set()
    refs: dict[int, list[CRef]] = {}
    for row in own:
        file, agency = row.file, row.ref.agency_id
        if file.place_only:
            keys.add((agency, file.format, row.ref.record_type, row.ref.agency_key))
        found = refs.get(id(file))
        if found is None:
            found = refs[id(file)] = [
                ref
                for ref in state.resolver.refs.get(id(file), [])
                if ref.key_pos is None
                and (target := files.get((ref.format, ref.file))) is not None
                and target.place_only
            ]
        for ref in found:
            value = row.values[ref.pos]
            if value is not None:
                keys.add((agency, ref.format, ref.file, str(value)))
    return keys


def _lookup_rows(session: ActorSession, state: State, own: list[Row]) -> list[Row]:
    """The directory's place-only records these rows refer to, as lookup rows (no values:
    nothing reads them but the place they name)."""
    keys = _place_only_keys(state, own)
    if not keys:
        return []
    mine = {row.ref.record_id for row in own}
    out: list[Row] = []
    for record_id, agency, kind, record_type, key, fmt, loaded, _day in session.place_rows(
        agency_keys={k[3] for k in keys}
    ):
        file = state.files.get((fmt, record_type))
        if file is None or record_id in mine or (agency, fmt, record_type, key) not in keys:
            continue
        ref = record_ref(record_id, agency, kind, record_type, key)
        out.append(Row(ref, file, (None,) * len(file.columns), (loaded, record_id)))
    return out


def _mention_keys(state: State, rows: Iterable[Row]) -> set[str]:
    """The text keys of every free-text place mention in these rows."""
    keys: set[str] = set()
    for row in rows:
        for text in state.mentions.get(id(row.file), ()):
            value = text(row)
            for item in value if isinstance(value, list) else (value,):
                if item is not None and (key := text_key(str(item))):
                    keys.add(key)
    return keys


def _entries(
    found: Iterable[tuple[Any, ...]],
) -> list[tuple[str, str | None, dict[str, list[Any]], list[RecordRef]]]:
    return [
        (place_id, postcode, votes, [record_ref(*r[:5]) for r in records])
        for place_id, postcode, votes, records in found
    ]


def from_directory(session: ActorSession, state: State, own: list[Row]) -> list[Row]:
    """Take these records' rows in, with the places the directory holds for them (instead
    of a places pass); returns the rows to assemble."""
    lookups = _lookup_rows(session, state, own)
    state.resolver.add(lookups, lookup=True)
    state.resolver.add(own)
    rows = state.resolver.rows
    wanted: set[str] = set()
    for cite in session.place_cites(
        record_ids=[r.ref.record_id for r in rows] + [r.ref.record_id for r in lookups]
    ):
        record_id, name, place_id = cite[0], cite[1], cite[3]
        state.known_place(record_id, name, place_id)
        if place_id is not None:
            wanted.add(place_id)
    keys = _mention_keys(state, rows)
    index: dict[str, dict[str, set[str]]] = {"name": {}, "address": {}}
    for kind, by_key in index.items():
        for key in keys:
            by_key[key] = set()
        for key, place_id in session.place_keys(kind, keys):
            by_key[key].add(place_id)
            wanted.add(place_id)
    wanted.update(f"place:|{key}" for key in keys)
    state.places.restore(_entries(session.place_entries(wanted)), index)
    return rows
