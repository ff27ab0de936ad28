"""Language on ingest: check every free-text note of the source records, hold a flag per
victim-blaming phrase, and report flagged notes per agency and author.

Notes are the column each agency format names as its notes (``joinedup.ingest.formats``);
for a mapping-profile import, any encrypted payload value. A note is decrypted only in memory; a
keyword pre-screen (:mod:`joinedup.safeguarding.language.prescreen`) passes over notes that
cannot match any lexicon entry without running a regular expression.

Each flag: rule ``language.<entry id>``, subject the source record, owned by the note's
agency, evidence the phrase (the lexicon's words, not the note), reason, suggestion, author
and column. Re-checking the same notes raises no new flags.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from joinedup.common.documents import load_yaml, packaged, read_text
from joinedup.ingest.formats import FormatError, get_format
from joinedup.model.organisation import Agency, Batch
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.safeguarding.flags import Raised, sync
from joinedup.safeguarding.language import Finding, Summary, check, default_lexicon, summarise
from joinedup.safeguarding.language.prescreen import prescreen
from joinedup.store.actor_session import ActorSession, Forbidden
from joinedup.store.door import Door

NOT_RECORDED = "(not recorded)"
RULE_PREFIX = "language."


@cache
def _authors() -> dict[str, dict[str, str]]:
    text, where = read_text(packaged("joinedup.safeguarding", "note_authors.yml"))
    data = load_yaml(text, where=where)
    return {fmt: dict(tables) for fmt, tables in (data.get("authors") or {}).items()}


@dataclass(frozen=True)
class NoteSource:
    """Where a batch's notes are: its free-text columns and its author column."""

    batch_id: str
    agency_id: str
    record_type: str
    columns: tuple[str, ...]  # empty: any encrypted value (a mapping-profile import)
    author: str | None


def note_sources(session: ActorSession, batch_ids: Iterable[str] | None = None) -> list[NoteSource]:
    """The batches in scope that may hold notes, with their free-text columns."""
    wanted = set(batch_ids) if batch_ids is not None else None
    out = []
    for batch in session.list(Batch):
        if wanted is not None and batch.id not in wanted:
            continue
        columns: tuple[str, ...] = ()
        try:
            entry = get_format(batch.format or "").file(batch.record_type or "")
            if not entry.notes:
                continue
            columns = (entry.notes,)
        except FormatError:
            pass  # a mapping profile: look for encrypted values
        author = _authors().get(batch.format or "", {}).get(batch.record_type or "")
        out.append(NoteSource(batch.id, batch.agency_id, batch.record_type or "", columns, author))
    return out


def _encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("v1:") and value.count(":") >= 2


@dataclass(frozen=True)
class Note:
    """One decrypted note, only ever held in memory."""

    record_id: str
    agency_id: str
    record_type: str
    agency_key: str
    column: str
    author: str
    text: str


def notes(
    session: ActorSession,
    sources: list[NoteSource],
    failures: list[str],
    only_record: str | None = None,
) -> Iterator[Note]:
    """Every non-empty note of the sources, or of one record of them (undecryptable ones are
    named in ``failures``). A bulk path: it decrypts the payload fields itself with the
    session's field cipher."""
    cipher = session.field_crypto()
    for src in sources:
        where = {"batch_id": src.batch_id, **({"id": only_record} if only_record else {})}
        for chunk in session.scan(SourceRecord, ["agency_key", "payload"], where=where):
            for record_id, agency_key, payload in chunk:
                author = (
                    str(payload.get(src.author) or NOT_RECORDED) if src.author else NOT_RECORDED
                )
                columns = src.columns or tuple(k for k, v in payload.items() if _encrypted(v))
                for column in columns:
                    token = payload.get(column)
                    if not token or not isinstance(token, str):
                        continue
                    try:
                        text = cipher.decrypt(
                            token,
                            table="source_record",
                            column=f"payload.{column}",
                            row_id=record_id,
                        )
                    except ValueError:
                        failures.append(record_id)
                        continue
                    if text.strip():
                        yield Note(
                            record_id,
                            src.agency_id,
                            src.record_type,
                            agency_key,
                            column,
                            author,
                            text,
                        )


@dataclass
class NotesReport:
    """What one check of the notes found."""

    notes: int = 0
    screened_out: int = 0
    flagged_notes: int = 0
    findings: int = 0
    flags_created: int = 0
    undecryptable: int = 0
    seconds: float = 0.0
    by_entry: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return dict(vars(self))


def _raised(note: Note, finding: Finding) -> Raised:
    return Raised(
        RULE_PREFIX + finding.entry_id,
        "source_record",
        note.record_id,
        (note.column, str(finding.start), finding.entry_id),
        note.agency_id,
        {
            "rule": RULE_PREFIX + finding.entry_id,
            "summary": f'"{finding.phrase}": {finding.reason}',
            "severity": "low",
            **finding.to_dict(),
            "author": note.author,
            "column": note.column,
            "records": [
                {
                    "record_id": note.record_id,
                    "agency_id": note.agency_id,
                    "record_type": note.record_type,
                    "agency_key": note.agency_key,
                }
            ],
        },
    )


