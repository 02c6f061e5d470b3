"""The default engine: this process, or a pool of worker processes on this machine."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np

#: the signals a terminal or a service manager stops a run with; the parent handles them
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask, not the machine's core count."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def cap_workers(requested: int) -> int:
    """``requested`` worker processes, at most one per usable CPU (more only add memory and start-up)."""
    return max(1, min(int(requested), usable_cpus()))


#: glibc's mallopt parameters (malloc.h) and the values a corpus run sets
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MALLOC_SETTINGS = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 256 << 20), (_M_TOP_PAD, 64 << 20))
_MALLOC_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def keep_freed_memory() -> bool:
    """Let glibc's malloc reuse freed memory in this process instead of handing it back to the kernel at once.

    A corpus run allocates and frees arrays of a few MiB per batch (code
    points, shingles, signatures, pairs); by default each one above the
    mmap threshold is a fresh ``mmap`` whose pages the kernel faults in and
    zeroes, then unmaps on free.  A 20k-document run took 132 k minor page
    faults and 0.5 s of system time (2.1 s at 100k, 12 % of the run's CPU);
    with blocks up to 32 MiB served from the heap and 256 MiB of free heap
    kept, 47 k faults and about 0.3 s, the same peak RSS (310 MB).  For the
    CLI's own process and its workers only (a library caller's process is
    left alone), only on glibc, and not when the user set these through
    ``MALLOC_*_`` variables.  Returns whether the settings were applied.
    """
    if not sys.platform.startswith("linux") or any(v in os.environ for v in _MALLOC_ENV):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    # mallopt returns 1 on success, 0 where the libc refuses (or ignores) a setting
    return all([mallopt(param, value) == 1 for param, value in _MALLOC_SETTINGS])


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, and exit when the parent is gone.

    A terminal sends Ctrl-C to the whole process group: the parent alone
    decides (it kills the workers, see :meth:`LocalEngine.close`), so a
    worker never prints a traceback of its own.  The parent started this
    process with those signals blocked (so none could arrive before this
    point); ignored now, they are unblocked.  A parent killed outright
    (SIGKILL, the OOM killer) cannot stop its pool; without the watch, its
    workers would live on, orphaned, finishing work nobody will read.
    """
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    # --workers N means N threads of kernels in all: one per worker process, not every core each
    from ..fingerprint import kernels

    kernels.set_thread_budget(1)
    keep_freed_memory()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="dedup-parent-watch", daemon=True).start()


@contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a moment (delivered on exit), in this thread and the processes it starts.

    ``submit`` may start a worker; a child inherits the signal mask, so the
    worker cannot be hit by the terminal's Ctrl-C while it is still
    importing, before :func:`_worker_init` ignores it.  The parent gets the
    signal as soon as the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """``np.unique(pairs, axis=0)`` for pairs of document numbers below ``n``: the same rows, in the same order.

    One sort of a 64-bit code per pair instead of numpy's row-wise unique (a
    structured view, sorted field by field), which took most of the band stage.

    >>> unique_pairs(np.array([[2, 1], [0, 3], [2, 1], [0, 1]]), 4).tolist()
    [[0, 1], [0, 3], [2, 1]]
    """
    if not len(pairs):
        return np.empty((0, 2), np.int64)
    if n >= 2**31:  # a * n + b would overflow 64 bits
        return np.unique(pairs, axis=0)
    from ..fingerprint.lsh import sorted_unique

    code = sorted_unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


#: from this many documents on, a pair no longer fits one 64-bit code ``a * n + b``
PAIR_CODE_LIMIT = 2**31


