"""``joinedup language check``: JSON and table output, files, bad input; and the commands where a
worker types text, which warn about victim-blaming language after saving."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.access import directory
from joinedup.app.context import runtime
from joinedup.cli.language import language
from joinedup.cli.main import cli
from joinedup.model.linkage import MatchReview
from joinedup.model.records import SourceRecord
from joinedup.model.safeguarding import Flag, RiskAssessment
from joinedup.safeguarding.flags import Raised, sync
from joinedup.store.actor_session import ActorSession
from tests.safeguarding.builder import Build


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(language, ["check", *args], input=stdin)
    return result.exit_code, result.output


def test_file_json_one_object_per_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "She is putting herself at risk.\n\nShe said “he’s my boyfriend”.\nRisk assessment done.\n",
        encoding="utf-8",
    )
    code, out = run("--file", str(notes), "--json")
    assert code == 0, out
    results = json.loads(out)
    assert [r["line"] for r in results] == [1, 2, 3, 4]
    assert [len(r["flags"]) for r in results] == [1, 0, 0, 0]
    flag = results[0]["flags"][0]
    assert flag["phrase"] == "putting herself at risk"
    assert flag["entry_id"] == "putting-self-at-risk"
    assert (flag["start"], flag["end"]) == (7, 30)
    assert flag["reason"] and flag["suggestion"]


def test_single_text_json() -> None:
    code, out = run("She is promiscuous and consenting.", "--json")
    assert code == 0, out
    (result,) = json.loads(out)
    assert result["line"] == 1
    assert [f["phrase"] for f in result["flags"]] == ["promiscuous", "consenting"]


def test_age_option_changes_the_reason() -> None:
    code, out = run("She is sexually active.", "--age", "11", "--json")
    assert code == 0, out
    assert "under 13" in json.loads(out)[0]["flags"][0]["reason"]


def test_table_output() -> None:
    code, out = run("She is streetwise.")
    assert code == 0, out
    assert "streetwise" in out and "1 of 1 note(s) flagged" in out
    code, out = run("Safe and well.")
    assert code == 0 and "0 of 1 note(s) flagged" in out


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    code, out = run("--file", str(tmp_path / "missing.txt"), "--json")
    assert code == 1
    assert out.strip().startswith("Error: cannot read")
    assert len(out.strip().splitlines()) == 1


def test_undecodable_line_is_reported_not_fatal(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"Bad \xff\xfe bytes\r\nShe is promiscuous.\r\n")
    code, out = run("--file", str(notes), "--json")
    assert code == 0, out
    first, second = json.loads(out)
    assert "not valid UTF-8" in first["error"] and first["flags"] == []
    assert second["text"] == "She is promiscuous." and len(second["flags"]) == 1
    code, out = run("--file", str(notes))
    assert code == 0 and "not valid UTF-8" in out


def test_stdin_and_usage_errors() -> None:
    code, out = run("--file", "-", "--json", stdin=b"She is a liar.\n")
    assert code == 0 and json.loads(out)[0]["flags"][0]["entry_id"] == "disbelief"
    code, out = run("--json")
    assert code == 2 and "either TEXT or --file" in out
    code, out = run("x", "--age", "abc")
    assert code == 2


def test_registered_in_the_main_command() -> None:
    result = CliRunner().invoke(cli, ["language", "check", "She absconded.", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["flags"][0]["entry_id"] == "absconding"


# -- language on entry: the commands where a worker types text warn after saving ------------

BLAMING = "She is putting herself at risk."


@dataclass
class Platform:
    """An initialised platform in a temporary folder, driven through the command line."""

    agencies: dict[str, str]
    tmp: Path

    def run(self, *args: str, ok: bool = True) -> str:
        result = CliRunner().invoke(cli, list(args))
        assert (result.exit_code == 0) is ok, result.output
        return result.output

    def session(self, user: str, purpose: str) -> AbstractContextManager[ActorSession]:
        return runtime().door.session(user, purpose)


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Platform:
    monkeypatch.setenv("JOINEDUP_DATABASE_URL", f"sqlite:///{tmp_path / 'j.db'}")
    monkeypatch.setenv("JOINEDUP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JOINEDUP_USER", raising=False)
    p = Platform({}, tmp_path)
    p.run("init", "--admin", "root-admin")
    with p.session("root-admin", "administration") as s:
        for name, kind in (("Dunmere social care", "social_care"), ("Dunmere police", "police")):
            p.agencies[kind] = directory.add_agency(s, name, kind).id
        directory.add_user(s, "sw", "Dunmere social care", "social_worker")
        directory.add_user(s, "ana", "Dunmere police", "analyst")
    return p


def _language(p: Platform) -> list[Flag]:
    with p.session("joinedup-service", "analysis") as s:
        return [f for f in s.list(Flag) if f.rule_id.startswith("language.")]


def test_assess_record_warns_after_saving(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = Build(agency_ids=platform.agencies)
    b.child("amy")
    b.event("concern", date(2010, 3, 1), agency="police", people={"amy": "victim"}, cse=True)
    monkeypatch.setattr("joinedup.app.safeguarding.assemble", lambda session, **kw: b.done())
    out = platform.run(
        "assess",
        "record",
        "amy",
        "--set",
        f"disclosure=yes:{BLAMING}",
        "--on",
        "2010-06-01",
        "--as",
        "sw",
    )
    assert "Assessment version 1 recorded" in out
    assert "Saved as written" in out
    assert 'assessment override reason (disclosure): "putting herself at risk"' in out
    assert "Suggested: Say who or what creates the risk" in out
    stored = json.loads(
        platform.run(
            "assess",
            "record",
            "amy",
            "--set",
            f"disclosure=yes:{BLAMING}",
            "--on",
            "2010-06-02",
            "--as",
            "sw",
            "--json",
        )
    )
    assert stored["version"] == 2
    (found,) = stored["language"]
    assert found["where"] == "assessment override reason" and found["field"] == "disclosure"
    assert found["entry_id"] == "putting-self-at-risk" and found["suggestion"]
    held = _language(platform)
    assert len(held) == 2 and {f.evidence["author"] for f in held} == {"sw"}
    clean = json.loads(
        platform.run("assess", "record", "amy", "--on", "2010-06-03", "--as", "sw", "--json")
    )
    assert clean["language"] == []


def test_flags_resolve_warns_after_saving(platform: Platform) -> None:
    social = platform.agencies["social_care"]
    with platform.session("joinedup-service", "analysis") as s:
        sync(s, [Raised("r1", "child", "amy", ("amy",), social, {"summary": "s", "records": []})])
    with platform.session("sw", "safeguarding") as s:
        (flag,) = s.list(Flag, where={"rule_id": "r1"})
    out = platform.run("flags", "acknowledge", flag.id, "--note", "allocated", "--as", "sw")
    assert out.strip() == f"acknowledged {flag.id}"  # clean text: no warning
    with platform.session("joinedup-service", "analysis") as s:
        sync(s, [Raised("r2", "child", "amy", ("amy",), social, {"summary": "s", "records": []})])
    with platform.session("sw", "safeguarding") as s:
        (other,) = s.list(Flag, where={"rule_id": "r2"})
    acked = json.loads(
        platform.run("flags", "acknowledge", other.id, "--note", BLAMING, "--json", "--as", "sw")
    )
    assert acked["status"] == "acknowledged"
    assert [f["where"] for f in acked["language"]] == ["flag acknowledgement note"]
    out = platform.run("flags", "resolve", flag.id, "--reason", BLAMING, "--as", "sw")
    assert f"resolved {flag.id}" in out
    assert 'flag resolution reason: "putting herself at risk"' in out
    report = json.loads(platform.run("flags", "language-report", "--json", "--as", "sw"))
    assert [(r["author"], r["flagged_notes"]) for r in report["by_author"]] == [("sw", 2)]


def test_review_decision_warns_and_json_lists_the_language(platform: Platform) -> None:
    police = platform.agencies["police"]
    with platform.session("joinedup-service", "data_ingest") as s:
        records = s.add_all(
            [
                SourceRecord(
                    agency_id=police, batch_id="b1", record_type="persons", agency_key=k, payload={}
                )
                for k in ("P1", "P2")
            ]
        )
        item = s.add(
            MatchReview(
                agency_id=police,
                record_a=records[0].id,
                record_b=records[1].id,
                match_probability=0.7,
                run_id="run1",
            )
        )
    out = json.loads(
        platform.run("review", "confirm", item.id, "--reason", BLAMING, "--json", "--as", "ana")
    )
    assert out["status"] == "confirmed" and out["reason"] == BLAMING
    assert [f["where"] for f in out["language"]] == ["match review confirmation reason"]
    (flag,) = _language(platform)
    assert (flag.subject_type, flag.subject_id, flag.agency_id) == ("match_review", item.id, police)
    text = platform.run("review", "reject", item.id, "--reason", BLAMING, "--as", "ana")
    assert 'match review rejection reason: "putting herself at risk"' in text


def test_quarantine_notes_warn_and_a_resubmitted_row_is_checked(platform: Platform) -> None:
    folder = platform.tmp / "in"
    folder.mkdir()
    (folder / "ssd_case_notes.csv").write_text(
        "note_id,note_person_id,note_date,note_type,note_worker_id,note_text\r\n"
        "N1,P1,2010-03-01,=HYPERLINK(1),W003,She is promiscuous.\r\n"
        "N2,P1,2010-03-01,=HYPERLINK(1),W003,Seen at school.\r\n",
        encoding="utf-8",
    )
    platform.run(
        "ingest",
        str(folder / "ssd_case_notes.csv"),
        "--agency",
        "Dunmere social care",
        "--format",
        "ssd",
    )
    rows = json.loads(platform.run("quarantine", "list", "--json"))
    first, second = sorted(rows, key=lambda r: r["row_number"])
    out = platform.run(
        "quarantine", "resubmit", first["id"], "--set", "note_type=Case Note", "--note", BLAMING
    )
    assert "accepted as source record" in out
    assert "1 new language flag:" in out  # the row's own note, checked as on ingest
    assert 'quarantine resubmission note: "putting herself at risk"' in out
    out = platform.run("quarantine", "dismiss", second["id"], "--note", "duplicate of N1")
    assert out.strip() == f"dismissed {second['id']}"
    held = {f.evidence["phrase"]: f for f in _language(platform)}
    assert set(held) == {"promiscuous", "putting herself at risk"}
    assert held["promiscuous"].subject_type == "source_record"
    assert held["promiscuous"].evidence["author"] == "W003"
    typed = held["putting herself at risk"]
    assert (typed.subject_type, typed.subject_id) == ("quarantine", first["id"])
    assert typed.agency_id == platform.agencies["social_care"]  # the row's agency
    assert typed.evidence["author"] == "joinedup-service"


def test_assess_record_keeps_the_narrative_and_checks_its_language(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = Build(agency_ids=platform.agencies)
    b.child("amy")
    b.event("concern", date(2010, 3, 1), agency="police", people={"amy": "victim"}, cse=True)
    monkeypatch.setattr("joinedup.app.safeguarding.assemble", lambda session, **kw: b.done())
    narrative = ("--views", BLAMING, "--protective", "Her aunt", "--safety-plan", "Daily contact")
    args = ("assess", "record", "amy", "--on", "2010-06-01", "--as", "sw", "--json", *narrative)
    stored = json.loads(platform.run(*args))
    assert stored["safety_plan"] == "Daily contact"
    (found,) = stored["language"]
    assert found["where"] == "assessment narrative" and found["field"] == "child_views"
    with platform.session("sw", "safeguarding") as s:
        (kept,) = s.list(RiskAssessment)
    assert (kept.child_views, kept.protective_factors) == (BLAMING, "Her aunt")
