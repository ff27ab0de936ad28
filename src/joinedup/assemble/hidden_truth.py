"""The hidden-number estimate beside a simulated borough's truth (evaluation only).

Nothing in the estimate reads the truth. A listed (resolved) person stands for the truth
person most of its records belong to; it is *merged* when its records belong to two or more
truth persons, and *split* when its truth person is also another listed person. Per list:
members, of whom true victims and non-victims (false positives of the definition), split and
merged; per definition: precision (members who are victims) and recall (victims the agency
recorded something of the exploitation about, in the truth, whom the definition finds).
``decomposition`` re-estimates with each error source removed in turn, which is how the
error of the headline figure is attributed (docs/estimation.md).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from joinedup.assemble.build import assemble
from joinedup.assemble.hidden import (
    DEFAULT_LCMCR,
    QUICK_LCMCR,
    estimate_hidden,
    point_estimate,
)
from joinedup.assemble.hidden_frailty import FRAILTY_REPLICATES
from joinedup.assemble.hidden_store import members_and_imputations
from joinedup.assemble.lists import (
    ListDefinition,
    ListMember,
    list_definitions,
    list_members,
    reselect,
)
from joinedup.assemble.view import Assembly
from joinedup.common.errors import InputError
from joinedup.estimate.lcmcr import LcmcrSettings
from joinedup.store.actor_session import ActorSession


@dataclass
class VictimTruth:
    """Victims, those known to an agency, and which agencies recorded their exploitation."""

    victims: set[str]
    known: set[str]
    seen_by: dict[str, set[str]] = field(default_factory=dict)  # agency -> victim ids


def _rows(path: Path) -> Iterable[dict[str, str]]:
    if not path.is_file():
        raise InputError(f"{path} not found: --truth must be a simulator's truth/ folder")
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_victim_truth(folder: Path | str) -> VictimTruth:
    """Read ``persons.csv`` and ``events.csv`` of a ``truth/`` folder (or the borough's)."""
    root = Path(folder)
    if (root / "truth").is_dir():
        root = root / "truth"
    victims, known = set(), set()
    for row in _rows(root / "persons.csv"):
        if row["is_victim"] == "1":
            victims.add(row["person_id"])
            if row["known_to_any_agency"] == "1":
                known.add(row["person_id"])
    seen_by: dict[str, set[str]] = defaultdict(set)
    for row in _rows(root / "events.csv"):
        if row["cse_related"] == "1" and row["child_person_id"] in victims:
            for agency in row["seen_by"].split(";"):
                if agency.strip():
                    seen_by[agency.strip()].add(row["child_person_id"])
    return VictimTruth(victims, known, dict(seen_by))


def truth_persons(
    assembly: Assembly, members: Iterable[ListMember], truth_of_record: Mapping[str, str]
) -> dict[str, tuple[str | None, int]]:
    """``person id -> (truth person most of its records belong to, truth persons among them)``."""
    out: dict[str, tuple[str | None, int]] = {}
    for member in members:
        votes = Counter(
            truth_of_record[r.record_id]
            for r in assembly.persons[member.person_id].records
            if r.record_id in truth_of_record
        )
        best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if votes else None
        out[member.person_id] = (best, len(votes))
    return out


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def list_composition(
    members: list[ListMember], who: Mapping[str, tuple[str | None, int]], truth: VictimTruth
) -> dict[str, Any]:
    """Per list: members, true victims, non-victims, split and merged persons."""
    listed_as = Counter(who[m.person_id][0] for m in members if who[m.person_id][0])
    out: dict[str, Any] = {}
    for name in sorted({n for m in members for n in m.lists}):
        on = [m for m in members if name in m.lists]
        true_ids = [who[m.person_id][0] for m in on]
        out[name] = {
            "members": len(on),
            "true_victims": sum(t in truth.victims for t in true_ids),
            "non_victims": sum(t is not None and t not in truth.victims for t in true_ids),
            "unmatched": sum(t is None for t in true_ids),
            "split": sum(t is not None and listed_as[t] > 1 for t in true_ids),
            "merged": sum(who[m.person_id][1] > 1 for m in on),
            "distinct_true_victims": len({t for t in true_ids if t in truth.victims}),
            "victims_recorded_by_agency": len(truth.seen_by.get(name, ())),
        }
    return out


def definition_scores(
    members: list[ListMember],
    who: Mapping[str, tuple[str | None, int]],
    truth: VictimTruth,
    definitions: Iterable[ListDefinition],
) -> dict[str, Any]:
    """Per definition: members, precision and recall against the truth."""
    out: dict[str, Any] = {}
    for d in definitions:
        found = [who[m.person_id][0] for m in members if d.id in m.definitions]
        victims = {t for t in found if t in truth.victims}
        recorded = truth.seen_by.get(d.agency, set())
        out[d.id] = {
            "level": d.level,
            "basis": d.basis,
            "members": len(found),
            "precision": _ratio(sum(t in truth.victims for t in found), len(found)),
            "recall": _ratio(len(victims & recorded), len(recorded)),
        }
    return out


def _collapse(
    members: list[ListMember], who: Mapping[str, tuple[str | None, int]]
) -> list[ListMember]:
    """One member per truth person (the lists of every person that stands for it)."""
    groups: dict[str, list[ListMember]] = defaultdict(list)
    for m in members:
        groups[who[m.person_id][0] or m.person_id].append(m)
    return [
        replace(ms[0], person_id=key, lists=frozenset().union(*(m.lists for m in ms)))
        for key, ms in sorted(groups.items())
    ]


def truth_lists(truth: VictimTruth, names: Iterable[str]) -> list[ListMember]:
    """Capture histories from the truth itself: each victim on the lists of the agencies
    that recorded an event of their exploitation (perfect definitions and linkage)."""
    lists: dict[str, set[str]] = defaultdict(set)
    for name in names:
        for victim in truth.seen_by.get(name, ()):
            lists[victim].add(name)
    return [
        ListMember(v, frozenset(ls), None, "unknown", "unknown", "unknown", "unknown")
        for v, ls in sorted(lists.items())
    ]


def decomposition(
    broad: list[ListMember],
    selection: str,
    who: Mapping[str, tuple[str | None, int]],
    truth: VictimTruth,
    estimator: Callable[[list[ListMember]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The estimate with each error source removed in turn (same method, point estimates)."""
    chosen = reselect(broad, selection)
    victims_only = [m for m in chosen if who[m.person_id][0] in truth.victims]
    names = sorted({n for m in chosen for n in m.lists})
    variants = [
        ("broad definitions, as linked", reselect(broad, "broad")),
        (f"{selection} definitions, as linked", chosen),
        (f"{selection} definitions, non-victims removed", victims_only),
        (f"{selection} definitions, truth linkage", _collapse(chosen, who)),
        (
            f"{selection} definitions, non-victims removed, truth linkage",
            _collapse(victims_only, who),
        ),
        (
            "truth's own lists (every agency's record of the exploitation)",
            truth_lists(truth, names),
        ),
    ]
    true_n = len(truth.victims)
    rows = []
    for label, members in variants:
        row: dict[str, Any] = {"lists": label, "n_observed": len(members)}
        row.update(estimator(members))
        est = row.get("estimate")
        row["relative_error"] = round(est / true_n - 1.0, 4) if est and true_n else None
        rows.append(row)
    return rows


def _shorter(settings: LcmcrSettings | None) -> LcmcrSettings | None:
    """The decomposition's LCMCR runs: at most the quick run length."""
    if settings is None or settings.burnin <= QUICK_LCMCR.burnin:
        return settings
    return QUICK_LCMCR


def evaluate_estimate(
    assembly: Assembly,
    truth_of_record: Mapping[str, str],
    truth_dir: Path | str,
    options: dict[str, Any],
    selection: str = "specific",
    with_decomposition: bool = True,
    linkage: list[list[ListMember]] | None = None,
    latent_class: LcmcrSettings | None = DEFAULT_LCMCR,
    frailty_replicates: int = FRAILTY_REPLICATES,
) -> dict[str, Any]:
    """The estimate for the lists in ``assembly`` beside the truth (see the module docstring).

    ``options`` go to :func:`joinedup.assemble.hidden.estimate_hidden`, as do ``linkage``,
    ``latent_class`` and ``frailty_replicates``.
    """
    truth = load_victim_truth(truth_dir)
    definitions = list_definitions()
    broad = list_members(assembly, "broad", definitions)
    members = reselect(broad, selection, definitions)
    who = truth_persons(assembly, broad, truth_of_record)
    out = estimate_hidden(
        members,
        options,
        selection=selection,
        linkage=linkage,
        latent_class=latent_class,
        frailty_replicates=frailty_replicates,
    )
    true_n = len(truth.victims)
    low, high, est = out.get("ci_low"), out.get("ci_high"), out["estimate"]
    listed = {who[m.person_id][0] for m in members}
    result: dict[str, Any] = {
        "true_victims": true_n,
        "known_victims": len(truth.known),
        "n_observed": out["n_observed"],
        "estimate": est,
        "ci_low": low,
        "ci_high": high,
        "covered": low is not None and low <= true_n and (high is None or true_n <= high),
        "relative_error": round(est / true_n - 1.0, 4) if true_n and est is not None else None,
        "list_definitions": selection,
        "listed_true_victims": len(listed & truth.victims),
        "known_victims_not_listed": len(truth.known - listed),
        "listed_non_victims": sum(1 for m in members if who[m.person_id][0] not in truth.victims),
        "split_persons": sum(
            n - 1 for n in Counter(who[m.person_id][0] for m in members).values() if n > 1
        ),
        "merged_persons": sum(1 for m in members if who[m.person_id][1] > 1),
        "lists": list_composition(members, who, truth),
        "definitions": definition_scores(broad, who, truth, definitions),
    }
    if with_decomposition:
        point = {k: v for k, v in options.items() if k not in ("n_bootstrap", "linkage")}
        result["decomposition"] = decomposition(
            broad,
            selection,
            who,
            truth,
            lambda ms: point_estimate(ms, point, _shorter(latent_class)),
        )
    result["estimate_output"] = out
    return result


def evaluate_stored_estimate(
    session: ActorSession,
    truth_dir: Path | str,
    options: dict[str, Any],
    selection: str = "specific",
    imputations: int = 10,
    with_decomposition: bool = True,
    *,
    latent_class: LcmcrSettings | None = DEFAULT_LCMCR,
    frailty_replicates: int = FRAILTY_REPLICATES,
) -> dict[str, Any]:
    """Evaluate the estimate from the store's lists against a simulator's truth."""
    session.require("evaluate.run")
    from joinedup.linkage.truth import true_person_of_records

    root = Path(truth_dir)
    if (root / "truth").is_dir():
        root = root / "truth"
    load_victim_truth(root)  # fail before the long assembly when this is no truth folder
    assembly = assemble(session, decrypt_text=False)
    truth_of_record = true_person_of_records(session, root)
    _, imputed, n_links = members_and_imputations(
        session, assembly, selection, imputations, int(options.get("seed", 1234))
    )
    out = evaluate_estimate(
        assembly,
        truth_of_record,
        root,
        options,
        selection,
        with_decomposition,
        imputed,
        latent_class,
        frailty_replicates,
    )
    out["linkage_imputation"] = {
        "imputations": len(imputed) if imputed else 0,
        "uncertain_links": n_links,
    }
    return out
