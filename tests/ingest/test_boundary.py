"""The file boundary (issue 13, point 5): a manifest reaches nothing outside its folder.

A ``files`` entry naming ``/…/keys/audit.key``, ``../../../../etc/passwd``, a symbolic link
(anywhere on the path), a FIFO or a folder is refused before anything is read, naming the
manifest and the entry; nothing of the secret reaches a report, quarantine or output. A
folder bound to an agency (``--agency``) cannot file its records under another agency.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from joinedup.ingest.files import FileUnreadable, open_regular
from joinedup.ingest.plan import PlanError, plan
from joinedup.ingest.run import run_jobs
from joinedup.model.organisation import Batch
from joinedup.model.records import QuarantinedRow, SourceRecord
from tests.ingest.conftest import IngestStore

SECRET = "b5e0c7a1d2f3-the-audit-key-must-never-leave"
HEADER = "crn,surname,forename,dob,gender,postcode,note\n"
ROWS = "X1,Lowe,Amber,03/04/2005,F,S60 1AB,seen near the takeaway\nX2,Dunn,Kyle,,M,,\n"


def _folder(root: Path, *entries: dict[str, Any], name: str = "Police") -> Path:
    """A drop folder: supervision.csv and a manifest listing ``entries`` (and the CSV)."""
    folder = root / "drop"
    folder.mkdir()
    (folder / "supervision.csv").write_text(HEADER + ROWS, encoding="utf-8")
    files = [{"path": "supervision.csv", "format": "probation", "table": "supervision"}]
    files += [{"format": "probation", "table": "supervision", **e} for e in entries]
    manifest = {"agency": "probation", "kind": "probation", "name": name, "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the drop folder that must never be read (like home/keys/audit.key)."""
    keys = tmp_path / "home" / "keys"
    keys.mkdir(parents=True, exist_ok=True)  # the store fixture keeps its keyring there
    path = keys / "audit.key"
    path.write_text(HEADER + f"{SECRET},x,y,,,,\n", encoding="utf-8")
    return path


def _refused(folder: Path, fragment: str, opened: list[str], secret: Path) -> PlanError:
    opened.clear()
    with pytest.raises(PlanError) as caught:
        plan([folder], None, None, None)
    message = str(caught.value)
    assert "manifest.json" in message and "files[1]" in message and fragment in message
    assert "nothing was read" in message and SECRET not in message
    files = {name for _, _, names in os.walk(secret.parents[2]) for name in names}
    read = {Path(p).name for p in opened} & (files - {"manifest.json"})
    assert not read, opened  # of the test's files, only the manifest was opened
    return caught.value


def test_an_absolute_path_to_the_audit_key_is_refused_unread(
    tmp_path: Path, secret: Path, opened: list[str]
) -> None:
    folder = _folder(tmp_path, {"path": str(secret)})
    _refused(folder, "an absolute path", opened, secret)


@pytest.mark.parametrize(
    "path",
    ["../home/keys/audit.key", "../../../../etc/passwd", "sub/../../x", "..\\..\\x", "C:/x"],
)
def test_paths_leaving_the_folder_are_refused(
    tmp_path: Path, secret: Path, opened: list[str], path: str
) -> None:
    folder = _folder(tmp_path, {"path": path})
    _refused(folder, repr(path), opened, secret)


def test_a_symbolic_link_anywhere_on_the_path_is_refused(
    tmp_path: Path, secret: Path, opened: list[str]
) -> None:
    folder = _folder(tmp_path, {"path": "key.csv"})
    (folder / "key.csv").symlink_to(secret)
    _refused(folder, "symbolic link", opened, secret)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][1]["path"] = "keys/audit.key"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "keys").symlink_to(secret.parent)  # a linked folder on the way
    _refused(folder, "'keys' is a symbolic link", opened, secret)


def test_fifos_folders_and_hard_links_are_refused(
    tmp_path: Path, secret: Path, opened: list[str]
) -> None:
    folder = _folder(tmp_path, {"path": "pipe.csv"})
    os.mkfifo(folder / "pipe.csv")  # opening it for reading would block
    _refused(folder, "not a regular file", opened, secret)
    (folder / "pipe.csv").unlink()
    (folder / "pipe.csv").mkdir()
    _refused(folder, "not a regular file", opened, secret)
    (folder / "pipe.csv").rmdir()
    os.link(secret, folder / "pipe.csv")
    _refused(folder, "hard links", opened, secret)


