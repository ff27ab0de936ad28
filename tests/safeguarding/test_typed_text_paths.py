"""Every write path of text a person types passes the door's one entry point.

Each public function that writes a column a kind declares as typed text (``Kind.typed_text``)
is run here with a text of its own while a spy wraps the installed check: the test fails if
a function saves without the check seeing its text, and if a kind declares a typed column no
function here writes (a new column needs its write path added, and checked). A function not
listed that forgets the check is refused by the door when a person's session commits
(tests/store/test_hooks.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from joinedup.ingest import quarantine
from joinedup.ingest.batch import ingest_file
from joinedup.linkage import review
from joinedup.model.base import utcnow
from joinedup.model.linkage import MatchReview
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.model.safeguarding import Flag
from joinedup.panel import actions, intelligence, meetings
from joinedup.panel.routing import route
from joinedup.safeguarding import flags
from joinedup.safeguarding.entry import check_entry
from joinedup.settings import SERVICE_ACCOUNT
from joinedup.store.kinds import KINDS_BY_NAME
from tests.conftest import Store
from tests.ingest.test_broken_files import HEADER, LAYOUT
from tests.panel.test_actions import add, make_panel
from tests.panel.world import build

Seen = list[tuple[str, str]]  # (subject type, text) the check saw
Path_ = Callable[[Store, Path, str], None]


def _flag(store: Store) -> str:
    police = store.agency("Dunmere police", "police")
    store.user("sw", "Dunmere police", "social_worker")
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        flag = s.add(Flag(agency_id=police, rule_id="r", subject_type="person", subject_id="c"))
    return flag.id


def _acknowledge_flag(store: Store, _: Path, text: str) -> None:
    flag_id = _flag(store)
    with store.door.session("sw", "safeguarding") as s:
        flags.acknowledge(s, flag_id, text)


def _resolve_flag(store: Store, _: Path, text: str) -> None:
    flag_id = _flag(store)
    with store.door.session("sw", "safeguarding") as s:
        flags.acknowledge(s, flag_id, "Looking into it.")
    with store.door.session("sw", "safeguarding") as s:
        flags.resolve(s, flag_id, text)


def _add_action(store: Store, _: Path, text: str) -> None:
    add(store, make_panel(store), text=text)


def _complete_action(store: Store, _: Path, text: str) -> None:
    action = add(store, make_panel(store))
    with store.door.session("sw", "panel") as s:
        actions.complete(s, action.id, text)


def _reassign_action(store: Store, _: Path, text: str) -> None:
    p = make_panel(store)
    action = add(store, p)
    with store.door.session("chair", "panel") as s:
        actions.reassign(s, action.id, "sw2", date.today() + timedelta(days=7), text)


def _add_item(store: Store, _: Path, text: str) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        meetings.add_item(s, w.meeting_id, text)


def _decide(store: Store, _: Path, text: str) -> None:
    w = build(store)
    with store.door.session("chair", "panel") as s:
        meetings.open_meeting(s, w.meeting_id)
        meetings.decide(s, w.meeting_id, text)


def _referrer(store: Store) -> None:
    store.agency("Dunmere police", "police")
    store.agency("Dunmere social care", "social_care")
    store.agency("Dunmere school", "education")
    store.user("teacher", "Dunmere school", "referrer")
    store.user("officer", "Dunmere police", "social_worker")


def _submit(store: Store, _: Path, text: str) -> None:
    _referrer(store)
    with store.door.session("teacher", "safeguarding") as s:
        intelligence.submit(s, text)


def _acknowledge_route(store: Store, _: Path, text: str) -> None:
    _referrer(store)
    with store.door.session("teacher", "safeguarding") as s:
        submitted = intelligence.submit(s, "A silver car outside the school.").saved
    with store.door.session(SERVICE_ACCOUNT, "safeguarding") as s:
        routes = route(s, submitted.id)
    police = store.agencies["Dunmere police"]
    (held,) = [r for r in routes if r.agency_id == police]
    with store.door.session("officer", "safeguarding") as s:
        intelligence.acknowledge(s, held.id, text)


def _review(store: Store, _: Path, text: str) -> None:
    police = store.agency("Dunmere police", "police")
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        a, b = (
            SourceRecord(agency_id=police, record_type="person", agency_key=k, payload={})
            for k in ("P1", "P2")
        )
        s.add_all([a, b])
        item = s.add(
            MatchReview(
                agency_id=police, record_a=a.id, record_b=b.id, match_probability=0.5, run_id="r"
            )
        )
    with store.door.session(SERVICE_ACCOUNT, "linkage") as s:
        review.decide(s, item.id, "confirmed", text)


def _quarantined(store: Store, tmp: Path) -> QuarantinedRow:
    store.agency("Police")
    path = tmp / "people.csv"
    path.write_text(HEADER + "R1,,Lowe,03/04/2005,,\r\n", encoding="utf-8")
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        ingest_file(s, path, "Police", LAYOUT)
        (row,) = s.list(QuarantinedRow)
    return row


def _resubmit(store: Store, tmp: Path, text: str) -> None:
    row = _quarantined(store, tmp)
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        done = quarantine.resubmit(s, row.id, {"forename": "Amber"}, text)
    assert not isinstance(done, quarantine.Problem)


def _dismiss(store: Store, tmp: Path, text: str) -> None:
    row = _quarantined(store, tmp)
    with store.door.session(SERVICE_ACCOUNT, "data_ingest") as s:
        quarantine.dismiss(s, row.id, text)


# each write path: the (kind, typed column) it writes and how to run it with a text
WRITE_PATHS: dict[str, tuple[tuple[str, str], Path_]] = {
    "flags.acknowledge": (("flag", "evidence.history[].note"), _acknowledge_flag),
    "flags.resolve": (("flag", "resolution"), _resolve_flag),
    "actions.add_action": (("action", "description"), _add_action),
    "actions.complete": (("action", "completion_note"), _complete_action),
    "actions.reassign": (("action", "description"), _reassign_action),
    "meetings.add_item": (("agenda_item", "title"), _add_item),
    "meetings.decide": (("decision", "text"), _decide),
    "intelligence.submit": (("intelligence_submission", "summary"), _submit),
    "intelligence.acknowledge": (("intelligence_route", "note"), _acknowledge_route),
    "review.decide": (("match_review", "reason"), _review),
    "quarantine.resubmit": (("quarantine", "resolution_note"), _resubmit),
    "quarantine.dismiss": (("quarantine", "resolution_note"), _dismiss),
}


def test_every_declared_typed_column_has_a_write_path_here() -> None:
    declared = {(k.name, path) for k in KINDS_BY_NAME.values() for path in k.typed_text}
    assert declared == {written for written, _ in WRITE_PATHS.values()}


@pytest.mark.parametrize("name", sorted(WRITE_PATHS))
def test_each_write_path_passes_its_text_through_the_check(
    name: str, store: Store, tmp_path: Path
) -> None:
    seen: Seen = []

    def spy(session: Any, text: str | None, **kw: Any) -> Any:
        seen.append((kw["subject_type"], text or ""))
        return check_entry(session, text, **kw)

    store.door.hooks = dataclasses.replace(store.door.hooks, check_text=spy)
    (kind, _), run = WRITE_PATHS[name]
    text = f"Typed for {name} at {utcnow().isoformat()}"
    run(store, tmp_path, text)
    assert (kind, text) in seen, seen
