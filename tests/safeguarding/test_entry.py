"""Language on entry: text a worker types is saved as written, warned about, and held as a
language flag with its author and place; clean text raises nothing; re-entry no duplicates."""

from __future__ import annotations

from datetime import date

from joinedup.model.safeguarding import Flag
from joinedup.safeguarding import assessments, entry, flags
from joinedup.safeguarding.flags import Raised, sync
from joinedup.safeguarding.notes import language_report
from joinedup.safeguarding.scoring import Decision
from joinedup.store.actor_session import ActorSession
from tests.conftest import Store
from tests.safeguarding.builder import Build

BLAMING = "Disclosed to the school nurse, but she is putting herself at risk."
CLEAN = "Amy disclosed to the school nurse that adults give her vodka; referral made."


def _setup(store: Store) -> Build:
    ids = {
        "social_care": store.agency("Dunmere social care", "social_care"),
        "police": store.agency("Dunmere police", "police"),
    }
    store.user("sw", "Dunmere social care", "social_worker")
    b = Build(agency_ids=ids)
    b.child("amy")
    b.event("concern", date(2010, 3, 1), agency="police", people={"amy": "victim"}, cse=True)
    return b


def _language(s: ActorSession) -> list[Flag]:
    return [f for f in flags.list_flags(s) if f.rule_id.startswith("language.")]


def test_an_override_reason_is_saved_warned_and_flagged(store: Store) -> None:
    b = _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        done = assessments.record(
            s,
            b.done(),
            "amy",
            {"disclosure": Decision(True, BLAMING)},
            assessed_on=date(2010, 6, 1),
        )
        held = _language(s)
        stored = assessments.history(s, "amy")
    # saved as written: the reason is in the answer's note, the override stands
    assert [a.version for a in stored] == [1] and done.overridden == ["disclosure"]
    note = next(a.note for a in stored[0].answers if a.indicator == "disclosure")
    assert note is not None and BLAMING in note
    # warned
    (found,) = done.language
    assert found.finding.entry_id == "putting-self-at-risk"
    assert found.where == entry.WHERE_OVERRIDE and found.field == "disclosure" and found.held
    assert (
        "putting herself at risk" in found.message() and found.finding.suggestion in found.message()
    )
    # held as a flag: author, place, subject; nothing of the text but the phrase
    (flag,) = held
    assert flag.rule_id == "language.putting-self-at-risk" and flag.status == "open"
    assert (flag.subject_type, flag.subject_id) == ("risk_assessment", done.assessment.id)
    assert flag.agency_id == store.agencies["Dunmere social care"]
    ev = flag.evidence
    assert ev["author"] == "sw"
    assert ev["where"] == "assessment override reason" and ev["field"] == "disclosure"
    assert ev["record_type"] == entry.ENTERED
    assert ev["phrase"] == "putting herself at risk" and ev["reason"] and ev["suggestion"]
    assert "school nurse" not in str(ev)


def test_clean_text_and_confirmations_raise_nothing(store: Store) -> None:
    b = _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        done = assessments.record(
            s, b.done(), "amy", {"disclosure": Decision(True, CLEAN)}, assessed_on=date(2010, 6, 1)
        )
        plain = assessments.record(s, b.done(), "amy", {}, assessed_on=date(2010, 6, 2))
        assert done.language == [] and plain.language == []
        assert _language(s) == []
        assert entry.check_entry(s, "  ", where="x", subject_type="flag", subject_id="f") == []


def test_a_confirmation_reason_is_checked_too(store: Store) -> None:
    b = _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        done = assessments.record(
            s,
            b.done(),
            "amy",
            {"disclosure": Decision(False, "no disclosure; she is promiscuous")},
            assessed_on=date(2010, 6, 1),
        )
    assert done.overridden == []
    assert [(f.where, f.field, f.finding.entry_id) for f in done.language] == [
        (entry.WHERE_CONFIRMATION, "disclosure", "promiscuous")
    ]


def test_re_entering_the_same_text_raises_no_new_flag(store: Store) -> None:
    _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        for _ in range(2):
            found = entry.check_entry(
                s,
                BLAMING,
                where=entry.WHERE_REVIEW["confirmed"],
                subject_type="match_review",
                subject_id="m1",
            )
            assert len(found) == 1  # warned each time
        other = entry.check_entry(
            s,
            BLAMING,
            where=entry.WHERE_REVIEW["confirmed"],
            subject_type="match_review",
            subject_id="m2",
        )
        assert len(other) == 1
        held = _language(s)
    assert sorted(f.subject_id for f in held) == ["m1", "m2"]


