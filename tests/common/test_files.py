"""Private files (issue 13, point 11): created 0600 in folders created 0700 whatever the
umask, looser existing files tightened, no writing through a symbolic link."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.common.files import (
    LooseModeError,
    UnsafePathError,
    open_private,
    private_dir,
    require_private,
    write_private,
)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """Run as a process with the usual umask 022 (files would otherwise be 0644)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_creates_0600_in_new_0700_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "minutes.md"
    write_private(path, "# Minutes\n")
    assert path.read_text() == "# Minutes\n"
    assert _mode(path) == 0o600
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["minutes.md"]  # no temporary left


def test_an_existing_loose_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "entities.csv"
    path.write_text("old")
    path.chmod(0o644)
    with open_private(path, "w", encoding="utf-8") as handle:
        handle.write("new")
    assert path.read_text() == "new" and _mode(path) == 0o600
    path.chmod(0o664)
    write_private(path, b"bytes")
    assert path.read_bytes() == b"bytes" and _mode(path) == 0o600


def test_open_private_appends_and_refuses_reading_modes(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    for line in ("a\n", "b\n"):
        with open_private(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    assert path.read_text() == "a\nb\n"
    with pytest.raises(ValueError, match="mode 'r'"):
        open_private(path, "r")


def test_no_writing_through_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "export.csv"
    link.symlink_to(target)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        open_private(link)
    assert target.read_text() == "keep me"


def test_require_private_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    write_private(path, "secret")
    require_private(path)
    path.chmod(0o640)
    with pytest.raises(LooseModeError, match=r"audit.key has mode 0640.*chmod 600"):
        require_private(path)
    folder = private_dir(tmp_path / "keys")
    require_private(folder, 0o700)


@settings(max_examples=25, deadline=None)
@given(data=st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_write_private_keeps_exactly_what_it_is_given(data: str | bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out"
        write_private(path, data)
        if isinstance(data, bytes):
            assert path.read_bytes() == data
        else:
            assert path.read_bytes().decode("utf-8") == data
        assert _mode(path) == 0o600
