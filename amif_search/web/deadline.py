"""A deadline for each request: an answer within a bounded time, whatever the query costs.

Python cannot stop a thread, so each request is computed by a small pool of workers while
the server's thread waits at most the deadline for it; a request that takes longer is
answered ``503`` (its computation finishes in the background, holding its worker). When
every worker is still busy with such requests, a new one waits for a worker only until its
own deadline.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from time import monotonic
from typing import Callable, TypeVar

__all__ = ["Deadline", "DeadlineExceeded"]

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """A request was not answered within its deadline."""


class Deadline:
    """Runs each call on one of ``workers`` threads and gives up waiting after ``seconds``."""

    def __init__(self, seconds: float, workers: int) -> None:
        if seconds <= 0 or workers < 1:
            raise ValueError("a deadline needs a positive time and at least one worker")
        self.seconds = seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="amif-search-request")
        self._free = threading.BoundedSemaphore(workers)

    def run(self, call: Callable[[], T]) -> T:
        """``call()``, or :class:`DeadlineExceeded` when it is not done within the deadline."""
        end = monotonic() + self.seconds
        if not self._free.acquire(timeout=self.seconds):
            raise DeadlineExceeded
        try:
            future = self._pool.submit(call)
        except BaseException:
            self._free.release()
            raise
        future.add_done_callback(lambda _done: self._free.release())
        try:
            return future.result(timeout=max(0.0, end - monotonic()))
        except FutureTimeout:
            raise DeadlineExceeded from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
