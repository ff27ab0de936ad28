"""Checking an uploaded export: wrong type, wrong content, size, encoding, missing columns,
and hostile zips (path traversal, links, bombs, too many files, no manifest)."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from joinedup.app import uploads
from joinedup.app.uploads import UploadRefused
from joinedup.ingest.formats import layout_for_file


def _zip(path: Path, members: dict[str, bytes], *, link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


def test_only_csv_xlsx_and_zip_are_taken() -> None:
    assert uploads.kind_of("Export.CSV") == "csv" and uploads.kind_of("a.xlsx") == "xlsx"
    for name in ("report.exe", "notes.docx", "noextension"):
        with pytest.raises(UploadRefused, match="not a CSV"):
            uploads.kind_of(name)


def test_an_upload_past_the_limit_or_empty_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(UploadRefused, match="larger than"):
        uploads.save_upload(io.BytesIO(b"x" * 1001), tmp_path / "big.csv")
    with pytest.raises(UploadRefused, match="empty"):
        uploads.save_upload(io.BytesIO(b""), tmp_path / "empty.csv")
    size = uploads.save_upload(io.BytesIO(b"a,b\n1,2\n"), tmp_path / "ok" / "small.csv")
    assert size == 8 and (tmp_path / "ok" / "small.csv").stat().st_mode & 0o777 == 0o600


def test_content_must_match_the_name(tmp_path: Path) -> None:
    fake_xlsx = tmp_path / "a.xlsx"
    fake_xlsx.write_text("name,dob\n")
    with pytest.raises(UploadRefused, match="not a real XLSX"):
        uploads.check_content(fake_xlsx, "xlsx")
    zipped_csv = _zip(tmp_path / "a.csv", {"x.csv": b"a\n"})
    with pytest.raises(UploadRefused, match="not a CSV"):
        uploads.check_content(zipped_csv, "csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(bytes(range(0, 32)) * 200)
    with pytest.raises(UploadRefused, match="not text in a known encoding"):
        uploads.check_content(binary, "csv")
    legacy = tmp_path / "c.csv"
    legacy.write_bytes("name\nZo\u00eb\n".encode("cp1252"))  # Windows-1252 is read
    uploads.check_content(legacy, "csv")


@pytest.mark.parametrize(
    "name", ["../evil.csv", "/etc/cron.d/evil", "a/../../evil.csv", "C:/evil.csv", "a\\..\\b.csv"]
)
def test_a_zip_with_an_unsafe_name_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    bad = _zip(tmp_path / "x.zip", {"manifest.json": b"{}", name: b"a,b\n"})
    into = tmp_path / "out"
    with pytest.raises(UploadRefused, match="unsafe name"):
        uploads.unpack_zip(bad, into)
    assert not (tmp_path / "evil.csv").exists()


def test_links_bombs_crowds_and_missing_manifests_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = _zip(tmp_path / "l.zip", {"manifest.json": b"{}"}, link="data.csv")
    with pytest.raises(UploadRefused, match="unsafe name"):
        uploads.unpack_zip(link, tmp_path / "l")
    bomb = _zip(tmp_path / "b.zip", {"manifest.json": b"{}", "zeros.csv": b"0" * 5_000_000})
    with pytest.raises(UploadRefused, match="zip bomb"):
        uploads.unpack_zip(bomb, tmp_path / "b")
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 3)
    crowd = _zip(tmp_path / "c.zip", {f"f{i}.csv": b"a\n" for i in range(5)})
    with pytest.raises(UploadRefused, match="more than 3 files"):
        uploads.unpack_zip(crowd, tmp_path / "c")
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 100)
    big = _zip(tmp_path / "g.zip", {"manifest.json": bytes(range(256)) * 2})
    with pytest.raises(UploadRefused, match="unpacks to more than"):
        uploads.unpack_zip(big, tmp_path / "g")
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 10_000)
    bare = _zip(tmp_path / "n.zip", {"ssd_person.csv": b"a\n"})
    with pytest.raises(UploadRefused, match=r"no manifest\.json"):
        uploads.unpack_zip(bare, tmp_path / "n")
    not_zip = tmp_path / "z.zip"
    not_zip.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(UploadRefused, match="not a readable zip"):
        uploads.unpack_zip(not_zip, tmp_path / "z")


def test_a_zipped_export_folder_unpacks_to_its_manifest_folder(tmp_path: Path) -> None:
    good = _zip(
        tmp_path / "ssd.zip",
        {"export/manifest.json": b"{}", "export/ssd_person.csv": b"person_id\n"},
    )
    folder = uploads.unpack_zip(good, tmp_path / "out")
    assert folder == tmp_path / "out" / "export" and (folder / "ssd_person.csv").is_file()


def test_a_file_without_its_formats_required_columns_is_refused(tmp_path: Path) -> None:
    layout = layout_for_file("health", "attendances.csv")
    short = tmp_path / "attendances.csv"
    short.write_text("forename,surname\nAisha,Khan\n")
    with pytest.raises(UploadRefused, match=r"lacks the columns.*attendance_id"):
        uploads.check_columns(short, "health")
    full = tmp_path / "full" / "attendances.csv"
    full.parent.mkdir()
    full.write_text(",".join(c.name for c in layout.columns) + "\n")
    uploads.check_columns(full, "health")
