"""Value transforms, place ids and majority votes."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from joinedup.assemble.entities import Places, Votes
from joinedup.assemble.mapping import FileSpec, Value
from joinedup.assemble.rows import CompiledFile, Row, Source, record_ref
from joinedup.assemble.values import compile_value, text_key, vrm
from joinedup.assemble.view import RecordRef

REF = RecordRef("r1", "a1", "police", "persons", "N1")


class _NoRefs:
    def sibling(self, file: CompiledFile, table: str) -> CompiledFile:
        raise AssertionError("no references here")

    def compile_ref(self, file: CompiledFile, ref: Any) -> Any:
        raise AssertionError("no references here")

    def ref_rows(self, row: Row, ref: Any) -> list[Row]:
        return []


def _eval(spec: dict[str, Any], value: Any) -> Any:
    file = CompiledFile("f", "t", FileSpec(), {"c": Source(False, "c")})
    fn = compile_value(Value.model_validate(spec), file, _NoRefs())
    assert fn is not None
    return fn(Row(REF, file, (value,)))


def test_transforms() -> None:
    assert [_eval({"column": "c", "as": "yes_no"}, v) for v in ("Y", "n", "NA", None)] == [
        True,
        False,
        None,
        None,
    ]
    flags = {"NEW_REFERRAL_FLAG": "Y", "NFA_FLAG": "N", "MISSING_FLAG": "Y"}
    assert _eval({"column": "c", "as": "flags"}, flags) == ["missing", "new_referral"]
    assert _eval({"column": "c", "as": "academic_year_start"}, "2003/04") == date(2003, 9, 1)
    assert _eval({"column": "c", "split": ";", "as": "vrm"}, "yy58 ffc; red kia;AB-12-CDE") == [
        "YY58FFC",
        "AB12CDE",
    ]
    assert _eval({"column": "c", "map": {"A": "x"}, "default": "y"}, "B") == "y"
    assert _eval({"column": "c", "map": {"A": "x"}}, "B") == "B"
    assert _eval({"column": "c", "values": ["11A"]}, ["10A", "11a"]) is True
    assert _eval({"column": "c", "words": ["overdose"]}, "Overdose (paracetamol)") is True
    assert _eval({"column": "c", "words": ["sti"]}, "Stiff neck") is False
    assert _eval({"column": "c", "above": 20}, 22.5) is True
    assert _eval({"column": "c", "above": 20}, None) is None
    assert _eval({"column": "c", "key": "HOUSE"}, {"HOUSE": "12", "FLAT": ""}) == "12"
    assert _eval({"value": "contact"}, "anything") == "contact"
    assert _eval({"column": "c", "when": {"column": "c", "values": ["x"]}}, "y") is None


def test_descriptions_are_not_vehicles() -> None:
    assert vrm("blue ford") is None and vrm("RED KIA") is None and vrm("gold vauxhall") is None
    assert vrm("ys06 xnn") == "YS06XNN"


ADDRESS = st.text(alphabet=string.ascii_letters + string.digits + " ,.-'/", max_size=40)


@given(ADDRESS)
def test_text_key_ignores_case_and_punctuation(text: str) -> None:
    key = text_key(text)
    assert text_key(key) == key
    assert text_key(text.upper()) == key
    assert text_key(text.replace(",", " , ")) == key


def test_place_ids_merge_spellings_of_one_address() -> None:
    places = Places()
    a = places.add(REF, 1, postcode="dm46ns", address="Flat 4, 17 Dale Way", place_type="home")
    b = places.add(REF, 2, postcode="DM4 6NS", address="flat 4 17 dale way")
    c = places.add(REF, 3, postcode="DM4 6NS")
    d = places.add(REF, 4, key="school:100021", name="Bridge Academy", place_type="school")
    assert a == b == "place:DM4 6NS|flat 4 17 dale way"
    assert c == "place:DM4 6NS" and d == "place:school:100021"
    assert places.addressed_at("DM4 6NS") == a
    assert places.mention("Bridge  Academy", REF, 5) == d
    assert places.mention("FLAT 4, 17 DALE WAY", REF, 5) == a
    assert places.mention("The Old Mill", REF, 5) == "place:|the old mill"
    views = places.views()
    assert views[a].place_type == "home" and views[d].name == "Bridge Academy"
    assert places.add(REF, 1) is None


def test_votes_majority_then_most_recent() -> None:
    votes = Votes()
    for value, day in (("Amy", 1), ("Aimee", 5), ("Amy", 2), ("Aimee", 3)):
        votes.add("forename", value, day)
    assert votes.winner("forename") == "Aimee"  # a tie, and Aimee was recorded last
    votes.add("forename", "Amy", 0)
    assert votes.winner("forename") == "Amy"
    votes.add("surname", "", 9)
    assert votes.winner("surname") is None


def test_fast_record_refs_equal_constructed_ones() -> None:
    fast = record_ref("r1", "a1", "police", "persons", "N1")
    assert fast == REF and hash(fast) == hash(REF) and repr(fast) == repr(REF)
