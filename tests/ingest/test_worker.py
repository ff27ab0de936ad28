"""The preparing worker process: a worker that dies without a word refuses its file.

A child forked from a process with many threads (DuckDB, Arrow) can crash in a C library;
the importing process then used to wait on the queue forever.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from joinedup.access.crypto import FieldCipher
from joinedup.access.keys import Keyring
from joinedup.ingest.batch import open_delimited
from joinedup.ingest.files import FileUnreadable
from joinedup.ingest.layout import Column, Layout
from joinedup.ingest.reader import FileInfo, Record
from joinedup.ingest.worker import Preparation

CIPHER = FieldCipher(Keyring(active="k1", keys={"k1": secrets.token_bytes(32)}))
LAYOUT = Layout(format="t", record_type="person", key="ref", columns=(Column("ref"),))


def _crashing(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    os.kill(os.getpid(), signal.SIGSEGV)  # as a crash in a C library would
    raise AssertionError("not reached")


def _crashing_later(path: Path, layout: Layout) -> tuple[FileInfo, Iterator[Record]]:
    info, records = open_delimited(path, layout)

    def then_crash() -> Iterator[Record]:
        yield next(records)
        os.kill(os.getpid(), signal.SIGKILL)

    return info, then_crash()


def test_a_worker_that_dies_refuses_its_file_instead_of_hanging(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("ref\n" + "".join(f"R{i}\n" for i in range(10)), encoding="utf-8")
    started = time.monotonic()
    preparation = Preparation(path, LAYOUT, _crashing, CIPHER, in_worker=True)
    with pytest.raises(FileUnreadable, match=r"stopped unexpectedly \(exit code -11\)"):
        preparation.info()
    preparation.close()
    later = Preparation(path, LAYOUT, _crashing_later, CIPHER, in_worker=True)
    with pytest.raises(FileUnreadable, match=r"exit code -9"):  # whatever it had sent
        assert later.info().header == ["ref"]
        list(later.chunks())
    later.close()
    assert time.monotonic() - started < 30
