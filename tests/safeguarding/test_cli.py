"""``joinedup language check``: JSON and table output, files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from joinedup.cli.language import language
from joinedup.cli.main import cli


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
