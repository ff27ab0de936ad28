"""Assessment by partitions: the full rebuild in bounded pieces, and a drop's re-assessment of
only the partitions its records touch.

A partition (:mod:`joinedup.assemble.partition`) holds every record the rules need about its
persons, vehicles and phones, so assessing partitions one at a time, or only the partitions
a drop touched, holds the flags a whole assessment holds (``tests/safeguarding/
test_incremental.py`` checks it after sequences of drops). The partition index is kept in
the store (:mod:`joinedup.store.partitions`), written by :func:`save_index` after the run's
session has committed.

- :func:`rebuild` (first load, a model or rules change, the nightly sweep): a sketch of the
  whole picture without free text gives the partitions; the index is stored; then batches of
  whole partitions (``batch_records`` records each) are assembled and assessed one after
  another, so that only one batch's picture is in memory at a time.
- :func:`reassess` (after a drop): the records no partition holds yet, and the records whose
  person linkage changed, are sketched alone to find the persons, vehicles, phones and keys
  they name; the place directory takes the new records in; the partitions holding those are
  assembled with the new records (their places read from the directory), assessed, and
  re-indexed. With ``narrow_above``, touched partitions of more records (the offender
  network's) are narrowed: only the subjects the new records can change are assessed, from
  the records their rules read (:mod:`joinedup.safeguarding.reach`); off by default (it does
  not pay at scale 1: :data:`NARROW_ABOVE`).

Both assemble with the place directory (:mod:`joinedup.assemble.directory`), which the
rebuild writes from a places pass over every record and each drop updates, instead of a pass
over every record naming a place for every batch or drop.

What time alone changes (an assessment falling overdue, a missing episode's 72 hours
passing with no new record) is found by the next :func:`rebuild` (the ``sweep`` job, daily by
default): a drop re-assesses only what it touched.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from joinedup.assemble import directory as places
from joinedup.assemble.build import assemble, windowed
from joinedup.assemble.partition import Partitions, partition
from joinedup.safeguarding.reach import reach
from joinedup.safeguarding.run import AssessReport, assess
from joinedup.store import partitions as index
from joinedup.store.actor_session import ActorSession

Progress = Callable[[str], None]
Opener = Callable[[], AbstractContextManager[ActorSession]]
BATCH_RECORDS = 60_000
#: partitions a drop touched holding more records than this are narrowed to the subjects the
#: drop can change (:mod:`joinedup.safeguarding.reach`); None: never. Off: at scale 1 a
#: weekly drop's subjects within reach are 1,205 of the offender network's, their records
#: 33,318 of its 38,425, and the sketch that finds them costs more than it saves
#: (bench/README.md, *A drop into the offender network*)
NARROW_ABOVE: int | None = None

__all__ = ["PartitionedReport", "reassess", "rebuild", "save_index"]


@dataclass
class PartitionedReport:
    """What a partitioned run did (counts only: no personal data)."""

    mode: str  # rebuild, incremental, nothing new
    as_of: date
    records: int = 0
    new_records: int = 0
    #: records and subjects assessed when narrowed (0: whole partitions), and why not
    assessed_records: int = 0
    subjects: int = 0
    whole_because: str = ""
    partitions: int = 0
    batches: int = 0
    children_with_concern: int = 0
    flags_created: int = 0
    flags_updated: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: the index to store once the session committed (:func:`save_index`), and the
    #: partitions it replaces (None: the whole index)
    nodes: dict[str, str] = field(default_factory=dict, repr=False)
    dropped: set[str] | None = field(default=None, repr=False)

    def add(self, report: AssessReport) -> None:
        """Count one batch's assessment in."""
        self.batches += 1
        self.children_with_concern += report.children_with_concern
        self.flags_created += sum(report.flags.created.values())
        self.flags_updated += sum(report.flags.updated.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return {
            "mode": self.mode,
            "as_of": self.as_of.isoformat(),
            "records": self.records,
            "new_records": self.new_records,
            "assessed_records": self.assessed_records,
            "subjects": self.subjects,
            "whole_because": self.whole_because,
            "partitions": self.partitions,
            "batches": self.batches,
            "children_with_concern": self.children_with_concern,
            "flags_created": self.flags_created,
            "flags_updated": self.flags_updated,
            "seconds": self.seconds,
        }


def _nodes(parts: Partitions, read: Iterable[str]) -> dict[str, str]:
    """The index's nodes, with every record read (one that gave nothing is its own)."""
    nodes = parts.nodes()
    for record_id in read:
        nodes.setdefault("r:" + record_id, record_id)
    return nodes


def rebuild(
    session: ActorSession,
    *,
    as_of: date | None = None,
    batch_records: int = BATCH_RECORDS,
    progress: Progress | None = None,
) -> PartitionedReport:
    """Assess everything in scope, batch by batch of whole partitions; store the index."""
    session.require("flags.run_rules")
    as_of = as_of or date.today()
    report = PartitionedReport("rebuild", as_of)
    started = time.perf_counter()
    _say(progress, "finding the partitions")
    sketch = assemble(session, decrypt_text=False)
    parts = partition(sketch)
    read = set(sketch.person_of_record) | set(parts.of_record)
    read.update(r.record_id for place in sketch.places.values() for r in place.records)
    del sketch
    gc.collect()
    report.nodes = _nodes(parts, read)
    report.records, report.partitions = len(parts.of_record), len(set(parts.of_record.values()))
    report.seconds["partitions"] = round(time.perf_counter() - started, 2)
    _say(progress, "building the place directory")
    places.build(session)
    report.seconds["directory"] = round(time.perf_counter() - started, 2)
    for n, batch in enumerate(parts.batches(batch_records), 1):
        _say(progress, f"assessing batch {n} ({len(batch):,} records)")
        picture = assemble(session, until=as_of, record_ids=batch, directory=True)
        report.add(assess(session, assembly=picture, as_of=as_of))
        del picture
        gc.collect()
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    return report


def named_nodes(session: ActorSession, record_ids: Collection[str]) -> set[str]:
    """The index nodes these records name: their persons (linkage's and those named through
    references), vehicles, phones, places known only by a mention, the keys of earlier
    versions, and the records themselves."""
    sketch = assemble(session, record_ids=record_ids, decrypt_text=False, all_places=False)
    nodes = {"r:" + r for r in record_ids}
    nodes.update("e:" + node for node in partition(sketch).of_entity)
    nodes.update("e:" + pid for pid in sketch.person_of_record.values())
    return nodes


def assess_records(
    session: ActorSession,
    records: Collection[str],
    *,
    as_of: date,
    report: PartitionedReport,
    narrow: Collection[str] | None = None,
) -> PartitionedReport:
    """Assemble and assess these records (whole partitions) and find their partitions.

    ``narrow``: the records a drop brought; when given, the partitions are sketched (no free
    text) and only the subjects within :data:`~joinedup.safeguarding.reach.STEPS` of what
    those records name are assessed, from the records their rules read
    (:meth:`~joinedup.safeguarding.reach.Reach.closure`); the index still gets the whole
    partitions."""
    started = time.perf_counter()
    subjects: set[str] | None = None
    chosen: Collection[str] = records
    if narrow is not None:
        sketch = assemble(session, record_ids=records, decrypt_text=False, directory=True)
        parts = partition(sketch)
        seen = reach(sketch)
        del sketch
        subjects = seen.near(narrow)
        chosen = seen.closure(subjects) | set(narrow)
        report.assessed_records, report.subjects = len(chosen), len(subjects)
        report.seconds["sketch"] = round(time.perf_counter() - started, 2)
    picture = assemble(session, record_ids=chosen, directory=True)
    if narrow is None:
        parts = partition(picture)
    report.records, report.partitions = len(records), len(set(parts.of_record.values()))
    report.seconds["assemble"] = round(time.perf_counter() - started, 2)
    report.add(assess(session, assembly=windowed(picture, as_of), as_of=as_of, subjects=subjects))
    report.seconds["assess"] = round(time.perf_counter() - started - report.seconds["assemble"], 2)
    report.nodes = _nodes(parts, records)
    return report


def reassess(
    opened: Opener,
    engine: Engine,
    *,
    changed: Collection[str] = (),
    as_of: date | None = None,
    progress: Progress | None = None,
    narrow_above: int | None = NARROW_ABOVE,
) -> PartitionedReport:
    """Re-assess only the partitions touched by records no partition holds yet and by
    ``changed`` records (their person linkage changed), then store the index; a full
    :func:`rebuild` when the index was never built.

    ``opened()`` opens a session of the pipeline account; the index is read and written
    between sessions (SQLite has one writer).

    Touched partitions holding more than ``narrow_above`` records (None: never) are narrowed
    to the subjects the new records can change, unless records changed person or a new
    record is a new version of a stored one (what the earlier version named is not in the
    sketch); then they are assessed whole."""
    as_of = as_of or date.today()
    started = time.perf_counter()
    if index.index_size(engine) == 0:
        with opened() as session:
            report = rebuild(session, as_of=as_of, progress=progress)
        save_index(engine, report)
        return report
    new = index.unindexed_records(engine)
    report = PartitionedReport("incremental", as_of, new_records=len(new))
    if not new and not changed:
        report.mode = "nothing new"
        return report
    _say(progress, f"finding what {len(new):,} new records touch")
    with opened() as session:
        session.require("flags.run_rules")
        nodes = named_nodes(session, {*new, *changed})
    hit = index.partitions_of(engine, nodes)
    records = index.records_in(engine, hit) | set(new) | set(changed)
    if narrow_above is None:
        report.whole_because = "not narrowed"
    elif len(records) <= narrow_above:
        report.whole_because = "small"
    elif changed:
        report.whole_because = "linkage changed"
    elif index.with_earlier_versions(engine, new):
        report.whole_because = "a new version of a record"
    touched_seconds = round(time.perf_counter() - started, 2)
    _say(progress, f"assessing {len(records):,} records")
    with opened() as session:
        took = time.perf_counter()
        if session.place_directory_size() == 0:  # a store from before the directory
            places.build(session)
        else:
            places.refresh(session, new)
        directory_seconds = round(time.perf_counter() - took, 2)
        narrow = None if report.whole_because else set(new)
        assess_records(session, records, as_of=as_of, report=report, narrow=narrow)
    report.seconds["directory"] = directory_seconds
    report.dropped = hit
    save_index(engine, report)
    report.seconds["touched"] = touched_seconds
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    return report


def save_index(engine: Engine, report: PartitionedReport) -> None:
    """Store the index a run found, once its session committed (SQLite has one writer): a
    run that dies before leaves its records unindexed, so the next run takes them again."""
    if report.nodes:
        index.replace_nodes(engine, report.nodes, dropped=report.dropped)


def changed_records(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Records whose person changed between two linkage states (merges, splits); the other
    records of both persons are in their partitions already."""
    moved = {r for r, p in after.items() if before.get(r, p) != p}
    return moved | {r for r in before if r not in after}


def flag_keys(session: ActorSession) -> Counter[tuple[str, str]]:
    """``(rule, fingerprint)`` of every flag in scope (what a full run must equal)."""
    from joinedup.model.safeguarding import Flag

    keys: Counter[tuple[str, str]] = Counter()
    for chunk in session.scan(Flag, ["rule_id", "evidence"]):
        for _id, rule_id, evidence in chunk:
            keys[(rule_id, (evidence or {}).get("fingerprint", ""))] += 1
    return keys


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
