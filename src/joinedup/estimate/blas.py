"""Keep BLAS single-threaded during batched fitting (threadpoolctl).

The batched Newton steps multiply many tiny matrices; a threaded BLAS's start-up makes those
products tens of times slower than on one thread, and parallelism comes from worker
processes instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with BLAS limited to one thread, then restore."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
