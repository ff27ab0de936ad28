"""The place directory: the places pass's result kept in the store, built once and updated
from each drop's records, so that a partition's assembly reads only the places it needs.

The places pass (:func:`joinedup.assemble.build.assemble` with ``record_ids``) builds every
place from every record (latest version) of the files that name places, so that a place's
fields (votes), its citing records and the lookups (premises names, addresses, the one
addressed place at a postcode) are those of the whole picture. The directory keeps what that
pass decides (``store/tables/places.py``):

- per record: its reference, batch time and day (``place_row``), and per place it names the
  values it votes with and the place id it resolved to (``place_cite``; a postcode-only
  placement keeps its postcode, settled to the one addressed place there when there is one);
- per place: postcode, votes per field (count and latest day per value) and citing records,
  in the pass's order (``place_entry``); the lookups (``place_key``).

:func:`build` writes it from a pass over every row. :func:`refresh` takes a drop's records
in: a new version of a record (same agency, file and key, later batch) replaces the older
one's citations, an erased record's are removed; a place only gaining citations after its
first record has them added to its stored votes (a school gains a drop's attendance returns
without its thousands of citations being read), any other place they touch is voted again
from its stored citations, in the pass's order, and the placements at each touched postcode
are settled again. The result equals a :func:`build` on the same store (``tests/assemble/
test_directory.py``). An older version made latest again by the erasure of a newer one is
not taken back in (the pass would): a full :func:`build` (the nightly rebuild) does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from joinedup.assemble.build import compiled_files, make_generic_for
from joinedup.assemble.compile import compile_file
from joinedup.assemble.entities import Places
from joinedup.assemble.resolve import Resolver
from joinedup.assemble.rows import CompiledFile, Decrypter, Row, Scanner, record_ref
from joinedup.assemble.state import State
from joinedup.assemble.values import postcode as clean_postcode
from joinedup.assemble.view import RecordRef
from joinedup.store.actor_session import ActorSession
from joinedup.store.places import CITE_COLUMNS, ROW_COLUMNS

__all__ = ["Capture", "build", "cites_of", "place_files", "refresh"]

Cite = dict[str, Any]  # a place_cite row


class Capture(Places):
    """Places that also keep the arguments of the last :meth:`add` (a record's vote)."""

    def __init__(self) -> None:
        super().__init__()
        self.last: dict[str, Any] = {}

    def add(self, ref: RecordRef, when: int, **args: Any) -> str | None:
        """As :meth:`Places.add`, keeping ``args`` (without ``into``)."""
        self.last = {k: v for k, v in args.items() if k != "into" and v is not None}
        return super().add(ref, when, **args)


def place_files(files: Mapping[tuple[str, str], CompiledFile]) -> set[str]:
    """The tables whose records name places (refusing a mapping whose place reads a column
    stored encrypted: the directory keeps places' values in clear, as the records keep
    them)."""
    for (fmt, table), file in files.items():
        for name, spec in file.spec.places.items():
            for value in (spec.postcode, spec.name, spec.town, spec.key, *spec.address):
                if value is None or value.column is None:
                    continue
                source = files.get((fmt, value.ref.file), file) if value.ref else file
                column = source.sources.get(value.column)
                if column is not None and column.encrypt:
                    raise ValueError(
                        f"place {name!r} of {fmt}/{table} reads {value.column!r}, stored "
                        "encrypted: the place directory would keep it in clear"
                    )
    return {table for (_fmt, table), file in files.items() if file.spec.places}


def cites_of(state: State, row: Row) -> list[Cite]:
    """The places ``row`` names: one citation each (``pending``: a postcode to settle)."""
    capture = state.places
    assert isinstance(capture, Capture)
    out: list[Cite] = []
    for position, (name, make) in enumerate(row.file.compiled["places"].items()):
        capture.last = {}
        place_id, pending = make(row)
        args = capture.last
        if pending is not None:  # its vote, as settling it will cast it (on a scratch copy)
            state.places = scratch = Capture()
            make(row, settle="")
            state.places, args = capture, scratch.last
            pending = clean_postcode(pending) or pending
        out.append(
            {
                "record_id": row.ref.record_id,
                "name": name,
                "position": position,
                "place_id": place_id,
                "pending": pending,
                "args": args,
            }
        )
    return out


def _row_of(state: State, row: Row) -> dict[str, Any]:
    ref = row.ref
    return {
        "record_id": ref.record_id,
        "agency_id": ref.agency_id,
        "agency_kind": ref.agency_kind,
        "record_type": ref.record_type,
        "agency_key": ref.agency_key,
        "format": row.file.format,
        "loaded": row.rank[0],
        "day": state.when(row),
    }


def _ref(record: Mapping[str, Any]) -> RecordRef:
    return record_ref(
        record["record_id"],
        record["agency_id"],
        record["agency_kind"],
        record["record_type"],
        record["agency_key"],
    )


def _order(cite: Mapping[str, Any]) -> tuple[bool, str, int]:
    """The places pass's order: addressed citations by record, then settled placements."""
    return (cite["pending"] is not None, cite["record_id"], cite["position"])


def vote(cites: Iterable[Mapping[str, Any]]) -> Places:
    """The places these citations (each with its record's ``place_row`` fields) make,
    replayed in the places pass's order (a placement into the place it was settled to)."""
    places = Places()
    for cite in sorted(cites, key=_order):
        if cite["place_id"] is None:
            continue
        into = cite["place_id"] if cite["pending"] is not None else None
        places.add(_ref(cite), cite["day"], **cite["args"], into=into)
    return places


def _direct(cites: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """``place id -> records citing it directly`` (not as a settled placement)."""
    out: dict[str, set[str]] = {}
    for cite in cites:
        if cite["place_id"] is not None and cite["pending"] is None:
            out.setdefault(cite["place_id"], set()).add(cite["record_id"])
    return out


def _flagged(ref: RecordRef, settled: bool) -> list[Any]:
    return [
        ref.record_id,
        ref.agency_id,
        ref.agency_kind,
        ref.record_type,
        ref.agency_key,
        1 if settled else 0,
    ]


def _stored(
    places: Places, direct: Mapping[str, set[str]], only: Collection[str] | None = None
) -> dict[str, list[Any]]:
    """Places and lookups as rows. A place's records are in the places pass's order: those
    citing it directly by record id, then the settled placements (flagged 1) by record id."""
    entries = []
    for place_id, postcode, votes, records in places.stored():
        if only is not None and place_id not in only:
            continue
        mine = direct.get(place_id, set())
        rows = [_flagged(r, r.record_id not in mine) for r in records]
        rows.sort(key=lambda r: (r[5], r[0]))
        entries.append({"id": place_id, "postcode": postcode, "votes": votes, "records": rows})
    keys = [
        {"kind": kind, "key": key, "place_id": place_id}
        for kind, index in places.lookups().items()
        for key, ids in index.items()
        for place_id in ids
        if only is None or place_id in only
    ]
    return {"entries": entries, "keys": keys}


def _reading(session: ActorSession) -> tuple[State, Scanner]:
    """A state with capturing places, and a scanner reading without notes."""
    files = compiled_files()
    state = State(files, {})
    state.places = Capture()
    for file in list(files.values()):
        compile_file(file, state)
    decrypter = Decrypter(session.field_crypto, text=False)
    return state, Scanner(session, files, decrypter, make_generic_for(files, state))


def build(session: ActorSession) -> int:
    """Write the directory from a places pass over every record (replacing what it held);
    returns the number of records naming places."""
    state, scanner = _reading(session)
    versions = Resolver(state.files, {})
    versions.add(scanner.rows(record_types=place_files(state.files)))
    rows, cites = [], []
    for row in versions.rows:
        rows.append(_row_of(state, row))
        cites.extend(cites_of(state, row))
    capture = state.places
    by_id = {r["record_id"]: r for r in rows}
    for cite in cites:  # as State.settle_places: in record order, after every addressed one
        if cite["pending"] is not None:
            into = capture.addressed_at(cite["pending"])
            record = by_id[cite["record_id"]]
            cite["place_id"] = capture.add(_ref(record), record["day"], **cite["args"], into=into)
    session.clear_place_directory()
    session.add_place_directory(rows=rows, cites=cites, **_stored(capture, _direct(cites)))
    return len(rows)


def _cite_dicts(found: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``place_cites`` tuples as dicts (citation and record fields)."""
    names = (*CITE_COLUMNS, *ROW_COLUMNS[1:])
    return [dict(zip(names, values, strict=True)) for values in found]


def _revote(session: ActorSession, place_ids: Collection[str]) -> set[str]:
    """Vote these places again from their stored citations; returns their postcodes (before
    and after), whose one addressed place may have changed."""
    ids = sorted(place_ids)
    codes = {postcode for _id, postcode, _v, _r in session.place_entries(ids) if postcode}
    cites = _cite_dicts(session.place_cites(place_ids=ids))
    places = vote(cites)
    session.drop_places(ids)
    stored = _stored(places, _direct(cites), only=set(ids))
    session.add_place_directory(**stored)
    codes.update(e["postcode"] for e in stored["entries"] if e["postcode"])
    return codes


def _add_to(session: ActorSession, added: Mapping[str, list[Cite]]) -> set[str]:
    """Add these direct citations to the places they name, without voting each place again
    from all its citations, where the result is the same: the place is held and none of them
    comes before its first record (which created it: its postcode and lookups). Returns the
    places left to vote again."""
    held = {e[0]: e for e in session.place_entries(added)}
    quick = {
        place_id
        for place_id, cites in added.items()
        if (entry := held.get(place_id)) is not None
        and entry[3]
        and entry[3][0][5] == 0
        and all(c["record_id"] > entry[3][0][0] for c in cites)
    }
    if not quick:
        return set(added)
    lookups: dict[str, dict[str, set[str]]] = {}
    for kind, key, place_id in session.place_keys_of(quick):
        lookups.setdefault(kind, {}).setdefault(key, set()).add(place_id)
    places = Places()
    places.restore(
        [
            (i, held[i][1], held[i][2], [record_ref(*r[:5]) for r in held[i][3]])
            for i in sorted(quick)
        ],
        lookups,
    )
    direct = {i: {r[0] for r in held[i][3] if r[5] == 0} for i in quick}
    for place_id in sorted(quick):
        for cite in sorted(added[place_id], key=_order):
            places.add(_ref(cite), cite["day"], **cite["args"])
            direct[place_id].add(cite["record_id"])
    session.drop_places(sorted(quick))
    session.add_place_directory(**_stored(places, direct, only=quick))
    return set(added) - quick


def _settle(session: ActorSession, codes: Collection[str]) -> set[str]:
    """Settle again the placements at these postcodes; returns the places they left or
    joined."""
    addressed: dict[str, set[str]] = {}
    for code, place_id in session.place_keys("postcode", codes):
        addressed.setdefault(code, set()).add(place_id)
    settled: dict[tuple[str, str], str | None] = {}
    moved: set[str] = set()
    for cite in _cite_dicts(session.place_cites(pending=codes)):
        found = addressed.get(cite["pending"], set())
        into = next(iter(found)) if len(found) == 1 else None
        alone = Places().add(_ref(cite), cite["day"], **cite["args"], into=None)
        settle_to = into or alone
        if settle_to != cite["place_id"]:
            settled[(cite["record_id"], cite["name"])] = settle_to
            moved.update(p for p in (settle_to, cite["place_id"]) if p is not None)
    session.settle_place_cites(settled)
    return moved


def refresh(session: ActorSession, record_ids: Collection[str]) -> dict[str, int]:
    """Take these records (a drop's) into the directory, and drop the erased records'
    citations; returns counts (records taken and dropped, places added to and voted
    again)."""
    state, scanner = _reading(session)
    versions = Resolver(state.files, {})
    versions.add(scanner.rows(record_ids, record_types=place_files(state.files)))
    incoming = versions.rows
    there = {r[0] for r in session.place_rows(record_ids=[r.ref.record_id for r in incoming])}
    held = {
        (r[1], r[5], r[3], r[4]): r
        for r in session.place_rows(agency_keys={r.ref.agency_key for r in incoming})
    }
    dropped = set(session.erased_place_rows())
    taken: list[Row] = []
    for row in incoming:
        ref = row.ref
        if ref.record_id in there:
            continue
        old = held.get((ref.agency_id, row.file.format, ref.record_type, ref.agency_key))
        if old is not None:
            if (old[6], old[0]) > row.rank:  # an older version arriving late
                continue
            dropped.add(old[0])
        taken.append(row)
    touched = {c[3] for c in session.place_cites(record_ids=dropped) if c[3] is not None}
    rows = [_row_of(state, row) for row in taken]
    cites = [cite for row in taken for cite in cites_of(state, row)]
    by_id = {r["record_id"]: r for r in rows}
    added: dict[str, list[Cite]] = {}  # with their record's fields, as read back
    for cite in cites:
        if cite["place_id"] is not None and cite["place_id"] not in touched:
            added.setdefault(cite["place_id"], []).append({**by_id[cite["record_id"]], **cite})
    codes = {c["pending"] for c in cites if c["pending"] is not None}
    session.drop_place_rows(sorted(dropped))
    session.add_place_directory(rows=rows, cites=cites)
    slow = _add_to(session, added)
    touched |= slow
    codes |= _revote(session, touched)
    moved = _settle(session, codes)
    if moved:
        _revote(session, moved)
    return {
        "taken": len(taken),
        "dropped": len(dropped),
        "added_to": len(added) - len(slow),
        "voted_again": len(touched | moved),
    }