def band_pairs(bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
    """Sorted unique ``(a, b)`` pairs, ``a < b``, of the ``ids`` sharing a band hash: ``lsh.bucket_pairs`` over every band.

    The same rows as concatenating ``bucket_pairs`` band by band and making
    them unique, at a fraction of its cost: the members are put in rank
    order once; in each band only the hashes that may repeat
    (:func:`~dedup.fingerprint.lsh.maybe_repeated`) are sorted, stably, so
    members of a run keep rank order; and the pairs of all bands are made
    unique once, as one sorted array of 64-bit codes.

    >>> band_pairs(np.array([[7, 1], [7, 2], [8, 2]], np.uint64), np.arange(3), np.array([2, 1, 0]), 64).tolist()
    [[0, 1], [1, 2]]
    """
    from ..fingerprint.lsh import maybe_repeated, run_pairs, sorted_unique

    n = len(bands)
    if len(ids) < 2 or not bands.shape[1]:
        return np.empty((0, 2), np.int64)
    if n >= PAIR_CODE_LIMIT:  # a * n + b would overflow 64 bits: rows made unique as rows
        found = [bucket for b in range(bands.shape[1]) for bucket in _band_runs(bands[ids, b], ids, rank[ids], limit)]
        return unique_pairs(np.concatenate(found), n) if found else np.empty((0, 2), np.int64)
    by_rank = np.argsort(rank[ids], kind="stable")  # stable: ties keep the ids' order, as lexsort did
    members = ids[by_rank].astype(np.int64)
    codes: list[np.ndarray] = []
    for h in _columns(bands, members):
        # a hash held once makes no pair: sort only those that may repeat (a subset keeps its rank order)
        may = np.flatnonzero(maybe_repeated(h))
        h_may = h[may]
        order = np.argsort(h_may, kind="stable")
        hs = h_may[order]
        new = np.ones(len(hs), dtype=bool)
        new[1:] = hs[1:] != hs[:-1]
        for p in run_pairs(new, members[may][order], limit):
            a, b = np.minimum(p[:, 0], p[:, 1]), np.maximum(p[:, 0], p[:, 1])
            codes.append((a * n + b)[a != b])
    if not codes:
        return np.empty((0, 2), np.int64)
    code = sorted_unique(np.concatenate(codes))
    return np.stack([code // n, code % n], axis=1)


def _band_runs(h: np.ndarray, docs: np.ndarray, rank: np.ndarray, limit: int) -> list[np.ndarray]:
    """The pairs of one band's runs of equal hashes, members in ``rank`` order (``(low, high)``, none of a document with itself)."""
    from ..fingerprint.lsh import run_pairs

    order = np.lexsort((rank, h))
    hs, d = h[order], docs[order].astype(np.int64)
    new = np.ones(len(hs), dtype=bool)
    new[1:] = hs[1:] != hs[:-1]
    out = []
    for p in run_pairs(new, d, limit):
        p = np.stack([np.minimum(p[:, 0], p[:, 1]), np.maximum(p[:, 0], p[:, 1])], axis=1)
        out.append(p[p[:, 0] != p[:, 1]])
    return out


#: up to this many accepted pairs the star rounds (0.13 s of CPU for 72 k pairs over 100 k documents)
#: cost less than importing scipy.sparse.csgraph (~0.28 s); beyond, scipy labels them
STAR_MAX_EDGES = 150_000


#: band columns gathered at once by :func:`_columns` (a copy of 8 columns, not of the whole table)
_COLUMNS_AT_ONCE = 8


def _columns(bands: np.ndarray, rows: np.ndarray) -> Iterator[np.ndarray]:
    """Each column of ``bands[rows]``, contiguous: a few columns per gather, not one strided column at a time."""
    for b0 in range(0, bands.shape[1], _COLUMNS_AT_ONCE):
        yield from np.ascontiguousarray(bands[rows, b0 : b0 + _COLUMNS_AT_ONCE].T)


class LocalEngine:
    """``workers == 1`` runs everything inline; more uses a spawn-based process pool.

    Results come back in submission order and at most ``2 * workers`` tasks are
    in flight, so memory stays bounded by a few batches whatever the corpus
    size.  ``spawn`` (not ``fork``) keeps workers independent of whatever
    threads the parent has (tqdm, dask clients in the same process).
    ``workers`` is capped at the usable CPUs (:func:`cap_workers`).

    A run abandoned half-way (Ctrl-C, SIGTERM, an error while results are
    still outstanding) must not wait for the batches in flight, which take
    seconds each: :meth:`close` then kills the workers instead of joining
    them.
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = cap_workers(workers)
        self._pool: ProcessPoolExecutor | None = None
        self._outstanding: set[Future] = set()

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))
        return self._pool

    def _submit(self, pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future:
        with _stop_signals_blocked():  # and a Ctrl-C held back is raised only once the future is tracked
            future = pool.submit(fn, *args)
            self._outstanding.add(future)
            future.add_done_callback(self._outstanding.discard)
        return future

    def imap(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        if self.workers == 1:
            from ..fingerprint import kernels

            for item in items:
                # one worker is one thread of kernels (rapidfuzz's batch calls included)
                with kernels.thread_budget(1):
                    result = fn(item, *args)
                yield result
            return
        pool = self._get_pool()
        pending: deque[Future] = deque()
        try:
            for item in items:
                pending.append(self._submit(pool, fn, item, *args))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # abandoned (an exception, or the consumer stopped early)
                future.cancel()

    def band_pairs(self, bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
        """:func:`band_pairs`: the rows of ``lsh.bucket_pairs`` band by band, made unique (numpy only, one thread)."""
        return band_pairs(bands, ids, rank, limit)

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        """scipy's labels (components numbered in the order of their smallest document), without importing scipy.sparse.

        Importing ``scipy.sparse.csgraph`` costs ~0.3 s of CPU per run (it
        brings ``scipy.sparse.linalg`` and ``scipy.linalg``); the star rounds
        of :mod:`dedup.graph` give each document its component's smallest
        document, and ranking those numbers gives scipy's labels.
        """
        from ..graph import components, star_components

        if len(edges) > STAR_MAX_EDGES:
            return components(n, edges)  # scipy's linear-time labelling now repays its import
        smallest = star_components(n, edges)
        return np.unique(smallest, return_inverse=True)[1].reshape(-1).astype(np.int64)

    def close(self) -> None:
        """Stop the pool: join idle workers after a finished run, kill them when the run is abandoned.

        Abandoned: work still in flight, or ``close`` called while an
        exception (Ctrl-C, SIGTERM, an error) is on its way out of the
        caller's ``finally``.  Even idle workers take seconds to exit
        politely (each unloads numpy, numba...): an interrupted run must not
        wait for that.
        """
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if sys.exc_info()[1] is not None or any(not f.done() for f in tuple(self._outstanding)):
            _kill_workers(pool)
        else:
            pool.shutdown(wait=True, cancel_futures=True)
        self._outstanding.clear()


def _kill_workers(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """End a pool now: cancel what is queued, SIGKILL the workers, reap them.

    Workers ignore SIGINT and SIGTERM (:func:`_worker_init`), so SIGKILL; they
    hold nothing to clean up (results only travel back to this process).
    ``ProcessPoolExecutor`` has no public way to do this before Python 3.14
    (``kill_workers``); its ``_processes`` map and ``_executor_manager_thread``
    are what that method and ``shutdown`` use.
    """
    kill = getattr(pool, "kill_workers", None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    if kill is not None:
        kill()
    else:
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            try:
                proc.kill()
            except (ProcessLookupError, ValueError, AttributeError):
                pass
    deadline = time.monotonic() + timeout
    for proc in processes:
        try:
            proc.join(max(0.0, deadline - time.monotonic()))
        except (AssertionError, ValueError):
            pass
    # the pool's manager thread sees its workers die and ends; waiting for it here leaves the
    # interpreter's exit handler (which joins it) nothing to wait for, so a late Ctrl-C cannot land there
    if manager is not None and manager.is_alive():
        manager.join(max(0.0, deadline - time.monotonic()))