def check_notes(
    session: ActorSession,
    *,
    batch_ids: Iterable[str] | None = None,
    record_id: str | None = None,
) -> NotesReport:
    """Check the notes of the given batches (default: every batch in scope), or of one record
    of them (a row accepted from quarantine); hold the flags."""
    started = time.perf_counter()
    report = NotesReport()
    lexicon = default_lexicon()
    screen = prescreen(lexicon)
    failures: list[str] = []
    raised: list[Raised] = []
    by_entry: dict[str, int] = defaultdict(int)
    for note in notes(session, note_sources(session, batch_ids), failures, record_id):
        report.notes += 1
        if not screen.may_flag(note.text):
            report.screened_out += 1
            continue
        found = check(note.text, lexicon=lexicon)
        if not found:
            continue
        report.flagged_notes += 1
        report.findings += len(found)
        for finding in found:
            by_entry[finding.entry_id] += 1
            raised.append(_raised(note, finding))
    synced = sync(session, raised, rule_ids={r.rule_id for r in raised})
    report.flags_created = sum(synced.created.values())
    report.undecryptable = len(failures)
    report.by_entry = dict(sorted(by_entry.items()))
    report.seconds = round(time.perf_counter() - started, 2)
    return report


@dataclass(frozen=True)
class NewNotesCheck:
    """The check of new records' notes after ingest: the report, or why it did not run."""

    report: NotesReport | None
    not_checked: str | None = None


def check_new_notes(
    door: Door,
    actor: str,
    purpose: str,
    batch_ids: Iterable[str],
    record_id: str | None = None,
) -> NewNotesCheck:
    """The pipeline step after ingest (or a row accepted from quarantine): check the new
    batches' notes, or one record of them, in a transaction of its own, so the records stay
    imported whatever the check does. A role that may not hold flags gets the reason back."""
    try:
        with door.session(actor, purpose) as session:
            report = check_notes(session, batch_ids=list(batch_ids), record_id=record_id)
    except Forbidden as exc:
        return NewNotesCheck(None, str(exc))
    return NewNotesCheck(report)


def language_report(session: ActorSession, *, totals: bool = True) -> Summary:
    """Flagged notes per agency and author, from the held language flags (not resolved).

    A note is a source record's note (checked on ingest) or a text a worker typed into the
    platform (checked on entry, :mod:`joinedup.safeguarding.entry`: one per subject, place,
    field and author, the author being the platform user). With ``totals`` the source notes
    without flags are counted too (their authors read from the payload; nothing is
    decrypted), so each row gives notes, flagged notes and findings; typed text is counted
    only when flagged (clean text leaves no trace to count).
    """
    names = {a.id: a.name for a in session.list(Agency)}
    flagged: dict[tuple[str, ...], tuple[str, str, list[Finding]]] = {}
    for entry in default_lexicon().entries:
        rule = RULE_PREFIX + entry.id
        for chunk in session.scan(
            Flag,
            ["agency_id", "subject_type", "subject_id", "evidence", "status"],
            where={"rule_id": rule},
        ):
            for _id, agency_id, subject_type, subject_id, evidence, status in chunk:
                if status == "resolved":
                    continue
                author = str(evidence.get("author", NOT_RECORDED))
                records = evidence.get("records")
                note: tuple[str, ...] = (
                    (records[0]["record_id"],)
                    if records
                    else (
                        subject_type,
                        subject_id,
                        str(evidence.get("where", "")),
                        str(evidence.get("field") or ""),
                        author,
                    )
                )
                held = flagged.setdefault(note, (names.get(agency_id, agency_id), author, []))
                held[2].append(_finding(evidence))
    rows: list[tuple[str, str, list[Finding]]] = list(flagged.values())
    if totals:
        for src in note_sources(session):
            for chunk in session.scan(SourceRecord, ["payload"], where={"batch_id": src.batch_id}):
                for record_id, payload in chunk:
                    if (record_id,) in flagged:
                        continue
                    columns = src.columns or tuple(k for k, v in payload.items() if _encrypted(v))
                    if not any(payload.get(c) for c in columns):
                        continue
                    author = (
                        str(payload.get(src.author) or NOT_RECORDED) if src.author else NOT_RECORDED
                    )
                    rows.append((names.get(src.agency_id, src.agency_id), author, []))
    return summarise(rows)


def _finding(evidence: dict[str, Any]) -> Finding:
    return Finding(
        phrase=str(evidence.get("phrase", "")),
        start=int(evidence.get("start", 0)),
        end=int(evidence.get("end", 0)),
        entry_id=str(evidence.get("entry_id", "")),
        category=str(evidence.get("category", "")),
        reason=str(evidence.get("reason", "")),
        suggestion=str(evidence.get("suggestion", "")),
        negated=bool(evidence.get("negated", False)),
    )
