"""Preparing a file in a worker process, started before the importing process needs it.

A :class:`Preparation` runs :func:`joinedup.ingest.prepare.prepare` either in this process
(small files) or in a forked child that sends chunks back through a bounded queue, so on a
multi-core machine reading and converting overlap with inserting. Because prepared chunks do
not depend on the batch they will belong to, the next file of a run can be started while the
current one is still being inserted and committed (:func:`joinedup.ingest.run.run_jobs`).
The child stops by itself if the importing process is gone; :meth:`Preparation.close` stops it
when its work is not wanted (the file turned out to be imported already, or the run failed).
A child that dies without a word (killed, or crashed in a C library) refuses its file
(:class:`joinedup.ingest.files.FileUnreadable`) instead of leaving the import waiting forever.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from joinedup.ingest.files import FileUnreadable
from joinedup.ingest.layout import Layout
from joinedup.ingest.prepare import Chunk, prepare
from joinedup.ingest.reader import FileInfo, Opener
from joinedup.store.hooks import FieldCrypto

QUEUED_CHUNKS = 8  # chunks a worker may prepare ahead of the importing process
_DONE = "done"


def _produce(out: Any, parent: int, args: tuple[Any, ...]) -> None:
    def send(item: object) -> None:
        while True:
            try:
                out.put(item, timeout=1.0)
                return
            except queue.Full:
                if os.getppid() != parent:  # the importing process is gone: stop
                    os._exit(1)

    try:
        for item in prepare(*args):
            send(item)
    except BaseException as exc:
        send(exc)
        return
    send(_DONE)


def _from_worker(args: tuple[Any, ...]) -> tuple[Iterator[FileInfo | Chunk], Any]:
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=QUEUED_CHUNKS)
    process = context.Process(target=_produce, args=(channel, os.getpid(), args), daemon=True)
    process.start()

    def receive() -> Any:
        while True:
            try:
                return channel.get(timeout=1.0)
            except queue.Empty:
                if process.is_alive():
                    continue
            try:  # what it sent before it ended may still be on its way
                return channel.get(timeout=1.0)
            except queue.Empty:
                raise FileUnreadable(
                    f"{args[0]}: the process preparing it stopped unexpectedly (exit code "
                    f"{process.exitcode}); nothing of it was imported"
                ) from None

    def items() -> Iterator[FileInfo | Chunk]:
        while True:
            item = receive()
            if isinstance(item, BaseException):
                raise item
            if item == _DONE:
                return
            yield item

    return items(), process


class Preparation:
    """One file's preparation; read :meth:`info` first, then :meth:`chunks`."""

    def __init__(
        self, path: Path, layout: Layout, opener: Opener, cipher: FieldCrypto, in_worker: bool
    ) -> None:
        self.path = path
        args = (path, layout, opener, cipher)
        self._process: Any = None
        if in_worker:
            self._items, self._process = _from_worker(args)
        else:
            self._items = prepare(*args)

    def info(self) -> FileInfo:
        """What was learnt opening the file (raises ``FileUnreadable`` if it cannot be read)."""
        item = next(self._items)
        if not isinstance(item, FileInfo):
            raise RuntimeError("a preparation's info was already read")
        return item

    def chunks(self) -> Iterator[Chunk]:
        """The prepared chunks, in file order."""
        for item in self._items:
            if not isinstance(item, Chunk):
                raise RuntimeError("a preparation's chunks came before its info")
            yield item

    def close(self) -> None:
        """Stop preparing (a worker is ended); safe to call more than once."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(timeout=5)
            self._process = None
