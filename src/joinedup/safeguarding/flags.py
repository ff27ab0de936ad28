"""Flags in the store: raised once per fingerprint, explained by their evidence, owned by one
agency, and moved by people from open to acknowledged to resolved (with a reason).

A flag's fingerprint is a hash of its rule, subject and key evidence (for example the missing
episode's record); it is kept in the flag's evidence JSON. Re-running the rules raises a flag
only for a fingerprint not already held, so re-runs never duplicate flags; an open flag whose
supporting records changed gets its evidence updated; a resolved flag stays resolved.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from joinedup.common.errors import InputError
from joinedup.model.base import utcnow
from joinedup.model.organisation import Agency
from joinedup.model.safeguarding import Flag, SafeguardingCase
from joinedup.store.actor_session import ActorSession, NotFound
from joinedup.store.hooks import Saved


def fingerprint(rule_id: str, subject_type: str, subject_id: str, key: Sequence[str]) -> str:
    """The stable identity of a finding: rule, subject and key evidence."""
    text = "\x1f".join((rule_id, subject_type, subject_id, *key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class Raised:
    """A flag to hold: what was found, by which rule, owned by which agency."""

    rule_id: str
    subject_type: str
    subject_id: str
    key: tuple[str, ...]
    owner_agency_id: str
    evidence: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        """See :func:`fingerprint`."""
        return fingerprint(self.rule_id, self.subject_type, self.subject_id, self.key)


@dataclass
class SyncReport:
    """What one run did to the flags, per rule."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    not_found_again: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts per rule."""
        rules = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.not_found_again)
        )
        return {
            r: {
                "created": self.created[r],
                "updated": self.updated[r],
                "unchanged": self.unchanged[r],
                "not_found_again": self.not_found_again[r],
            }
            for r in rules
        }


class Owners:
    """Which agency owns a rule's flags: one of the rule's agency kind, else the partnership."""

    def __init__(self, agencies: Iterable[Agency], fallback: str) -> None:
        self.by_kind: dict[str, list[Agency]] = {}
        for agency in sorted(agencies, key=lambda a: (a.name, a.id)):
            self.by_kind.setdefault(agency.kind, []).append(agency)
        partnership = self.by_kind.get("partnership")
        self.fallback = partnership[0].id if partnership else fallback

    @classmethod
    def of(cls, session: ActorSession) -> Owners:
        """The owners known to the session's directory."""
        return cls(session.list(Agency), session.actor.agency_id)

    def owner(self, kind: str, cited_agency_ids: Iterable[str] = ()) -> str:
        """The agency of ``kind`` most cited in the evidence (else the first), else fallback."""
        candidates = self.by_kind.get(kind, [])
        if not candidates:
            return self.fallback
        if len(candidates) > 1:
            counts = Counter(cited_agency_ids)
            return max(candidates, key=lambda a: counts[a.id]).id
        return candidates[0].id


_SCAN = ["rule_id", "subject_id", "evidence", "status"]


@dataclass(frozen=True)
class Held:
    """A flag already in the store."""

    id: str
    rule_id: str
    status: str
    evidence: dict[str, Any]


def held(session: ActorSession, rule_ids: Iterable[str]) -> dict[str, Held]:
    """``fingerprint -> flag`` for the flags of these rules in scope."""
    out: dict[str, Held] = {}
    for rule_id in sorted(set(rule_ids)):
        for chunk in session.scan(Flag, _SCAN, where={"rule_id": rule_id}):
            for flag_id, rule, _subject, evidence, status in chunk:
                fp = (evidence or {}).get("fingerprint")
                if fp:
                    out[fp] = Held(flag_id, rule, status, evidence)
    return out


def _records(evidence: dict[str, Any]) -> set[str]:
    return {r.get("record_id", "") for r in evidence.get("records", [])}


def sync(
    session: ActorSession,
    raised: Sequence[Raised],
    *,
    rule_ids: Iterable[str] | None = None,
    now: datetime | None = None,
) -> SyncReport:
    """Hold every raised finding as a flag, once; update open flags whose records changed.

    ``rule_ids`` names the rules that ran (default: those raised), so that flags of those rules
    no longer found are counted in ``not_found_again`` (they are left as they are: resolving is
    a person's decision).
    """
    report = SyncReport()
    ran = set(rule_ids) if rule_ids is not None else {r.rule_id for r in raised}
    existing = held(session, ran)
    stamp = (now or utcnow()).isoformat(timespec="seconds")
    new: list[Flag] = []
    seen: set[str] = set()
    for item in raised:
        fp = item.fingerprint
        if fp in seen:
            continue
        seen.add(fp)
        evidence = {**item.evidence, "fingerprint": fp, "key": list(item.key)}
        found = existing.get(fp)
        if found is None:
            evidence["history"] = [{"status": "open", "at": stamp, "by": session.actor.username}]
            new.append(
                Flag(
                    agency_id=item.owner_agency_id,
                    owner_agency_id=item.owner_agency_id,
                    rule_id=item.rule_id,
                    subject_type=item.subject_type,
                    subject_id=item.subject_id,
                    evidence=evidence,
                )
            )
            report.created[item.rule_id] += 1
            continue
        if found.status != "resolved" and _records(found.evidence) != _records(evidence):
            evidence["history"] = list(found.evidence.get("history", []))
            session.update(Flag, found.id, evidence=evidence)
            report.updated[item.rule_id] += 1
        else:
            report.unchanged[item.rule_id] += 1
    for fp, flag in existing.items():
        if fp not in seen and flag.status != "resolved":
            report.not_found_again[flag.rule_id] += 1
    new = _filed_under_open_cases(session, new)
    for start in range(0, len(new), 5000):
        session.add_all(new[start : start + 5000])
    return report


