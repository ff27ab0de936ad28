"""Framing (issue 21): the checker catches blame said in everyday words, not only listed
phrases; adults' acts, corrections and quotations are not flagged.

The framing corpus has a development part (developed on; misses are printed) and a blind part
(never developed on: only its aggregate figures are reported, never a sentence).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.safeguarding.language import check

from .helpers import FRAMING_BLIND, FRAMING_DEV, Sentence, framing

THRESHOLD = 0.95
DEV = framing(FRAMING_DEV)
BLIND = framing(FRAMING_BLIND)
ISSUE_CATEGORIES = {
    "consent",
    "complicity",
    "transaction",
    "participation",
    "sexualising",
    "behaviour",
    "relationship",
}


def ids(text: str, **kwargs: int) -> list[str]:
    return [f.entry_id for f in check(text, **kwargs)]  # type: ignore[arg-type]


def _rates(rows: list[Sentence]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong: list[str] = []
    for row in rows:
        found = ids(row.text)
        tp += row.flag and bool(found)
        fp += bool(found) and not row.flag
        fn += row.flag and not found
        if row.flag != bool(found):
            wrong.append(f"{'missed' if row.flag else 'false flag'} [{row.category}]: {row.text}")
    return tp / (tp + fp), tp / (tp + fn), wrong


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_large_paired_split_and_varied() -> None:
    rows = DEV + BLIND
    assert len(rows) >= 600
    assert len(BLIND) >= len(rows) / 3
    assert not {r.pair for r in DEV} & {r.pair for r in BLIND}, "a pair is split across parts"
    assert not {r.text for r in DEV} & {r.text for r in BLIND}
    assert len({r.text for r in rows}) == len(rows)
    per_pair: dict[str, Counter[bool]] = defaultdict(Counter)
    for row in rows:
        per_pair[row.pair][row.flag] += 1
    for pair, counts in per_pair.items():
        assert counts[True] == 1 and counts[False] >= 1, pair  # each blaming one has a look-alike
    for part in (DEV, BLIND):
        assert {r.category for r in part} >= ISSUE_CATEGORIES
    kinds = Counter(r.kind for r in rows)
    for kind in ("lookalike", "agent", "quoted", "negated", "corrected", "negated-label"):
        assert kinds[kind] >= 2, kind
    assert len({r.register for r in rows}) >= 5


def test_development_part() -> None:
    precision, recall, wrong = _rates(DEV)
    report = f"dev: precision {precision:.3f} recall {recall:.3f}\n" + "\n".join(wrong)
    print(report)
    assert precision >= THRESHOLD and recall >= THRESHOLD, report


def test_blind_part_aggregate_only() -> None:
    precision, recall, _ = _rates(BLIND)  # never print or assert on a blind sentence
    report = f"blind: precision {precision:.3f} recall {recall:.3f} ({len(BLIND)} sentences)"
    print(report)
    assert precision >= THRESHOLD and recall >= THRESHOLD, report


# --- the issue's examples (each missed or falsely flagged by the lexicon before) -----------


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("Amy agreed to it.", "agreed-to-it"),
        ("She was up for it.", "willing-to"),
        ("Jade was fine with it.", "willing-to"),
        ("She was not forced.", "not-forced"),
        ("YP was happy to go with the men.", "willing-to"),
        ("He went along with it.", "agreed-to-it"),
        ("She is complicit in her own abuse.", "complicit"),
        ("She brings it on herself.", "to-blame"),
        ("She provides sexual favours to the men.", "sexual-favours"),
        ("She has sex with them in exchange for cannabis.", "sex-in-exchange"),
        ("She sleeps with him in return for a place to stay.", "sex-in-exchange"),
        ("She is an active participant.", "active-participant"),
        ("She invited the men back.", "child-instigates"),
        ("She is sexually experienced for her age.", "sexually-experienced"),
        ("Her behaviour is putting her in harm's way.", "behaviour-puts-at-risk"),
        ("She says she loves him, so no further action.", "relationship-no-action"),
    ],
)
def test_issue_framings_are_flagged(text: str, entry: str) -> None:
    assert entry in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "There is no such thing as a child prostitute.",
        "Kyle was exposed to sexualised behaviour by adults.",
        "She chose to attend the drop-in.",
    ],
)
def test_issue_false_alarms_are_not_flagged(text: str) -> None:
    assert check(text) == []


def test_every_flag_names_phrase_reason_and_suggestion() -> None:
    for row in DEV:
        for finding in check(row.text):
            assert finding.phrase == row.text[finding.start : finding.end]
            assert finding.reason.endswith(".") and finding.suggestion and finding.entry_id
            assert set(finding.to_dict()) >= {"phrase", "reason", "suggestion", "entry_id"}


# --- who acts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blaming", "fine"),
    [
        ("Amy invited the men back to the flat.", "The men invited Amy back to the flat."),
        ("She pursues older men.", "Older men pursue her."),
        ("Her behaviour is putting her at risk.", "The men's behaviour is putting her at risk."),
        ("Jade's choices put her at risk.", "The adults' choices put her at risk."),
        ("She performed sex acts on the men.", "The men made her perform sex acts on them."),
        ("She sent nude images to an adult.", "An adult pressured her into sending nude images."),
        ("She got into the car with the older men.", "She was made to get into the car with them."),
        ("She organises the parties.", "The adults organise the parties."),
        ("Ruby flirts with the drivers.", "The drivers flirt with Ruby."),
        ("He is at fault for going there.", "The adults who run the house are at fault."),
        ("She is uncooperative.", "Her mother is uncooperative."),
    ],
)
def test_the_adult_as_agent_is_not_flagged(blaming: str, fine: str) -> None:
    assert check(blaming), blaming
    assert check(fine) == [], fine


def test_a_reporter_is_not_taken_for_the_subject() -> None:
    assert "not-credible" in ids("Staff think she has lied before.")
    assert "willing-to" in ids("Officers believe she was happy to go with the men.")


# --- negation, correction, reframing --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She is not to blame.",
        "It is not her fault.",
        "It was never her fault.",
        "Leah is not responsible for the situation she is in.",
        "He is not complicit.",
    ],
)
def test_negating_blame_rejects_it(text: str) -> None:
    assert check(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "A child of 12 cannot consent to sexual activity.",
        "It cannot be called consensual: she is 14.",
        "She is not a sex worker; she is a child being exploited.",
        "The law no longer refers to child prostitution.",
        "She is a victim of exploitation rather than a prostitute.",
        "Officers were reminded that a child cannot be a prostitute.",
    ],
)
def test_corrections_are_not_flagged(text: str) -> None:
    assert check(text) == []


def test_a_negated_label_is_still_flagged_with_the_note() -> None:
    (finding,) = check("She is not promiscuous.")
    assert finding.negated and finding.entry_id == "promiscuous"


def test_the_writer_reframing_the_childs_view_is_not_flagged() -> None:
    assert check("She says she is happy with him, which may indicate grooming.") == []
    assert ids("She says she is happy with him.") == ["willing-to"]


def test_quoted_framing_is_not_flagged() -> None:
    assert check('She said "I was up for it" and "it was my idea".') == []


def test_age_dependent_wording_still_applies_beside_framing() -> None:
    findings = check("Amy is sexually active and was happy to go with the men.", child_age=12)
    assert [f.entry_id for f in findings] == ["sexually-active", "willing-to"]
    assert findings[0].reason.startswith("The child is under 13")


# --- properties -----------------------------------------------------------------------------

FLAGGED = [r.text for r in DEV if r.flag]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([r.text for r in DEV]), st.randoms(use_true_random=False))
def test_case_does_not_matter_for_framing(text: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
    assert [(f.entry_id, f.start) for f in check(mixed)] == [
        (f.entry_id, f.start) for f in check(text)
    ]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FLAGGED), st.sampled_from(['"{}"', "“{}”", "‘{}’"]))
def test_a_quoted_blaming_sentence_is_never_flagged(text: str, marks: str) -> None:
    assert check("She said " + marks.format(text.rstrip(".")) + ".") == []


def test_an_adults_possessive_is_found_in_any_case() -> None:
    # found by the case property above: "Men'S" was not read as a possessive
    assert check("thE Men'S behAViOUR is puTtING hEr In hARm's wAY.") == []
    assert check("THE MEN'S BEHAVIOUR IS PUTTING HER IN HARM'S WAY.") == []
