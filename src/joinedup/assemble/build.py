"""``assemble``: every source record in the session's scope, plus linkage, into one picture.

Phases (each a pass over the rows, in record id order):

1. read every source record through the door (one consultation audit row per chunk), keep
   the columns the mappings use, decrypt free text; of two versions of a record (same
   agency, file and key) the later batch wins;
2. places the records name (so that later mentions and postcode-only placements can be
   matched to them);
3. persons: each record's person (linkage, references, groups), attributes by majority;
4. objects (vehicles, phones) the records describe;
5. events, then the facts records add to other records' events, then links;
6. the date window (``since``/``until``) on events and links; ``as_of``; indexes.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from joinedup.assemble.catalog import event_kinds, mappings
from joinedup.assemble.compile import compile_file
from joinedup.assemble.resolve import Resolver
from joinedup.assemble.rows import CompiledFile, Decrypter, Row, Scanner, file_from_format
from joinedup.assemble.rows import generic_file as make_generic
from joinedup.assemble.state import State
from joinedup.assemble.stored import from_directory
from joinedup.assemble.view import Assembly, EventView, LinkView
from joinedup.ingest.formats import formats
from joinedup.store.actor_session import ActorSession


def persisted_person_ids(session: ActorSession) -> dict[str, str]:
    """The person ids linkage stored (``{}`` when the linkage store is not available)."""
    try:
        persist = importlib.import_module("joinedup.linkage.persist")
    except ImportError:
        return {}
    loaded: dict[str, str] = persist.load_person_ids(session)
    return loaded


def compiled_files() -> dict[tuple[str, str], CompiledFile]:
    """A fresh compiled file for every mapped (format, table) (not yet compiled)."""
    known = formats()
    return {
        (name, table): file_from_format(known[name], table, spec)
        for name, mapping in mappings().items()
        for table, spec in mapping.files.items()
    }


def make_generic_for(
    files: dict[tuple[str, str], CompiledFile], state: State
) -> Callable[[str, str], CompiledFile]:
    """The compiled file of records no mapping covers (one per format and table, made and
    compiled when first met)."""

    def generic(format_name: str, table: str) -> CompiledFile:
        key = ("", f"{format_name}/{table}")
        if key not in files:
            files[key] = make_generic(format_name, table)
            compile_file(files[key], state)
        return files[key]

    return generic


def _persons(state: State, rows: list[Row]) -> None:
    resolver, persons = state.resolver, state.persons
    plans: dict[int, tuple[Any, ...] | None] = {}
    for row in rows:
        file = row.file
        plan = plans.get(id(file), ())
        if plan == ():
            c = file.compiled
            plan = plans[id(file)] = (
                (
                    c["roles"],
                    c["person_attributes"],
                    c["person_details"],
                    c["person_identifiers"],
                    c["person_flags"],
                )
                if file.spec.person is not None
                else None
            )
        if plan is None:
            continue
        pid = resolver.person_of(row)
        if pid is None:
            state.count(f"no_person:{file.format}/{file.table}")
            continue
        build = persons.get(pid) or state.person(pid)
        view, when = build.view, state.when(row)
        roles, attributes, details, identifiers, flags = plan
        view.records.append(row.ref)
        if roles:
            view.roles.update(roles)
        add = build.votes.add
        for name, fn in attributes:
            add(name, fn(row), when)
        for name, fn in details:
            build.details.add(name, fn(row), when)
        for name, fn in identifiers:
            value = fn(row)
            for item in value if isinstance(value, list) else (value,):
                if item is not None and item != "":
                    view.identifiers[name].add(str(item))
        for name, fn in flags:
            if fn(row):
                setattr(view, name, True)


def _in_window(
    start: date | None, end: date | None, open_ended: bool, since: date | None, until: date | None
) -> bool:
    """Whether a span overlaps [since, until]; undated items are kept."""
    if start is None and end is None:
        return True
    low = start or end
    high = end or (date.max if open_ended else start)
    assert low is not None and high is not None
    return not ((since is not None and high < since) or (until is not None and low > until))


def _window(
    events: list[EventView], links: list[LinkView], since: date | None, until: date | None
) -> tuple[list[EventView], list[LinkView]]:
    if since is None and until is None:
        return events, links
    episodes = event_kinds()
    kept_events = [
        e
        for e in events
        if _in_window(e.start, e.end, episodes.get(e.event_type, False), since, until)
    ]
    kept_links = [
        link for link in links if _in_window(link.valid_from, link.valid_to, True, since, until)
    ]
    return kept_events, kept_links


def _places(state: State, rows: Iterable[Row]) -> None:
    for row in rows:
        if row.file.compiled["places"]:
            state.build_places(row)
    state.settle_places()


def _place_rows(
    scanner: Scanner, files: dict[tuple[str, str], CompiledFile], ids: Mapping[str, str]
) -> list[Row]:
    """Every row (latest versions) of the files that name places."""
    tables = {table for (_fmt, table), file in files.items() if file.compiled["places"]}
    versions = Resolver(files, ids)
    versions.add(scanner.rows(record_types=tables))
    return versions.rows


def windowed(assembly: Assembly, until: date) -> Assembly:
    """The same picture with only the events and links that had begun by ``until`` (as
    ``assemble(..., until=until)`` would give it)."""
    events, links = _window(assembly.events, assembly.links, None, until)
    return replace(assembly, events=events, links=links, as_of=until).index()


def _latest(events: list[EventView]) -> date | None:
    """The latest start of an event (an end may be a planned one, such as a licence's)."""
    return max((e.start for e in events if e.start is not None), default=None)


def assemble(
    session: ActorSession,
    *,
    person_ids: Mapping[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
    decrypt_text: bool = True,
    record_ids: Collection[str] | None = None,
    all_places: bool = True,
    directory: bool = False,
) -> Assembly:
    """Everything ``session`` may see, joined up into persons, objects, places, events, links.

    ``record_ids``: only these records (a set of partitions, :mod:`joinedup.assemble.partition`);
    places are still built from every record naming one, so that their fields and the
    matching of mentions and postcodes are those of the whole picture (``all_places=False``:
    only from these records, a quick sketch of which entities the records name).
    ``directory``: the places are read from the place directory
    (:mod:`joinedup.assemble.directory`, kept current by the pipeline) instead of a pass over
    every record naming one: only those the records name, cite or mention (with their
    whole-picture fields and citing records) are in the picture, the same as the pass gives
    them.

    ``person_ids`` maps person records to resolved person ids (linkage's output); when None
    the persisted ones are used. ``since``/``until`` keep the events and links that overlap
    the window (entities stay). ``decrypt_text=False`` leaves ``EventView.text`` (the notes)
    empty; other encrypted payload fields (special category data the rules read) are always
    decrypted, and with text the notes too, with the session's field cipher (this is a
    bulk path: the door hands it over, :meth:`ActorSession.field_crypto`).

    The cyclic garbage collector is paused while the picture is built: it holds millions of
    small objects and creates no cycles, and the collector's full passes over them would
    otherwise take more time than the assembly itself.
    """
    ids = persisted_person_ids(session) if person_ids is None else person_ids
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _assemble(
            session, ids, since, until, decrypt_text, record_ids, all_places, directory
        )
    finally:
        if collecting:
            gc.enable()


def _assemble(
    session: ActorSession,
    ids: Mapping[str, str],
    since: date | None,
    until: date | None,
    decrypt_text: bool,
    record_ids: Collection[str] | None = None,
    all_places: bool = True,
    directory: bool = False,
) -> Assembly:
    files = compiled_files()
    state = State(files, ids)
    for file in list(files.values()):
        compile_file(file, state)
    generic = make_generic_for(files, state)
    decrypter = Decrypter(session.field_crypto, text=decrypt_text)
    scanner = Scanner(session, files, decrypter, generic)
    if record_ids is None or not all_places:
        state.resolver.add(scanner.rows(record_ids))
        rows = state.resolver.rows
        _places(state, rows)
    elif directory:
        rows = from_directory(session, state, list(scanner.rows(record_ids)))
    else:
        # the places pass needs no free text: its rows are read without decrypting notes
        plain = Scanner(session, files, Decrypter(session.field_crypto, text=False), generic)
        place_rows = _place_rows(plain, files, ids)
        _places(state, place_rows)
        # rows only giving places are found by references without joining partitions
        state.resolver.add((r for r in place_rows if r.file.place_only), lookup=True)
        state.resolver.add(scanner.rows(record_ids))
        rows = state.resolver.rows
    for row in rows:
        state.count(f"records:{row.file.format}/{row.file.table}")
    _persons(state, rows)
    for row in rows:
        if "object" in row.file.compiled:
            state.object_of(row)
    for row in rows:
        for make_event in row.file.compiled["events"]:
            make_event(row)
    for row in rows:
        for apply in row.file.compiled["augments"]:
            apply(row)
    links = [link for row in rows for make in row.file.compiled["links"] for link in make(row)]
    events, links = _window(state.events, links, since, until)
    state.count("superseded_versions", state.resolver.superseded)
    state.count("undecryptable_text", decrypter.failures)
    for table, n in scanner.unmapped.items():
        state.count(f"unmapped:{table}", n)
    assembly = Assembly(
        persons={pid: build.finish() for pid, build in state.persons.items()},
        objects=state.objects.views(),
        places=state.places.views(),
        events=events,
        links=links,
        person_of_record=state.resolver.resolved(),
        as_of=until or _latest(events),
        stats={k: v for k, v in sorted(state.stats.items()) if v},
        joins=state.resolver.joins,
    )
    return assembly.index()
