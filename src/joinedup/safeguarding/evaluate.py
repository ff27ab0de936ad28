"""Flags measured against a simulated borough's truth (evaluation only; rules never read it).

A flagged resolved person counts as the truth person most of its records belong to (the
records are kept with the flag as ``subject_records``); a flagged vehicle is matched by its
registration. Victim recall is the share of true victims known to at least one agency who
have a flag that is not resolved from a rule that says the child may be exploited
(``victim_signal``); precision is the share of children so flagged who are true victims.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joinedup.common.errors import InputError
from joinedup.linkage.sources import record_keys
from joinedup.model.safeguarding import Flag
from joinedup.safeguarding.rules.definitions import RuleSet, default_rules
from joinedup.store.actor_session import ActorSession

RecordKey = tuple[str, str, str]  # agency kind, file name, agency key


@dataclass
class Truth:
    """What the simulator knows: persons, which records are whose, offenders' vehicles."""

    victims: set[str]
    known_victims: set[str]
    children: set[str]
    offenders: set[str]
    record_persons: dict[RecordKey, list[str]]
    group_vehicles: set[str]
    vehicles_seen: set[str] = field(default_factory=set)
    offenders_seen: set[str] = field(default_factory=set)
    licensed_offenders: set[str] = field(default_factory=set)
    licensed_group_vehicles: set[str] = field(default_factory=set)


def _vrm(value: str) -> str:
    """A registration as the platform keys it (upper case, no spaces)."""
    return value.replace(" ", "").upper()


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_truth(folder: Path | str) -> Truth:
    """Read ``truth/`` (or the borough folder holding it)."""
    root = Path(folder)
    if (root / "truth").is_dir():
        root = root / "truth"
    if not (root / "persons.csv").is_file():
        raise InputError(f"{root} holds no simulator truth (persons.csv)")
    victims, known, children, offenders = set(), set(), set(), set()
    for row in _rows(root / "persons.csv"):
        pid = row["person_id"]
        if row["is_child"] == "1":
            children.add(pid)
        if row["is_victim"] == "1":
            victims.add(pid)
            if row["known_to_any_agency"] == "1":
                known.add(pid)
        if row["offender_group"]:
            offenders.add(pid)
    record_persons: dict[RecordKey, list[str]] = defaultdict(list)
    for row in _rows(root / "records.csv"):
        record_persons[(row["agency"], row["file"], row["record_key"])].append(row["person_id"])
    group_vehicles = {
        _vrm(r["value"])
        for r in _rows(root / "objects.csv")
        if r["kind"] == "vehicle" and r["group_id"]
    }
    truth = Truth(victims, known, children, offenders, dict(record_persons), group_vehicles)
    seen_objects = {r["object_id"] for r in _rows(root / "object_records.csv")}
    values = {r["object_id"]: _vrm(r["value"]) for r in _rows(root / "objects.csv")}
    truth.vehicles_seen = {values[o] for o in seen_objects if values.get(o) in group_vehicles}
    truth.offenders_seen = {p for ps in record_persons.values() for p in ps if p in offenders}
    truth.licensed_offenders = {
        r["person_id"] for r in _rows(root / "badges.csv") if r["is_offender"] == "1"
    }
    truth.licensed_group_vehicles = {
        _vrm(r["value"])
        for r in _rows(root / "objects.csv")
        if r["kind"] == "vehicle" and r["group_id"] and r["licence_type"]
    }
    return truth


@dataclass(frozen=True)
class FlagFacts:
    """What evaluation needs of one stored flag."""

    rule_id: str
    subject_type: str
    subject_id: str
    status: str
    subject_records: tuple[str, ...]


