"""Hostile drop folders thrown at ingest on every run (issue 13, "done when").

Hypothesis makes agency folders out of random bytes, byte-order marks, mixed encodings, NULs
and other control bytes, unterminated quotes, huge fields, very long lines, CR/LF/CRLF
mixes, wrong, missing or duplicate headers, and manifests with odd paths, links, wrong row
counts, unknown encodings and formats, claims of another agency, or no JSON at all. Whatever
it makes, ingest either refuses it with one of the platform's own errors or imports it with
rows read = accepted + quarantined; and nothing outside the folder is ever read (a file beside
it, full of a marker, is never opened and the marker is nowhere: not in a report, a message,
a stored record or a quarantined row).
"""

from __future__ import annotations

import codecs
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from joinedup.ingest.files import PlanError
from joinedup.ingest.formats import FormatError
from joinedup.ingest.plan import plan
from joinedup.ingest.run import run_jobs
from joinedup.model.records import QuarantinedRow, SourceRecord
from joinedup.store.actor_session import NotFound
from tests.ingest.conftest import IngestStore

MARKER = "Q7MARKERQ7"
COLUMNS = ["crn", "surname", "forename", "dob", "gender", "postcode", "note"]
CELLS = [
    "X1",
    "Lowe",
    "Amber",
    "03/04/2005",
    "",
    " ",
    "Zoë",
    "ZoÃ«",
    "O’Neill £5",
    "Am\x00ber",
    "a\x0bb\x01",
    "\x1f",
    "=cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '"quoted, with comma"',
    '"two\nlines"',
    '"two\r\nlines"',
    '"open',
    'mid"quote',
    "\ufeff",
    "\u2028",
    "x" * 5000,
]
HUGE = "y" * 1_000_001
ENDINGS = ["\n", "\r\n", "\r"]
PATHS = [
    "../secret.csv",
    "../../secret.csv",
    "sub/../../secret.csv",
    "link.csv",
    "linkdir/secret.csv",
    "missing.csv",
    "",
    ".",
    "sub",
    "a//b.csv",
    "./a.csv",
    "..\\secret.csv",
    "C:/secret.csv",
    "a.csv\x00.txt",
    "é" * 300,
    "pipe.csv",
    "hard.csv",
]


