"""One drop's linkage on a kept store: its seconds by part, and how much of the borough it can
touch.

    python bench/drop_linkage.py BASE DROP WORK [--profile] [--reach] [--full N]

``BASE`` is a store as a first load left it (``bench/incremental.py --keep DIR`` keeps it in
``DIR/first-load``); it is copied to ``WORK/home``, the drop folder ``DROP`` (one date of
``DIR/borough/drops``) is ingested there and ``run_linkage`` is timed in this process: its
parts (the read through the door, the memberships, the link itself, storing) and the link's
own timings. ``--profile`` prints the cumulative and own-time cProfile tables as well.
``--reach`` links nothing: it prints how many stored records share a blocking key with the
drop's new person records, the records of their persons, and the records within one to four
steps of those through persons, shared context (a token held by at most 50 persons) and the
people around them; ``--reach-index`` walks the same steps on the drop index (after
``--full 1``, which keeps it and the statistics) and times it against the read of every record.
``--full N`` first runs N full linkages of the stored records (no new
record: the full path), timed, with what each kept of the drop index and the statistics (the
first builds them on a store that has none; the later ones rewrite only changed rows).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(module: Any, name: str, spent: dict[str, float]) -> None:
    inner: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, timed)


def _reach(session: Any) -> None:
    from joinedup.linkage import persist
    from joinedup.linkage.predict import blocked_with
    from joinedup.linkage.prepare import prepare_records
    from joinedup.linkage.sources import person_records_with_context

    records, context = person_records_with_context(session)
    previous = persist.load_person_ids(session)
    last = persist.latest_run(session)
    assert last is not None and last.model, "the store holds no linkage run"
    existing = prepare_records([r for r in records if r["record_id"] in previous])
    new = prepare_records([r for r in records if r["record_id"] not in previous])
    blocked = blocked_with(existing, new, last.model)["record_id"].to_pylist()
    members: dict[str, set[str]] = {}
    for record, person in previous.items():
        members.setdefault(person, set()).add(record)
    holders: dict[str, set[str]] = {}
    for record, tokens in context.tokens.items():
        for token in tokens:
            holders.setdefault(token, set()).add(previous.get(record, record))
    persons = {previous[r] for r in blocked}
    held = sum(len(members[p]) for p in persons)
    print(
        f"person records {len(records)}, new {new.num_rows}, sharing a blocking key "
        f"{len(blocked)}, their persons {len(persons)} holding {held} records"
    )
    reached = persons | set(new["record_id"].to_pylist())
    for hop in range(1, 5):
        step = set(reached)
        for person in reached:
            for record in members.get(person, {person}):
                step |= {previous.get(o, o) for o in context.neighbours.get(record, ())}
                for token in context.tokens.get(record, ()):
                    if len(holders[token]) <= 50:
                        step |= holders[token]
        reached = step
        count = sum(len(members.get(p, {p})) for p in reached)
        print(f"  within {hop} steps: {len(reached)} persons, {count} records")


def _reach_index(session: Any) -> None:
    from joinedup.linkage import persist
    from joinedup.linkage.drop_reach import drop_reach
    from joinedup.linkage.drop_store import kept_statistics
    from joinedup.linkage.prepare import prepare_records
    from joinedup.linkage.sources import person_records_with_context

    started = time.perf_counter()
    records, context = person_records_with_context(session)
    read = time.perf_counter() - started
    previous = persist.load_person_ids(session)
    last = persist.latest_run(session)
    assert last is not None and last.model, "the store holds no linkage run"
    statistics = kept_statistics(session, last.model)
    assert statistics is not None, "no statistics kept: run with --full 1"
    new = prepare_records([r for r in records if r["record_id"] not in previous])
    for _ in range(3):
        started = time.perf_counter()
        reach = drop_reach(session, new, context, last.model, statistics)
        walked = time.perf_counter() - started
        print(
            f"read every record {read:.2f} s; the walk on the index {walked:.2f} s: "
            f"new {new.num_rows}, blocked {len(reach.blocked)}, records by step "
            f"{reach.by_step} of {len(previous)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("drop", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reach", action="store_true")
    parser.add_argument("--reach-index", action="store_true")
    parser.add_argument("--full", type=int, default=0, help="full runs before the drop")
    args = parser.parse_args()
    home = args.work / "home"
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(args.base, home)
    os.environ["JOINEDUP_DATABASE_URL"] = f"sqlite:///{home / 'store.db'}"
    os.environ["JOINEDUP_HOME"] = str(home)
    from sqlalchemy import create_engine

    from joinedup.store.migrate import upgrade

    engine = create_engine(os.environ["JOINEDUP_DATABASE_URL"])
    upgrade(engine)  # the kept store may predate the newest schema
    engine.dispose()

    from joinedup.app.context import pipeline, session
    from joinedup.app.ingest import import_exports
    from joinedup.linkage import persist, sources
    from joinedup.linkage.link import LinkConfig

    who = pipeline("data_ingest")
    for _ in range(args.full):
        started = time.perf_counter()
        with session(who) as opened:
            full = persist.run_linkage(opened, LinkConfig(keep_drop_index=True))
        print(
            f"full run_linkage {time.perf_counter() - started:.2f} s; load average "
            f"{os.getloadavg()[0]:.2f}; link {full.timings}; index {getattr(full, 'index', {})}"
        )
    started = time.perf_counter()
    import_exports(who, sorted(p.parent for p in args.drop.rglob(".done")), check_language=False)
    print(f"ingest {time.perf_counter() - started:.2f} s; load average {os.getloadavg()[0]:.2f}")
    if args.reach:
        with session(who) as opened:
            _reach(opened)
        return
    if args.reach_index:
        with session(who) as opened:
            _reach_index(opened)
        return
    spent: dict[str, float] = {}
    _timed(sources, "person_records_with_context", spent)
    for name in ("_memberships", "load_decisions", "_link", "_store_memberships"):
        _timed(persist, name, spent)
    profile = cProfile.Profile()
    started = time.perf_counter()
    with session(who) as opened:
        if args.profile:
            profile.enable()
        outcome = persist.run_linkage(opened, LinkConfig(keep_drop_index=True))
        profile.disable()
    print(f"run_linkage {time.perf_counter() - started:.2f} s (the commit included)")
    print(f"records {outcome.records}, new {outcome.new_records}, changed {outcome.changed}")
    print("parts", {k: round(v, 2) for k, v in spent.items()})
    print("link", outcome.timings)
    print("index", getattr(outcome, "index", {}))
    if args.profile:
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
