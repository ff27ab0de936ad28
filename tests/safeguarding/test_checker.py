"""The checker's behaviour: entry families, inflection, pronouns, negation, quotes, look-alikes,
age, offsets and the summary by agency and author."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.safeguarding.language import Finding, check, check_many, summarise
from joinedup.safeguarding.language.checker import NEGATION_NOTE
from joinedup.safeguarding.language.matcher import quoted_spans

from .helpers import corpus


def ids(text: str, **kwargs: int) -> list[str]:
    return [f.entry_id for f in check(text, **kwargs)]  # type: ignore[arg-type]


# --- entry families: inflection, pronouns, intervening words --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She put herself at risk.",
        "She puts herself at risk.",
        "She is putting herself at risk.",
        "She placed herself at risk.",
        "He is placing himself at risk.",
        "They are putting themselves at risk.",
        "Sam is putting themself at risk.",
        "She is putting herself at significant risk.",
        "She is putting herself at very serious risk of harm.",
        "She puts herself in dangerous situations.",
        "She is putting herself, again, at risk.",
    ],
)
def test_putting_self_at_risk_inflections_and_pronouns(text: str) -> None:
    assert ids(text) == ["putting-self-at-risk"]


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("She consents.", "consenting"),
        ("She consented.", "consenting"),
        ("She was consenting.", "consenting"),
        ("It was consensual.", "consenting"),
        ("She gave consent to sex.", "consenting"),
        ("She is involved in CSE.", "involved-in-exploitation"),
        ("She is engaging in CSE.", "involved-in-exploitation"),
        ("She engages in child sexual exploitation.", "involved-in-exploitation"),
        ("He is involved in county lines.", "involved-in-exploitation"),
        ("She is a child prostitute.", "child-prostitute"),
        ("She is prostituting herself.", "prostituting-self"),
        ("She is in prostitution.", "prostitution"),
        ("She is swapping sex for vodka.", "trading-sex"),
        ("She has been contacting adults.", "contacting-adults"),
        ("She contacted older men.", "contacting-adults"),
        ("Risky behaviours continue.", "risky-behaviour"),
        ("She is promiscuous.", "promiscuous"),
        ("Sexualised behaviour noted.", "sexualised"),
        ("Her lifestyle choices are a concern.", "lifestyle-choice"),
        ("She is in a relationship with Dan (32).", "relationship-with-adult"),
        ("Her boyfriend (32) drove.", "boyfriend-adult"),
        ("She went willingly.", "willingly"),
        ("She is choosing to stay out.", "choosing-to"),
        ("She makes bad choices.", "making-bad-choices"),
        ("She knew what she was doing.", "knew-what-doing"),
        ("She is streetwise.", "streetwise"),
        ("She is out of control.", "out-of-control"),
        ("She is attention-seeking.", "attention-seeking"),
        ("She is a liar.", "disbelief"),
        ("She is refusing to engage.", "not-engaging"),
        ("She absconded.", "absconding"),
        ("He is a drug runner.", "drug-running"),
        ("She is a sugar daddy's girl.", "sugar-daddy"),
        ("He is a rent boy.", "rent-boy"),
        ("She is associating with older males.", "associating-with"),
    ],
)
def test_each_family_is_flagged(text: str, entry: str) -> None:
    assert entry in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "CSE risk assessment completed.",
        "She is at risk of exploitation.",
        "Lifestyle survey returned.",
        "Her relationship with her foster carer is good.",
        "Her relationship with her mother is strained.",
        "Consent form signed.",
        "She gave consent to share information.",
        "Mother consented to the referral.",
        "The adult was arrested for prostitution offences.",
        "Adults have been contacting her.",
        "She is in a relationship with a boy her own age.",
        "She chose to disclose to her teacher.",
        "Factors beyond her control.",
        "Adults sent her sexualised images.",
        "Professionals involved in CSE work met today.",
        "Mother refused to engage.",
        "She returned of her own accord.",
        "She has a boyfriend in her class.",
    ],
)
def test_fine_lookalikes_are_not_flagged(text: str) -> None:
    assert check(text) == []


# --- negation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She is not promiscuous.",
        "She is no longer putting herself at risk.",
        "She isn't sexually active.",
        "She was never consenting.",
        "She did not consent to sex.",
    ],
)
def test_negation_is_still_flagged_and_says_why(text: str) -> None:
    findings = check(text)
    assert len(findings) == 1
    assert findings[0].negated
    assert findings[0].reason.endswith(NEGATION_NOTE)


def test_unnegated_finding_has_plain_reason() -> None:
    (finding,) = check("She is promiscuous.")
    assert not finding.negated
    assert NEGATION_NOTE not in finding.reason


@pytest.mark.parametrize(
    "text", ["No concerns. She is promiscuous.", "No concerns, she is promiscuous."]
)
def test_negation_does_not_reach_across_sentences_or_clauses(text: str) -> None:
    (finding,) = check(text)
    assert not finding.negated


# --- quotes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'She said "he\'s my boyfriend, he is 25".',
        "She said “he’s my older boyfriend”.",
        "She said 'he's my older boyfriend'.",
        "She said ‘he’s my older boyfriend’.",
        "She said „ich bin promiscuous“ in German.",
        "She called it «consensual».",
    ],
)
def test_quoted_words_are_not_flagged(text: str) -> None:
    assert check(text) == []


def test_apostrophes_are_not_quotes() -> None:
    text = "Amy's friend's older boyfriend drove; the girls' house was empty."
    assert quoted_spans(text) == []
    assert ids(text) == ["boyfriend-adult"]


def test_unclosed_quote_does_not_hide_the_rest() -> None:
    assert ids('She said "he is nice. She is promiscuous.') == ["promiscuous"]


def test_text_outside_the_quote_is_still_checked() -> None:
    findings = check('She said "I love him" and is putting herself at risk.')
    assert [f.entry_id for f in findings] == ["putting-self-at-risk"]


# --- age, offsets, overlaps, API ----------------------------------------------------------------


def test_sexually_active_wording_depends_on_age() -> None:
    (unknown,) = check("She is sexually active.")
    (young,) = check("She is sexually active.", child_age=11)
    (mid,) = check("She is sexually active.", child_age=14)
    (older,) = check("She is sexually active.", child_age=17)
    assert "under 13" in unknown.reason and "raped" in unknown.suggestion
    assert young.reason.startswith("The child is under 13")
    assert "raped" in young.suggestion
    assert "under 16" in mid.reason
    assert "16 or 17" in older.reason
    (adult,) = check("She is sexually active.", child_age=19)
    assert adult.reason == unknown.reason


def test_age_does_not_change_other_entries() -> None:
    assert check("She is promiscuous.", child_age=11) == check("She is promiscuous.")


@pytest.mark.parametrize("age", [-1, True])
def test_bad_age_is_rejected(age: int) -> None:
    with pytest.raises(ValueError, match="child_age"):
        check("text", child_age=age)


def test_offsets_and_phrase_as_written() -> None:
    text = "Seen at 23:00. She is Putting Herself  at Risk!"
    (finding,) = check(text)
    assert finding.phrase == "Putting Herself  at Risk"
    assert text[finding.start : finding.end] == finding.phrase
    assert finding.to_dict()["phrase"] == finding.phrase


def test_overlapping_matches_keep_the_longest() -> None:
    assert ids("Known child prostitute.") == ["child-prostitute"]
    assert ids("She is engaging in CSE.") == ["involved-in-exploitation"]


def test_several_findings_in_order() -> None:
    found = ids("She is promiscuous, streetwise and out of control.")
    assert found == ["promiscuous", "streetwise", "out-of-control"]


def test_empty_and_type_errors() -> None:
    assert check("") == []
    with pytest.raises(TypeError):
        check(None)  # type: ignore[arg-type]


def test_check_many_is_check_per_line() -> None:
    lines = ["She is promiscuous.", "", "Risk assessment done."]
    assert check_many(lines) == [check(line) for line in lines]
    assert [len(f) for f in check_many(lines)] == [1, 0, 0]


def test_summarise_counts_by_agency_author_and_entry() -> None:
    notes = [
        ("police", "PC 101", check("She is promiscuous and streetwise.")),
        ("police", "PC 101", check("Found safe and well.")),
        ("police", "PC 202", check("She is putting herself at risk.")),
        ("health", "Nurse A", check("She is promiscuous.")),
    ]
    summary = summarise(notes)
    assert vars(summary.total) == {"notes": 4, "flagged_notes": 3, "findings": 4}
    assert vars(summary.by_agency["police"]) == {"notes": 3, "flagged_notes": 2, "findings": 3}
    assert vars(summary.by_author[("police", "PC 101")]) == {
        "notes": 2,
        "flagged_notes": 1,
        "findings": 2,
    }
    assert summary.by_entry["promiscuous"] == 2
    out = summary.to_dict()
    assert out["by_author"][0]["agency"] == "health"
    assert out["by_entry"] == {"promiscuous": 2, "putting-self-at-risk": 1, "streetwise": 1}


def test_summarise_of_nothing() -> None:
    assert vars(summarise([]).total) == {"notes": 0, "flagged_notes": 0, "findings": 0}


# --- properties -------------------------------------------------------------------------------

TEXTS = [e.text for e in corpus()]
QUOTE_FREE = [t for t in TEXTS if not set(t) & set("\"'‘’“”")]
PHRASES = ["putting herself at risk", "promiscuous", "consenting", "boyfriend (25)", "liar"]


def _key(findings: list[Finding], shift: int = 0) -> list[tuple[str, int, int]]:
    return [(f.entry_id, f.start - shift, f.end - shift) for f in findings]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TEXTS), st.randoms(use_true_random=False))
def test_case_does_not_matter(text: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
    assert len(mixed) == len(text)
    assert _key(check(mixed)) == _key(check(text))


quoted_content = st.one_of(
    st.sampled_from(PHRASES),
    st.text(alphabet="abcdefghij klmnop.,;!-", min_size=1, max_size=30),
).map(lambda s: s.strip(" ") or "x")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(QUOTE_FREE),
    quoted_content,
    st.sampled_from(['"{}"', "“{}”", "'{}'", "‘{}’"]),
    st.booleans(),
)
def test_inserting_a_quoted_sentence_never_adds_flags(
    text: str, words: str, marks: str, before: bool
) -> None:
    quoted = "She said " + marks.format(words) + "."
    if before:
        combined, shift = quoted + " " + text, len(quoted) + 1
    else:
        combined, shift = text + " " + quoted, 0
    assert _key(check(combined), shift) == _key(check(text))