@st.composite
def texts(draw: st.DrawFn) -> bytes:
    """A delimited export, more or less broken."""
    header = list(COLUMNS)
    shape = draw(st.integers(0, 9))
    if shape == 0:
        header = header[:3]  # missing columns
    elif shape == 1:
        header[2] = header[1]  # a duplicate column
    elif shape == 2:
        header = [draw(st.sampled_from(CELLS)) for _ in header]  # a hostile header
    lines = [",".join(header)]
    for i in range(draw(st.integers(0, 12))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 1]))
        cells = [draw(st.sampled_from(CELLS)) for _ in range(max(width, 1))]
        cells[0] = draw(st.sampled_from([f"X{i}", f"X{i}", "X1", ""]))
        lines.append(draw(st.sampled_from([",", ";", "\t"])).join(cells))
    if draw(st.integers(0, 19)) == 0:
        lines.append("X99," + HUGE)
    if draw(st.integers(0, 9)) == 0:
        lines.append("X98," + "z," * 20_000)  # a very long line
    text = "".join(line + draw(st.sampled_from(ENDINGS)) for line in lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # cut short
    encodings = draw(st.sampled_from([("utf-8",), ("cp1252",), ("utf-8", "cp1252")]))
    data = b"".join(
        part.encode(draw(st.sampled_from(encodings)), "replace")
        for part in text.splitlines(keepends=True)
    )
    bom = draw(st.sampled_from([b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE]))
    return bom + data


CONTENTS = st.one_of(texts(), texts(), texts(), st.binary(max_size=2000))


@st.composite
def drop_folders(draw: st.DrawFn) -> dict[str, Any]:
    """A drop folder: files by name, and a manifest (a document or raw bytes). Half the
    manifests are well formed (the files' contents are then what is hostile), half not."""
    files = {name: draw(CONTENTS) for name in ("a.csv", "b.csv", "sub/c.csv", "d.xlsx")}
    hostile = draw(st.booleans())
    event("hostile manifest" if hostile else "well-formed manifest")

    def pick(good: list[Any], bad: list[Any]) -> Any:
        return draw(st.sampled_from(good + bad if hostile else good))

    entries: list[Any] = []
    for _ in range(draw(st.integers(1, 3))):
        entry: dict[str, Any] = {
            "path": pick(list(files), [*PATHS, 7, None]),
            "format": pick(["probation"], ["nope"]),
            "table": "supervision",
        }
        for name, good, bad in (
            ("rows", [None, None, None, 3], [-1, "3"]),
            ("encoding", [None, "utf-8", "cp1252"], ["no-such", "utf-16", "base64", "idna"]),
            ("delimiter", [None, ",", ";"], [";;"]),
            ("date_format", [None, "%d/%m/%Y"], ["%Q"]),
        ):
            value = pick(good, bad)
            if value is not None:
                entry[name] = value
        entries.append(entry if not hostile or draw(st.integers(0, 19)) else "just a string")
    manifest: dict[str, Any] = {
        "name": pick(["Police"], [None, "Health"]),
        "kind": pick(["police", "probation", None], ["spaceship"]),
        "files": entries,
    }
    if hostile and draw(st.integers(0, 9)) == 0:
        manifest["extra"] = True
    document = json.dumps({k: v for k, v in manifest.items() if v is not None})
    raw = pick([None], [None, None, b"{not json", b"\xff\xfe\x00", b"[]"])
    return {"files": files, "manifest": raw or document, "bound": pick([None, "Police"], [])}


def _lay_out(root: Path, drop: dict[str, Any]) -> Path:
    """Write the folder, with the secret beside it and links, a FIFO and a hard link to it."""
    secret = root / "secret.csv"
    secret.write_text(",".join(COLUMNS) + f"\n{MARKER},{MARKER},{MARKER},,,,{MARKER}\n")
    folder = root / "drop"
    (folder / "sub").mkdir(parents=True)
    for name, content in drop["files"].items():
        (folder / name).write_bytes(content)
    manifest = drop["manifest"]
    (folder / "manifest.json").write_bytes(
        manifest if isinstance(manifest, bytes) else manifest.encode()
    )
    (folder / "link.csv").symlink_to(secret)
    (folder / "linkdir").symlink_to(root)
    os.mkfifo(folder / "pipe.csv")
    os.link(secret, folder / "hard.csv")
    return folder


def _nothing_outside(ing: IngestStore, said: str, opened: list[str]) -> None:
    assert MARKER not in said
    assert "secret.csv" not in {Path(p).name for p in opened}
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        records = s.list(SourceRecord)
        quarantined = s.list(QuarantinedRow)
    assert MARKER not in json.dumps([(r.agency_key, r.payload) for r in records])
    for row in quarantined:
        assert MARKER not in row.raw  # decrypted by the door


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drop=drop_folders())
def test_hostile_drop_folders_reconcile_and_read_nothing_outside(
    ing: IngestStore, opened: list[str], drop: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _lay_out(Path(tmp), drop)
        opened.clear()
        try:
            jobs = plan([folder], drop["bound"], None, None)
            result = run_jobs(ing.store.door, "joinedup-service", "data_ingest", jobs)
        except (PlanError, FormatError, NotFound) as exc:  # the platform's own refusals
            event(f"refused: {type(exc).__name__}")
            _nothing_outside(ing, str(exc), opened)
            return
        event(f"imported {len(result.reports)} of {len(jobs)} files")
        for message in result.unreadable:
            event("not imported: " + message.split(": ", 1)[1][:30])
        for reason in {k for r in result.reports for k in r.quarantine_reasons}:
            event(f"quarantined: {reason}")
        for report in result.reports:
            assert report.rows_read == report.accepted + report.quarantined
            assert report.quarantined == sum(report.quarantine_reasons.values())
        said = json.dumps([r.as_dict() for r in result.reports]) + " ".join(result.unreadable)
        _nothing_outside(ing, said, opened)
