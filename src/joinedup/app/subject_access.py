"""Use case: a subject access report (DPA 2018 s.45) for one person.

A data protection officer asks for it; the service account compiles it on their behalf
(``Door.on_behalf``: the elevation ``subject_access.compile`` after ``audit.subject_access``,
logged with both names and the reason), because no person's own reach covers every agency.
The report lists every record every agency holds about the person, verbatim (free text
decrypted), with their flags and risk assessments, for the officer to review, redact third
parties' information from and decide on before anything is disclosed: it is shown to the
officer, not sent to anyone. Every record in it is logged as shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from joinedup.app.context import Caller, runtime, session
from joinedup.app.errors import NotFound
from joinedup.assemble.rows import Decrypter
from joinedup.model.linkage import PersonLink
from joinedup.model.organisation import Agency
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag, RiskAssessment

__all__ = ["HeldRecord", "SubjectAccess", "subject_access_report"]

ENCRYPTED_PREFIX = "v1:"


@dataclass(frozen=True)
class HeldRecord:
    """One record as the agency sent it."""

    id: str
    record_type: str
    reference: str
    received: str
    fields: list[tuple[str, str]]
    undecryptable: int = 0


@dataclass
class SubjectAccess:
    """Everything held about one person, by agency, for review before disclosure."""

    person_id: str
    names: list[str]
    dates_of_birth: list[str]
    by_agency: dict[str, list[HeldRecord]] = field(default_factory=dict)
    # (agency, rule, status, raised on) and (agency, assessed on, category)
    flags: list[tuple[str, str, str, str]] = field(default_factory=list)
    assessments: list[tuple[str, str, str]] = field(default_factory=list)
    compiled_at: str = ""
    compiled_for: str = ""

    @property
    def records(self) -> int:
        """How many records the report holds."""
        return sum(len(r) for r in self.by_agency.values())


def _fields(record: SourceRecord, decrypt: Decrypter) -> tuple[list[tuple[str, str]], int]:
    out = []
    failed = 0
    for name, value in (record.payload or {}).items():
        text = "" if value is None else str(value)
        if text.startswith(ENCRYPTED_PREFIX):
            plain = decrypt(text, f"payload.{name}", record.id)
            if plain is None:
                failed += 1
                text = "[could not be decrypted: ask the key custodian]"
            else:
                text = plain
        out.append((name, text))
    return out, failed


def subject_access_report(who: Caller, person_id: str) -> SubjectAccess:
    """Compile every record held about ``person_id`` for ``who`` (a data protection officer)
    to review; :class:`NotFound` when nothing is held."""
    rt = runtime()
    with session(who, rt) as asker:
        asker.require("audit.subject_access")
    reason = f"subject access report on person {person_id} asked by {who.username}"
    with rt.door.on_behalf(asker, "subject_access.compile", reason) as service:
        links = service.list(PersonLink, where={"person_id": person_id})
        if not links:
            raise NotFound(f"no person with id {person_id}")
        records = service.list(SourceRecord, where={"id": [link.record_id for link in links]})
        agencies = {a.id: a.name for a in service.list(Agency)}
        decrypt = Decrypter(service.field_crypto)
        report = SubjectAccess(person_id, [], [])
        grouped: dict[str, list[HeldRecord]] = defaultdict(list)
        names: dict[str, None] = {}
        born: dict[str, None] = {}
        for record in sorted(
            records, key=lambda r: r.created_at or datetime.min.replace(tzinfo=UTC)
        ):
            fields, failed = _fields(record, decrypt)
            n = record.normalised or {}
            name = " ".join(str(n[k]) for k in ("forename", "surname") if n.get(k))
            if name:
                names.setdefault(name)
            if n.get("date_of_birth"):
                born.setdefault(str(n["date_of_birth"]))
            grouped[agencies.get(record.agency_id, record.agency_id)].append(
                HeldRecord(
                    record.id,
                    record.record_type,
                    record.agency_key,
                    record.created_at.date().isoformat() if record.created_at else "",
                    fields,
                    failed,
                )
            )
        report.by_agency = dict(sorted(grouped.items()))
        report.names, report.dates_of_birth = list(names), sorted(born)
        report.flags = [
            (agencies.get(f.agency_id, ""), f.rule_id, f.status, f.created_at.date().isoformat())
            for f in service.list(Flag, where={"subject_id": person_id})
        ]
        report.assessments = [
            (agencies.get(a.agency_id, ""), a.assessed_on.isoformat(), a.category)
            for a in service.list(RiskAssessment, where={"child_person_id": person_id})
        ]
        service.record_shown("source_record", [r.id for r in records])
    report.compiled_at = datetime.now(UTC).isoformat(timespec="minutes")
    report.compiled_for = who.username
    return report
