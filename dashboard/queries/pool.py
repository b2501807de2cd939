"""A bounded pool of background work: at most `workers` jobs run and `queue` wait; beyond that a job is refused at
once (limits.Busy) instead of piling up threads and memory, and the same job asked twice runs once."""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor

from dashboard.limits import Busy


class Bounded:
    """Jobs keyed by what they compute, run by `workers` threads with at most `queue` more waiting."""

    def __init__(self, workers: int, queue: int, name: str):
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix=name)
        self._room = workers + queue
        self._running: dict[Hashable, Future] = {}
        self._guard = threading.Lock()

    def submit(self, key: Hashable, job: Callable, *args) -> Future:
        """Return the future of `job(*args)`: the one already on its way under `key`, else a new one; raise Busy
        when the pool is full."""
        with self._guard:
            found = self._running.get(key)
            if found is not None:
                return found
            if len(self._running) >= self._room:
                raise Busy()
            future = self._running[key] = self._executor.submit(job, *args)
        future.add_done_callback(lambda _: self._forget(key))
        return future

    def _forget(self, key: Hashable) -> None:
        with self._guard:
            self._running.pop(key, None)
