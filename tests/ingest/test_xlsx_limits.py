"""Hostile workbooks (issue 13, point 7): zip bombs, lying headers, huge cells, XML entities.

A 196 KB workbook with one 200 MB shared string took 1.57 GB and grew the database by 267 MB.
Now the zip directory is checked before openpyxl reads anything, bytes are counted while they
are decompressed, a cell is held to Excel's 32,767 characters, and each refusal names its
limit; nothing of a refused workbook is stored.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from joinedup.ingest import xlsx
from joinedup.ingest.batch import ingest_file
from joinedup.ingest.files import FileUnreadable
from joinedup.ingest.layout import Column, Layout
from joinedup.ingest.xlsx import GuardedZip, read_xlsx
from joinedup.model.organisation import Batch
from joinedup.model.records import SourceRecord
from tests.ingest.conftest import IngestStore

LAYOUT = Layout(
    format="housing",
    record_type="tenancy",
    key="Ref",
    columns=(Column("Ref"), Column("Name", canonical="forename"), Column("Note")),
)
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _base(rows: int = 2) -> dict[str, bytes]:
    """The members of a small workbook: Ref, Name, Note and ``rows`` tenancies."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Name", "Note"])
    for i in range(rows):
        sheet.append([f"T{i}", "Amber", "rent arrears"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(
    path: Path,
    members: dict[str, bytes],
    method: int = zipfile.ZIP_DEFLATED,
    big: tuple[str, bytes, Callable[[], bytes], bytes, int] | None = None,
) -> Path:
    """Zip ``members`` to ``path``; ``big`` streams one more member: name, head, a block
    maker, tail and how many blocks (so a 70 MB member never sits in memory)."""
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if big is not None:
            name, head, block, tail, count = big
            with archive.open(name, "w", force_zip64=True) as out:
                out.write(head)
                chunk = block()
                for _ in range(count):
                    out.write(chunk)
                out.write(tail)
    return path


def _with_shared_strings(members: dict[str, bytes]) -> dict[str, bytes]:
    types = members["[Content_Types].xml"].decode()
    members["[Content_Types].xml"] = types.replace("</Types>", STRINGS_TYPE + "</Types>").encode()
    members[SHEET] = members[SHEET].replace(
        b'<c r="C2" t="inlineStr"><is><t>rent arrears</t></is></c>', b'<c r="C2" t="s"><v>0</v></c>'
    )
    return members


def test_a_zip_bomb_of_shared_strings_is_refused_naming_the_limit(
    ing: IngestStore, tmp_path: Path
) -> None:
    members = _with_shared_strings(_base())
    mb = 1024 * 1024
    head, tail = SST + b"<si><t>", b"</t></si></sst>"
    path = _write(tmp_path / "bomb.xlsx", members, big=(STRINGS, head, lambda: b"A" * mb, tail, 70))
    assert path.stat().st_size < 200_000  # 70 MB of text in a small file
    started = time.perf_counter()
    with (
        pytest.raises(FileUnreadable, match=re.escape("over 67,108,864 bytes")),
        ing.store.door.session("joinedup-service", "data_ingest") as s,
    ):
        ingest_file(s, path, "Police", LAYOUT, opener=read_xlsx)
    assert time.perf_counter() - started < 10  # refused from the directory, not by reading
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(Batch) == [] and s.list(SourceRecord) == []


def test_a_workbook_and_a_member_are_held_to_their_caps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "big.xlsx", _base(rows=400))
    size = zipfile.ZipFile(path).getinfo(SHEET).file_size
    monkeypatch.setattr(xlsx, "MAX_XLSX_MEMBER_BYTES", size - 1)
    with pytest.raises(FileUnreadable, match=f"member '{SHEET}' is over {size - 1:,} bytes"):
        read_xlsx(path, LAYOUT)
    monkeypatch.setattr(xlsx, "MAX_XLSX_MEMBER_BYTES", size)
    monkeypatch.setattr(xlsx, "MAX_XLSX_BYTES", size)
    with pytest.raises(FileUnreadable, match=f"workbook is over {size:,} bytes decompressed"):
        read_xlsx(path, LAYOUT)
    monkeypatch.setattr(xlsx, "MAX_XLSX_BYTES", 10**9)
    monkeypatch.setattr(xlsx, "MAX_XLSX_MEMBERS", 3)
    with pytest.raises(FileUnreadable, match="has over 3 members"):
        read_xlsx(path, LAYOUT)


def test_bytes_are_counted_while_reading_so_a_lying_directory_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "t.xlsx", _base(rows=50))
    with path.open("rb") as handle:
        archive = GuardedZip(handle, path)  # the directory passes
        monkeypatch.setattr(xlsx, "MAX_XLSX_MEMBER_BYTES", 100)  # the data then says more
        with pytest.raises(FileUnreadable, match=f"member '{SHEET}' is over 100 bytes"):
            archive.read(SHEET)
    monkeypatch.undo()
    # a directory that understates a member: zipfile stops at the stated size, the CRC fails
    data = bytearray(path.read_bytes())
    actual = zipfile.ZipFile(path).getinfo(SHEET).file_size.to_bytes(4, "little")
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if data[at + offset : at + offset + 4] == actual:
                data[at + offset : at + offset + 4] = (200).to_bytes(4, "little")
            at += 4
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(bytes(data))
    with pytest.raises(FileUnreadable, match="not a readable XLSX workbook"):
        list(read_xlsx(lying, LAYOUT)[1])