def test_a_linked_manifest_or_agency_folder_is_refused(
    tmp_path: Path, secret: Path, opened: list[str]
) -> None:
    folder = _folder(tmp_path)
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").symlink_to(secret)
    with pytest.raises(PlanError, match="symbolic link"):
        plan([folder], None, None, None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "police").symlink_to(_folder(elsewhere))  # another agency's drop folder
    opened.clear()
    with pytest.raises(PlanError, match="a symbolic link, not a folder"):
        plan([root], None, None, None)
    assert "manifest.json" not in {Path(p).name for p in opened}


def test_a_refused_manifest_stores_and_prints_nothing(
    ing: IngestStore, tmp_path: Path, secret: Path
) -> None:
    folder = _folder(tmp_path, {"path": str(secret)})
    with pytest.raises(PlanError):
        plan([folder], None, None, None)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(Batch) == [] and s.list(QuarantinedRow) == []


def test_a_link_swapped_in_after_the_check_is_refused_when_opened(
    ing: IngestStore, tmp_path: Path, secret: Path
) -> None:
    folder = _folder(tmp_path)
    jobs = plan([folder], None, None, None)
    (folder / "supervision.csv").unlink()
    (folder / "supervision.csv").symlink_to(secret)  # after the check, before the read
    with pytest.raises(FileUnreadable, match="symbolic link"):
        open_regular(folder / "supervision.csv")
    result = run_jobs(ing.store.door, "joinedup-service", "data_ingest", jobs)
    assert result.reports == [] and "symbolic link" in result.unreadable[0]
    assert SECRET not in " ".join(result.unreadable)
    with ing.store.door.session("joinedup-service", "data_ingest") as s:
        assert s.list(SourceRecord) == [] and s.list(QuarantinedRow) == []
        assert s.list(Batch) == []


def test_open_regular_refuses_links_on_the_way_and_special_files(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "f.csv").write_text("a\n")
    (tmp_path / "via").symlink_to(real)
    with open_regular(real / "f.csv") as handle:
        assert handle.read() == b"a\n"
    with pytest.raises(FileUnreadable, match="'via' on its path is a symbolic link"):
        open_regular(tmp_path / "via" / "f.csv")
    with pytest.raises(FileUnreadable, match="not a regular file"):
        open_regular(real)
    with pytest.raises(FileUnreadable, match="cannot be opened"):
        open_regular(real / "missing.csv")


def test_a_bound_folder_cannot_file_records_under_another_agency(
    ing: IngestStore, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, name="Health")  # the manifest claims another agency
    with pytest.raises(PlanError) as caught:
        plan([folder], "Police", None, None)
    assert "bound to agency 'Police'" in str(caught.value) and "'Health'" in str(caught.value)
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["name"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PlanError, match="'probation'"):  # with no name, 'agency' is the claim
        plan([folder], "Police", None, None)
    manifest["name"] = "Police"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert {job.agency for job in plan([folder], "Police", None, None)} == {"Police"}
    del manifest["agency"], manifest["name"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    jobs = plan([folder], "Police", None, None)  # no claim: filed under the bound agency
    assert {job.agency for job in jobs} == {"Police"}
    result = run_jobs(ing.store.door, "joinedup-service", "data_ingest", jobs)
    assert [r.accepted for r in result.reports] == [2]


def test_invalid_manifests_are_refused_naming_the_problem(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    path = folder / "manifest.json"
    cases = {
        '{"name": "Police", "files": [{"path": "supervision.csv", "format": "probation", '
        '"rows": "two"}]}': "files.0.rows",
        '{"name": "Police", "files": [{"path": 7, "format": "probation"}]}': "files.0.path",
        '{"name": "Police", "files": [{"path": "supervision.csv", "format": "probation", '
        '"delimiter": ";;"}]}': "files.0.delimiter",
        '{"name": "Police", "files": [], "surprise": 1}': "surprise",
        '{"name": "Police", "files": ["supervision.csv"]}': "files.0",
        "[1, 2]": "the document",
        "{not json": "not a readable manifest",
    }
    for text, fragment in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PlanError, match=r"manifest\.json") as caught:
            plan([folder], None, None, None)
        assert fragment in str(caught.value), (text, str(caught.value))
    path.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(PlanError, match="byte limit"):
        plan([folder], None, None, None)