def _filed_under_open_cases(session: ActorSession, new: list[Flag]) -> list[Flag]:
    """New flags about a child with an open safeguarding case are filed under it, so that the
    members of a panel already discussing the child see them (the ``panel`` reach)."""
    if not any(f.subject_type == "child" for f in new):
        return new
    cases = {
        c.child_person_id: c.id for c in session.list(SafeguardingCase, where={"status": "open"})
    }
    if not cases:
        return new
    return [
        f.model_copy(update={"case_id": cases[f.subject_id]})
        if f.subject_type == "child" and f.subject_id in cases
        else f
        for f in new
    ]


# -- people acting on flags -----------------------------------------------------------------


def move(
    session: ActorSession,
    flag_id: str,
    status: Literal["acknowledged", "resolved"],
    note: str | None = None,
) -> Saved[Flag]:
    """Acknowledge (optional note) or resolve (reason required) a flag, as the acting user.

    The note or reason is kept with the flag and in its history, and checked for
    victim-blaming language on entry (:mod:`joinedup.safeguarding.entry`).
    """
    from joinedup.safeguarding import entry  # entry holds its flags through this module

    session.require("flags.resolve" if status == "resolved" else "flags.acknowledge")
    if status == "resolved":
        if not (note or "").strip():
            raise InputError("resolving a flag needs a reason")
        note = (note or "").strip()
    flag = session.get(Flag, flag_id)
    if flag.status == "resolved":
        raise InputError(f"flag {flag_id} is already resolved")
    if status == "acknowledged" and flag.status == "acknowledged":
        raise InputError(f"flag {flag_id} is already acknowledged")
    evidence = dict(flag.evidence)
    step: dict[str, Any] = {
        "status": status,
        "at": utcnow().isoformat(timespec="seconds"),
        "by": session.actor.username,
    }
    if note:
        step["note"] = note[:500]
    evidence["history"] = [*evidence.get("history", []), step]
    changes: dict[str, Any] = {"status": status, "evidence": evidence}
    if status == "resolved":
        changes["resolution"] = note
    moved = session.update(Flag, flag_id, **changes)
    where = entry.WHERE_RESOLUTION if status == "resolved" else entry.WHERE_ACKNOWLEDGEMENT
    language = session.entered(note, where=where, subject_type="flag", subject_id=flag_id)
    return Saved(moved, language)


def acknowledge(session: ActorSession, flag_id: str, note: str | None = None) -> Flag:
    """Acknowledge an open flag (its owner agency has seen it and is acting)."""
    return move(session, flag_id, "acknowledged", note).saved


def resolve(session: ActorSession, flag_id: str, reason: str) -> Flag:
    """Resolve a flag with a reason (kept with the flag and in its history)."""
    return move(session, flag_id, "resolved", reason).saved


def list_flags(
    session: ActorSession,
    *,
    rule_id: str | None = None,
    status: str | None = None,
    subject_id: str | None = None,
    limit: int | None = None,
) -> list[Flag]:
    """Flags in scope, filtered by rule, status and subject."""
    where = {
        k: v
        for k, v in (("rule_id", rule_id), ("status", status), ("subject_id", subject_id))
        if v is not None
    }
    return session.list(Flag, where=where, limit=limit)


def subject_age(flag: Flag, on: date) -> int | None:
    """The flagged person's age in whole years on ``on``, where the flag records when they
    turn 18 (``child_until``); None otherwise."""
    until = flag.evidence.get("child_until")
    if not isinstance(until, str):
        return None
    turns_18 = date.fromisoformat(until)
    return 18 + on.year - turns_18.year - ((on.month, on.day) < (turns_18.month, turns_18.day))


def get_flag(session: ActorSession, flag_id: str) -> Flag:
    """One flag (``NotFound`` when missing or out of scope), to be shown: its subject (the
    child) and the records cited as its evidence are logged as shown too."""
    try:
        flag = session.get(Flag, flag_id)
    except NotFound:
        raise NotFound(f"no flag with id {flag_id}") from None
    session.record_shown(flag.subject_type, [flag.subject_id])
    also = (flag.evidence.get("details") or {}).get("also_recorded_as", [])
    session.record_shown(
        "source_record", _records(flag.evidence) | {r.get("record_id", "") for r in also} - {""}
    )
    return flag


def flag_summary(session: ActorSession) -> dict[str, dict[str, int]]:
    """Flags in scope counted by rule (language flags together) and status, for a summary."""
    counts: dict[str, Counter[str]] = {}
    for chunk in session.scan(Flag, ["rule_id", "status"]):
        for _id, rule_id, status in chunk:
            rule = "language" if rule_id.startswith("language.") else rule_id
            counts.setdefault(rule, Counter())[status] += 1
    return {rule: dict(sorted(c.items())) for rule, c in sorted(counts.items())}