def test_a_cell_over_excels_limit_is_refused(tmp_path: Path) -> None:
    members = _with_shared_strings(_base())
    members[STRINGS] = SST + b"<si><t>" + b"x" * 40_000 + b"</t></si></sst>"
    with pytest.raises(FileUnreadable, match=re.escape("32,767-character limit")):
        read_xlsx(_write(tmp_path / "shared.xlsx", members), LAYOUT)
    inline = _base()
    inline[SHEET] = inline[SHEET].replace(b"rent arrears", b"y" * 40_000, 1)
    _, records = read_xlsx(_write(tmp_path / "inline.xlsx", inline), LAYOUT)
    with pytest.raises(FileUnreadable, match=r"row 2 has a cell over the 32,767-character"):
        list(records)


def test_shared_strings_within_the_limits_are_read(tmp_path: Path) -> None:
    members = _with_shared_strings(_base())
    members[STRINGS] = SST + b"<si><t>shared note</t></si></sst>"
    _, records = read_xlsx(_write(tmp_path / "ok.xlsx", members), LAYOUT)
    assert [r.values["Note"] for r in records] == ["shared note", "rent arrears"]


def test_a_lying_dimension_does_not_pad_every_row(tmp_path: Path) -> None:
    members = _base()
    members[SHEET] = re.sub(
        rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD5000"', members[SHEET]
    )
    info, records = read_xlsx(_write(tmp_path / "dim.xlsx", members), LAYOUT)
    started = time.perf_counter()
    read = list(records)
    assert time.perf_counter() - started < 5
    assert info.header == ["Ref", "Name", "Note"] and len(read) == 2
    assert info.blank_lines == 0 and all(r.problem is None for r in read)


def test_rows_and_cells_beyond_excels_grid_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _base()
    members[SHEET] = (
        members[SHEET]
        .replace(b'<row r="3">', b'<row r="999999999">')
        .replace(b'r="A3"', b'r="A999999999"')
        .replace(b'r="B3"', b'r="B999999999"')
        .replace(b'r="C3"', b'r="C999999999"')
    )
    _, records = read_xlsx(_write(tmp_path / "far.xlsx", members), LAYOUT)
    with pytest.raises(FileUnreadable, match=re.escape("over Excel's 1,048,576 rows")):
        list(records)
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 5)
    _, records = read_xlsx(_write(tmp_path / "cells.xlsx", _base(rows=3)), LAYOUT)
    with pytest.raises(FileUnreadable, match="over 5 cells"):
        list(records)


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    assert openpyxl.DEFUSEDXML  # openpyxl parses with defusedxml
    members = _with_shared_strings(_base())
    laughs = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    members[STRINGS] = laughs + SST + b"<si><t>&b;</t></si></sst>"
    with pytest.raises(FileUnreadable, match="not a readable XLSX workbook"):
        read_xlsx(_write(tmp_path / "laughs.xlsx", members), LAYOUT)


def test_other_compression_methods_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "bz.xlsx", _base(), method=zipfile.ZIP_BZIP2)
    with pytest.raises(FileUnreadable, match="is not stored or deflated"):
        read_xlsx(path, LAYOUT)