def truth_person(facts: FlagFacts, keys: Mapping[str, RecordKey], truth: Truth) -> str | None:
    """The truth person most of a flagged person's records belong to."""
    votes: Counter[str] = Counter()
    for record_id in facts.subject_records:
        key = keys.get(record_id)
        if key is None:
            continue
        people = truth.record_persons.get(_file_key(key), [])
        for pid in set(people):
            votes[pid] += 1
    if not votes:
        return None
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _file_key(key: RecordKey) -> RecordKey:
    agency, file_name, agency_key = key
    return agency, Path(file_name).name, agency_key


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate(
    flags: Iterable[FlagFacts],
    keys: Mapping[str, RecordKey],
    truth: Truth,
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    """Victim recall and precision overall, and precision/recall per rule where truth allows."""
    rules = rules or default_rules()
    by_rule: dict[str, set[str]] = defaultdict(set)
    flag_counts: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    for facts in flags:
        if facts.status == "resolved" or facts.rule_id.startswith("language."):
            continue
        flag_counts[facts.rule_id] += 1
        if facts.subject_type == "vehicle":
            by_rule[facts.rule_id].add("vehicle:" + _vrm(facts.subject_id.removeprefix("vehicle:")))
            continue
        pid = truth_person(facts, keys, truth)
        if pid is None:
            unmapped[facts.rule_id] += 1
        else:
            by_rule[facts.rule_id].add(pid)
    signal = {r.id for r in rules.rules if r.victim_signal}
    flagged = {p for rid in signal for p in by_rule.get(rid, set()) if not p.startswith("vehicle:")}
    flagged_any = {
        p for rid, ps in by_rule.items() if rules_truth(rules, rid) == "victim" for p in ps
    }
    result: dict[str, Any] = {
        "known_victims": len(truth.known_victims),
        "victims": len(truth.victims),
        "flagged_children": len(flagged),
        "victim_recall": _ratio(len(flagged & truth.known_victims), len(truth.known_victims)),
        "precision": _ratio(len(flagged & truth.victims), len(flagged)),
        "victim_recall_any_child_rule": _ratio(
            len(flagged_any & truth.known_victims), len(truth.known_victims)
        ),
        "precision_any_child_rule": _ratio(len(flagged_any & truth.victims), len(flagged_any)),
        "offenders_flagged_as_victims": _offenders_flagged(flagged, truth),
        "offenders_flagged_any_child_rule": _offenders_flagged(flagged_any, truth),
        "rules": {},
    }
    for rule in rules.rules:
        subjects = by_rule.get(rule.id, set())
        row: dict[str, Any] = {
            "flags": flag_counts[rule.id],
            "subjects": len(subjects),
            "unmapped": unmapped[rule.id],
            "truth": rule.truth,
            "victim_signal": rule.victim_signal,
        }
        row.update(_rule_scores(rule.truth, subjects, truth))
        result["rules"][rule.id] = row
    return result


def _offenders_flagged(flagged: set[str], truth: Truth) -> dict[str, Any]:
    """Members of an offender group (truth) among the persons flagged as children at risk;
    a member who is also a true victim is counted (and listed) apart."""
    offenders = flagged & truth.offenders
    return {
        "count": len(offenders - truth.victims),
        "ids": sorted(offenders - truth.victims),
        "also_victims": sorted(offenders & truth.victims),
    }


def rules_truth(rules: RuleSet, rule_id: str) -> str:
    """The truth a rule is judged by (``none`` for unknown rules)."""
    try:
        return rules.rule(rule_id).truth
    except KeyError:
        return "none"


def _rule_scores(kind: str, subjects: set[str], truth: Truth) -> dict[str, float | None]:
    if kind == "victim":
        return {
            "precision": _ratio(len(subjects & truth.victims), len(subjects)),
            "recall": _ratio(len(subjects & truth.known_victims), len(truth.known_victims)),
        }
    if kind in ("offender", "licensed_offender"):
        vehicles = {s.removeprefix("vehicle:") for s in subjects if s.startswith("vehicle:")}
        persons = {s for s in subjects if not s.startswith("vehicle:")}
        good = len(persons & truth.offenders) + len(vehicles & truth.group_vehicles)
        if kind == "licensed_offender":
            people, cars = truth.licensed_offenders, truth.licensed_group_vehicles
        else:
            people, cars = truth.offenders_seen, truth.vehicles_seen
        found = len(persons & people) + len(vehicles & cars)
        return {
            "precision": _ratio(good, len(subjects)),
            "recall": _ratio(found, len(people) + len(cars)),
        }
    return {"precision": None, "recall": None}


def stored_flags(session: ActorSession, rules: RuleSet | None = None) -> list[FlagFacts]:
    """The flags of the rules in the session's scope, as evaluation needs them."""
    out: list[FlagFacts] = []
    for rule in (rules or default_rules()).rules:
        columns = ["rule_id", "subject_type", "subject_id", "status", "evidence"]
        for chunk in session.scan(Flag, columns, where={"rule_id": rule.id}):
            for _id, rule_id, subject_type, subject_id, status, evidence in chunk:
                records = tuple((evidence or {}).get("subject_records", ()))
                out.append(FlagFacts(rule_id, subject_type, subject_id, status, records))
    return out


def evaluate_stored_flags(session: ActorSession, truth_dir: Path | str) -> dict[str, Any]:
    """Evaluate the flags held in the store against a simulator's truth."""
    session.require("evaluate.run")
    truth = load_truth(truth_dir)
    keys = record_keys(session)
    return evaluate(stored_flags(session), keys, truth)