def test_acting_on_a_flag_checks_the_note_and_the_reason(store: Store) -> None:
    _setup(store)
    social = store.agencies["Dunmere social care"]
    with store.door.session("joinedup-service", "analysis") as s:
        sync(s, [Raised("r1", "child", "amy", ("amy",), social, {"summary": "s", "records": []})])
    with store.door.session("sw", "safeguarding") as s:
        (target,) = flags.list_flags(s, rule_id="r1")
        ack = flags.move(s, target.id, "acknowledged", "allocated; she is promiscuous")
        done = flags.move(s, target.id, "resolved", BLAMING)
        held = _language(s)
    assert ack.saved.status == "acknowledged" and done.saved.status == "resolved"
    assert done.saved.resolution == BLAMING  # kept as written
    assert [f.where for f in ack.language] == [entry.WHERE_ACKNOWLEDGEMENT]
    assert [f.where for f in done.language] == [entry.WHERE_RESOLUTION]
    assert {(f.subject_type, f.subject_id) for f in held} == {("flag", target.id)}
    assert {f.evidence["where"] for f in held} == {
        "flag acknowledgement note",
        "flag resolution reason",
    }


def test_the_report_lists_the_author_of_typed_text(store: Store) -> None:
    b = _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        assessments.record(
            s,
            b.done(),
            "amy",
            {"disclosure": Decision(True, BLAMING + " She is promiscuous.")},
            assessed_on=date(2010, 6, 1),
        )
        entry.check_entry(
            s,
            "She is promiscuous.",
            where=entry.WHERE_RESOLUTION,
            subject_type="flag",
            subject_id="f1",
        )
        summary = language_report(s).to_dict()
    rows = {(r["agency"], r["author"]): r for r in summary["by_author"]}
    # two typed texts (the override reason, the resolution reason), three phrases
    assert rows[("Dunmere social care", "sw")] == {
        "agency": "Dunmere social care",
        "author": "sw",
        "notes": 2,
        "flagged_notes": 2,
        "findings": 3,
    }
    assert summary["by_entry"] == {"promiscuous": 2, "putting-self-at-risk": 1}


def test_the_owner_is_the_authors_agency_unless_the_service_account_names_one(
    store: Store,
) -> None:
    _setup(store)
    police = store.agencies["Dunmere police"]
    social = store.agencies["Dunmere social care"]
    with store.door.session("sw", "safeguarding") as s:
        # a worker cannot hold a flag for another agency: it goes to their own
        entry.check_entry(
            s, BLAMING, where="x", subject_type="quarantine", subject_id="q1", agency_id=police
        )
    with store.door.session("joinedup-service", "data_ingest") as s:
        entry.check_entry(
            s,
            BLAMING,
            where=entry.WHERE_QUARANTINE_DISMISS,
            subject_type="quarantine",
            subject_id="q2",
            agency_id=police,
        )
        by_subject = {f.subject_id: f for f in _language(s)}
    assert by_subject["q1"].agency_id == social
    assert by_subject["q2"].agency_id == police
    assert by_subject["q2"].evidence["author"] == "joinedup-service"


def test_a_role_that_may_not_hold_flags_is_warned_not_refused(store: Store) -> None:
    _setup(store)
    store.user("dpo", "Dunmere social care", "auditor")
    with store.door.session("dpo", "audit") as s:
        found = entry.check_entry(s, BLAMING, where="x", subject_type="flag", subject_id="f1")
    assert [f.held for f in found] == [False]
    assert entry.warning_lines(found)[0].startswith("Saved as written.")
    with store.door.session("joinedup-service", "analysis") as s:
        assert _language(s) == []


def test_the_childs_age_sharpens_the_wording(store: Store) -> None:
    _setup(store)
    with store.door.session("sw", "safeguarding") as s:
        young = entry.check_entry(
            s,
            "She is sexually active.",
            where="x",
            subject_type="flag",
            subject_id="a",
            child_age=12,
        )
        older = entry.check_entry(
            s,
            "She is sexually active.",
            where="x",
            subject_type="flag",
            subject_id="b",
            child_age=15,
        )
    assert young and older and young[0].finding.reason != older[0].finding.reason
