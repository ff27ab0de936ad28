"""The analyst's match review in the browser: the queue, a pair side by side with its
evidence, a decision with a reason that also settles the implied pair."""

from __future__ import annotations

import re

from sqlalchemy import select

from joinedup.model.linkage import MatchReview, PersonLink
from joinedup.model.records import SourceRecord
from joinedup.store.tables.records import SourceRecordRow
from tests.web.conftest import Web

EVIDENCE = {
    "match_weight": 1.2,
    "match_probability": 0.697,
    "pairwise_weight": 1.2,
    "prior_weight": -9.0,
    "adjustments": 0.4,
    "comparisons": [
        {"field": "forename", "level": "Exact match", "outcome": "agreed", "weight": 4.1},
        {"field": "surname", "level": "Exact match", "outcome": "agreed", "weight": 6.3},
        {
            "field": "date_of_birth",
            "level": "One other typo",
            "outcome": "partly agreed",
            "weight": 0.4,
        },
        {"field": "postcode", "level": "postcode is NULL", "outcome": "missing", "weight": 0.0},
    ],
    "collective": {
        "weighed": True,
        "score": 7.1,
        "level": 2,
        "weight": 3.3,
        "shared": [{"kind": "nb", "count": 1, "held_by": 2, "weight": 7.1}],
    },
}


def _queue(web: Web) -> tuple[str, str]:
    """A second Aisha Khan at the police (another person), held for review against both of
    Aisha's police records: two items between the same two persons."""
    police = web.store.agencies["Police"]
    with web.store.engine.connect() as conn:
        keys = dict(conn.execute(select(SourceRecordRow.agency_key, SourceRecordRow.id)).all())
    with web.store.door.session("joinedup-service", "linkage") as s:
        other = s.add(
            SourceRecord(
                agency_id=police,
                record_type="person",
                agency_key="N0099",
                payload={},
                normalised={"forename": "Aisha", "surname": "Khan", "date_of_birth": "2010-03-05"},
            )
        )
        s.add(PersonLink(agency_id=police, record_id=other.id, person_id="person-x", run_id="r"))
        ids = []
        for key, probability, evidence in (("N0001", 0.697, EVIDENCE), ("M0007", 0.8, None)):
            a, b = sorted((other.id, keys[key]))
            ids.append(
                s.add(
                    MatchReview(
                        agency_id=police,
                        record_a=a,
                        record_b=b,
                        match_probability=probability,
                        match_weight=1.2,
                        run_id="r",
                        evidence=evidence,
                    )
                ).id
            )
    return ids[0], ids[1]


def test_the_queue_lists_pairs_by_name_most_valuable_first_with_the_open_count(web: Web) -> None:
    first, second = _queue(web)
    web.sign_in("an.one")
    page = web.client.get("/review")
    assert page.status_code == 200
    assert "2 pairs of records are waiting" in page.text
    assert page.text.index(f"/review/{first}") < page.text.index(f"/review/{second}")
    assert "Aisha Khan, born 2010-03-05" in page.text and "settles 1 other pair" in page.text
    assert web.client.get("/review?status=confirmed").text.count("/review/") == 0


def test_a_pair_shows_both_records_and_the_evidence_in_plain_words(web: Web) -> None:
    first, _ = _queue(web)
    web.sign_in("an.one")
    page = web.client.get(f"/review/{first}")
    assert page.status_code == 200
    text = page.text
    for shown in ("2010-03-04", "2010-03-05", "N0099", "N0001", "Police"):
        assert shown in text
    assert "Date of birth" in text and "Partly agreed" in text and "Missing" in text
    assert "+6.3" in text and "+1.2" in text  # a field's weight, the match weight
    assert (
        "a person both appear with (in an event, as an associate, by a link), held by 2 persons"
        in text
    )
    assert "It also settles 1 other pair" in text
    assert 'name="csrf_token"' in text


def test_a_decision_needs_a_reason_and_settles_the_implied_pair(web: Web) -> None:
    first, second = _queue(web)
    web.sign_in("an.one")
    token = web.csrf(f"/review/{first}")
    refused = web.client.post(
        f"/review/{first}", data={"verdict": "reject", "reason": " ", "csrf_token": token}
    )
    assert refused.status_code == 200 and "Say why you decided so" in refused.text
    done = web.client.post(
        f"/review/{first}",
        data={"verdict": "reject", "reason": "different dates of birth", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "saved=rejected" in done.headers["location"]
    shown = web.client.get(done.headers["location"]).text
    assert "Rejected: the two records are two people" in shown
    with web.store.door.session("joinedup-service", "linkage") as s:
        decided = {m.id: m for m in s.list(MatchReview)}
    assert (
        decided[first].status == "rejected" and decided[first].reason == "different dates of birth"
    )
    assert decided[second].status == "rejected"
    assert "settled by the decision" in (decided[second].reason or "")
    assert "0 pairs of records are waiting" in web.client.get("/review").text


def test_an_item_queued_before_evidence_was_kept_says_so(web: Web) -> None:
    _, second = _queue(web)
    web.sign_in("an.one")
    page = web.client.get(f"/review/{second}")
    assert "The evidence was not recorded for this pair" in page.text


def test_only_those_who_decide_matches_see_the_queue(web: Web) -> None:
    first, _ = _queue(web)
    web.sign_in("sw.one")
    assert web.client.get("/review").status_code == 404
    page = web.client.get(f"/review/{first}")
    assert page.status_code == 404 and not re.search("Khan", page.text)
