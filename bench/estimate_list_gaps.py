"""Which victims on the truth's lists the list definitions miss, and which records they have.

    .venv/bin/python bench/estimate_list_gaps.py DIR [DIR ...] [--json]

``DIR`` is a borough built by ``bench/estimate_boroughs.py`` (``DIR/sim/truth``, ``DIR/b.db``
after ``simulate``, ``ingest``, ``link``). For each agency the truth's list is the victims
whose exploitation the agency recorded (truth ``events.csv``: ``cse_related`` and
``seen_by``); the platform's list is what the ``specific`` definitions give from the linked
records. For every victim on the truth's list but not on the platform's, the script reports
why: whether linkage split them (another listed person stands for the same victim), and
which records of that agency (event type, the child's role, the agency's CSE marker and the
attributes a definition can test) the victim has. Beside each record feature it counts the
children with that feature who are victims and who are not, so a candidate definition's
precision on the truth can be read off before it is written (docs/estimation.md, "List
definitions").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

FEATURE_ATTRIBUTES = ("service", "reason", "team", "worker_team", "source_code", "category")


def _env(folder: Path) -> None:
    os.environ["JOINEDUP_DATABASE_URL"] = f"sqlite:///{folder / 'b.db'}"
    os.environ["JOINEDUP_HOME"] = str(folder / "home")


def feature(event: Any, role: str) -> str:
    """A record feature a definition could test: agency, type, role, marker, attributes."""
    parts = [event.source.agency_kind, event.event_type, role, "cse" if event.cse_concern else "-"]
    for name in FEATURE_ATTRIBUTES:
        value = event.attributes.get(name)
        if value not in (None, "", [], ()):
            parts.append(f"{name}={value}")
    factors = event.attributes.get("factors") or ()
    if "11A" in factors:
        parts.append("factor=11A")
    others = sorted({p.role for p in event.participants if p.kind == "person"} - {role})
    if others:
        parts.append("with=" + "+".join(others))
    return " | ".join(parts)


def gaps(folder: Path) -> dict[str, Any]:
    """The decomposition of one borough's list gaps (see the module docstring)."""
    _env(folder)
    from joinedup.app.runtime import Runtime
    from joinedup.assemble.build import assemble
    from joinedup.assemble.hidden_truth import load_victim_truth, truth_persons
    from joinedup.assemble.lists import _children_in, list_members
    from joinedup.linkage.truth import true_person_of_records
    from joinedup.settings import SERVICE_ACCOUNT, from_environment

    truth_dir = folder / "sim" / "truth"
    rt = Runtime(from_environment())
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as session:
        assembly = assemble(session, decrypt_text=False)
        truth_of = true_person_of_records(session, truth_dir)
    truth = load_victim_truth(truth_dir)
    members = list_members(assembly, "specific")
    who = truth_persons(assembly, members, truth_of)
    listed: dict[str, set[str]] = defaultdict(set)  # agency -> truth victims on its list
    for m in members:
        for name in m.lists:
            if who[m.person_id][0]:
                listed[name].add(str(who[m.person_id][0]))
    # every child's record features, per truth person (majority vote of the person's records)
    features: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event in assembly.events:
        for person, role in _children_in(event, assembly.persons):
            votes = Counter(
                truth_of[r.record_id] for r in person.records if r.record_id in truth_of
            )
            if votes:
                true_id = votes.most_common(1)[0][0]
                features[event.source.agency_kind][true_id].add(feature(event, role))
    out: dict[str, Any] = {"borough": folder.name, "agencies": {}}
    for agency in sorted(listed):
        on_truth = truth.seen_by.get(agency, set())
        missed = on_truth - listed[agency]
        by_feature: Counter[str] = Counter()
        no_record = 0
        for victim in missed:
            found = features[agency].get(victim, set())
            if not found:
                no_record += 1
            by_feature.update(found)
        population: dict[str, Counter[str]] = defaultdict(Counter)
        for true_id, found in features[agency].items():
            kind = "victim" if true_id in truth.victims else "non_victim"
            for f in found:
                population[f][kind] += 1
        out["agencies"][agency] = {
            "truth_list": len(on_truth),
            "platform_list_victims": len(listed[agency] & on_truth),
            "platform_list_not_on_truth_list": len(listed[agency] - on_truth),
            "missed": len(missed),
            "missed_with_no_child_record_of_agency": no_record,
            "missed_by_feature": [
                {
                    "feature": f,
                    "missed_victims": n,
                    "victims_with_feature": population[f]["victim"],
                    "non_victims_with_feature": population[f]["non_victim"],
                }
                for f, n in by_feature.most_common(25)
            ],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", type=Path, nargs="+")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [gaps(folder) for folder in args.dirs]
    json.dump(rows, sys.stdout, indent=None if args.json else 2)
    print()


if __name__ == "__main__":
    main()
