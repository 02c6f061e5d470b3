"""The default engine: this process, or a pool of worker processes on this machine."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator

import numpy as np


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, and exit when the parent is gone.

    A parent killed outright (SIGKILL, the OOM killer) cannot stop its pool;
    without the watch, its workers would live on, orphaned, finishing work
    nobody will read.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="dedup-parent-watch", daemon=True).start()


class LocalEngine:
    """``workers == 1`` runs everything inline; more uses a spawn-based process pool.

    Results come back in submission order and at most ``2 * workers`` tasks are
    in flight, so memory stays bounded by a few batches whatever the corpus
    size.  ``spawn`` (not ``fork``) keeps workers independent of whatever
    threads the parent has (tqdm, dask clients in the same process).
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))
        return self._pool

    def imap(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        if self.workers == 1:
            for item in items:
                yield fn(item, *args)
            return
        pool = self._get_pool()
        pending: deque[Future] = deque()
        for item in items:
            pending.append(pool.submit(fn, item, *args))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def band_pairs(self, bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
        from ..corpus import bucket_pairs

        # one band at a time: the same pairs (keys never span bands), a fraction of the memory
        out = []
        r = rank[ids]
        for b in range(bands.shape[1]):
            out.append(bucket_pairs(np.full(len(ids), b, dtype=np.int64), bands[ids, b], ids, r, limit))
        pairs = np.concatenate(out) if out else np.empty((0, 2), np.int64)
        return np.unique(pairs, axis=0) if len(pairs) else np.empty((0, 2), np.int64)

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        from ..corpus import components

        return components(n, edges)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
