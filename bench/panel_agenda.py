"""A panel agenda generated on an assessed borough, measured against the simulator's truth.

    JOINEDUP_DATABASE_URL=... JOINEDUP_HOME=... \
        python bench/panel_agenda.py --truth DIR/truth [--on 2013-02-18] [--json]

Needs a store on which ``joinedup ingest``, ``link`` and ``assess`` have run (for example the
default borough: ``joinedup simulate --out DIR --scale 1 --seed 0``, then those three). Adds a
panel with a chair (once), schedules a meeting, generates its agenda as the service account
(as ``joinedup panel agenda --generate``) and reports the time, peak memory, items per section
and how many listed children are victims in the truth and how many listed adults are members
of an offender group.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.access import directory
from joinedup.app.runtime import Runtime
from joinedup.linkage.sources import record_keys
from joinedup.model.organisation import Agency
from joinedup.model.panel import AgendaItem, Panel, PanelMeeting
from joinedup.model.safeguarding import Flag
from joinedup.panel.agenda import generate_agenda
from joinedup.panel.meetings import agenda, schedule
from joinedup.safeguarding.evaluate import FlagFacts, load_truth, truth_person
from joinedup.settings import SERVICE_ACCOUNT, from_environment
from joinedup.store.actor_session import NotFound

PANEL, CHAIR, ADMIN = "Bench MASE", "bench-chair", "bench-admin"


def _setup(rt: Runtime, on: date) -> str:
    """A panel, its chair and a meeting on ``on`` (re-used when present)."""
    from joinedup.access.bootstrap import initialise

    initialise(rt.engine, rt.audit_key, rt.settings.home / "checkpoints", admin=(ADMIN, None))
    with rt.door.session(ADMIN, "administration") as s:
        police = next(a for a in s.list(Agency) if a.kind == "police")
        try:
            directory.user_by_name(s, CHAIR)
        except NotFound:
            directory.add_user(s, CHAIR, police.name, "panel_chair")
        if not s.list(Panel, where={"name": PANEL}):
            directory.add_panel(s, PANEL, police.name)
            directory.add_panel_member(s, PANEL, CHAIR)
    with rt.door.session(CHAIR, "panel") as s:
        panel = next(p for p in s.my_panels() if p.name == PANEL)
        held = s.list(PanelMeeting, where={"panel_id": panel.id, "held_on": on})
        return held[0].id if held else schedule(s, PANEL, on).id


def _accuracy(rt: Runtime, items: list[AgendaItem], truth_dir: Path) -> dict[str, Any]:
    truth = load_truth(truth_dir)
    with rt.door.session(SERVICE_ACCOUNT, "analysis") as s:
        keys = record_keys(s)
        subjects = {(f.subject_type, f.subject_id): f for f in s.list(Flag)}
    children = victims = adults = offenders = vehicles = group_vehicles = 0
    for item in items:
        if item.subject_type == "vehicle":
            vehicles += 1
            vrm = (item.subject_id or "").removeprefix("vehicle:")
            group_vehicles += vrm in truth.group_vehicles
            continue
        flag = subjects.get((item.subject_type or "", item.subject_id or ""))
        if flag is None:
            continue
        facts = FlagFacts(
            flag.rule_id,
            flag.subject_type,
            flag.subject_id,
            flag.status,
            tuple(flag.evidence.get("subject_records", ())),
        )
        who = truth_person(facts, keys, truth)
        if item.subject_type == "child":
            children += 1
            victims += who in truth.victims
        elif item.subject_type == "person":
            adults += 1
            offenders += who in truth.offenders
    return {
        "children_listed": children,
        "children_who_are_victims": victims,
        "adults_listed": adults,
        "adults_in_offender_groups": offenders,
        "vehicles_listed": vehicles,
        "vehicles_of_offender_groups": group_vehicles,
    }


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2013, 2, 18))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rt = Runtime(from_environment())
    meeting_id = _setup(rt, args.on)
    started = time.perf_counter()
    with rt.door.session(SERVICE_ACCOUNT, "panel") as s:
        report = generate_agenda(s, meeting_id)
    seconds = time.perf_counter() - started
    with rt.door.session(CHAIR, "panel") as s:
        items = agenda(s, meeting_id)
    out = {
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 2),
        "report": report.to_dict(),
        "accuracy": _accuracy(
            rt, [i for i in items if not i.briefing.get("withdrawn")], args.truth
        ),
    }
    print(json.dumps(out, indent=2) if args.json else out)


if __name__ == "__main__":
    main()
