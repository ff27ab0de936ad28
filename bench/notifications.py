"""Cost of the notifications on every page: the header's count and the notifications page.

    python bench/notifications.py [--url postgresql://...] [--flags 20000] [--repeat 40]

Builds a store of its own (SQLite in a temporary folder unless ``--url``): six agencies,
``--flags`` open and closed flags spread over them, a quarter as many intelligence routes
(half unacknowledged, some escalated) and a tenth as many panel actions, a social worker who
sits on the panel and owns some of them. Then, as that social worker, times
``app.notifications.unread_count`` (what ``GET /notifications/count`` computes on every page
and every 60 s poll) and ``my_notifications`` (the page), and reports p50 and p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from joinedup.access import directory
from joinedup.access.bootstrap import initialise
from joinedup.app.context import Caller, using
from joinedup.app.notifications import my_notifications, unread_count
from joinedup.app.runtime import Runtime
from joinedup.model.panel import Action
from joinedup.model.safeguarding import Flag, IntelligenceRoute
from joinedup.settings import Settings

AGENCIES = {
    "Police": "police",
    "Social care": "social_care",
    "Health": "health",
    "Education": "education",
    "Licensing": "licensing",
    "Probation": "probation",
}


def _seed(rt: Runtime, flags: int) -> None:
    initialise(rt.engine, rt.audit_key, rt.settings.home / "checkpoints", admin=("admin", None))
    with rt.door.session("admin", "administration") as s:
        ids = {n: directory.add_agency(s, n, k).id for n, k in AGENCIES.items()}
        directory.add_user(s, "sw", "Social care", "social_worker")
        panel = directory.add_panel(s, "MACE", "Social care")
        directory.add_panel_member(s, "MACE", "sw")
        sw = directory.user_by_name(s, "sw")
    rng = random.Random(0)
    agency_ids = list(ids.values())
    now = datetime.now(UTC)
    with rt.door.session("joinedup-service", "safeguarding") as s:
        s.add_all(
            [
                Flag(
                    agency_id=(a := rng.choice(agency_ids)),
                    owner_agency_id=a,
                    rule_id="missing_no_return_interview",
                    subject_type="child",
                    subject_id=f"person-{i}",
                    evidence={"summary": "bench", "severity": "high"},
                    status=rng.choice(["open", "acknowledged", "resolved", "resolved"]),
                )
                for i in range(flags)
            ]
        )
        s.add_all(
            [
                IntelligenceRoute(
                    agency_id=(a := rng.choice(agency_ids)),
                    submission_id=f"sub-{i}",
                    from_agency_id=ids["Health"],
                    submitted_by=sw.id,
                    summary="bench",
                    reason="bench",
                    acknowledge_by=now - timedelta(hours=rng.randint(-48, 48)),
                    acknowledged_at=None if i % 2 else now,
                    escalation_level=rng.choice([0, 0, 1, 2]) if i % 2 else 0,
                )
                for i in range(flags // 4)
            ]
        )
    with rt.door.session("joinedup-service", "panel") as s:
        s.add_all(
            [
                Action(
                    agency_id=ids["Social care"],
                    panel_id=panel.id,
                    description="bench",
                    owner_user_id=sw.id if i % 5 == 0 else None,
                    due_on=date.today() + timedelta(days=rng.randint(-30, 30)),
                    status=rng.choice(["open", "overdue", "done"]),
                )
                for i in range(flags // 10)
            ]
        )


def _time(call: object, repeat: int) -> tuple[float, float]:
    took = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        took.append((time.perf_counter() - start) * 1000)
    took.sort()
    return statistics.median(took), took[int(0.95 * (len(took) - 1))]


def main() -> None:
    """Seed, then time the count and the list."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--flags", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="profile one count")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        rt = Runtime(Settings(url, Path(tmp) / "home", None, "dev"), create_keys=True)
        started = time.perf_counter()
        _seed(rt, args.flags)
        took = time.perf_counter() - started
        print(f"seeded {args.flags:,} flags in {took:.1f} s ({url.split(':')[0]})")
        who = Caller("sw", "safeguarding")
        with using(rt):
            print(f"notifications of the social worker: {len(my_notifications(who))}")
            for name, call in (
                ("unread_count (header)", lambda: unread_count(who)),
                ("my_notifications (page)", lambda: my_notifications(who)),
            ):
                p50, p95 = _time(call, args.repeat)
                print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            if args.profile:
                import cProfile

                cProfile.runctx("unread_count(who)", globals(), locals(), sort="cumtime")


if __name__ == "__main__":
    main()
