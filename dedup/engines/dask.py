"""Corpus mode on a ``dask.distributed`` cluster (optional extra ``dedup[dask]``).

A thin layer: the same per-batch functions of :mod:`dedup.corpus` are
submitted as tasks, and the LSH step — group every ``(band, band hash)`` key
and pair its members — is a ``dask.dataframe`` shuffle on that key followed
by :func:`dedup.fingerprint.lsh.bucket_pairs` on each partition.  Because a key lands
wholly in one partition and pairs are sorted and de-duplicated at the end,
the candidate pairs are exactly those of the local engine.

Connected components are labelled with scipy in this process while the graph
is small (``gather_edges``, default 20 million edges: scipy's CSR copy of such
a graph is ~0.5 GB); beyond that, by the large-star / small-star rounds of
:mod:`dedup.graph` on the cluster: each round shuffles the edges on one
endpoint and applies the same numpy step to every partition, and only the
labels (8 bytes per document) come back.  Both give each document the
smallest document of its component, so the clusters are the same.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from typing import Any

import numpy as np

from ..errors import UsageError


def _require():
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs the dask extra: pip install 'dedup[dask]'") from None
    return distributed


def _partition_pairs(df, limit: int):
    """Candidate pairs of one shuffled partition (module level: workers import it)."""
    import pandas as pd

    from ..fingerprint.lsh import bucket_pairs

    if len(df) == 0:
        return pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64)})
    p = bucket_pairs(df["band"].to_numpy(), df["hash"].to_numpy(), df["doc"].to_numpy(), df["rank"].to_numpy(), limit)
    return pd.DataFrame({"a": p[:, 0], "b": p[:, 1]})


def _band_rows(data):
    """``(band, hash, doc, rank)`` rows of a slice of the band table (runs on a worker)."""
    import pandas as pd

    table, docs, rank = data
    nb = table.shape[1]
    return pd.DataFrame(
        {
            "band": np.tile(np.arange(nb, dtype=np.int64), len(docs)),
            "hash": table.ravel().astype(np.uint64),
            "doc": np.repeat(docs.astype(np.int64), nb),
            "rank": np.repeat(rank.astype(np.int64), nb),
        }
    )


_EDGES_META = {"a": np.int64, "b": np.int64}


def _frame(e: np.ndarray):
    import pandas as pd

    return pd.DataFrame({"a": e[:, 0], "b": e[:, 1]})


def _edge_rows(e: np.ndarray):
    """A slice of the input edge list as a frame (runs on a worker)."""
    return _frame(np.asarray(e, dtype=np.int64).reshape(-1, 2))


def _large_star(df):
    """Large-star step of one partition of directed edges ``(u, v)`` shuffled on ``u``."""
    from ..graph import large_star_part

    return _frame(large_star_part(df["u"].to_numpy(np.int64), df["v"].to_numpy(np.int64)))


def _small_star(df):
    """Small-star step of one partition of edges ``(a, b)`` shuffled on ``b``."""
    from ..graph import small_star_part

    return _frame(small_star_part(df["a"].to_numpy(np.int64), df["b"].to_numpy(np.int64)))


def _unsettled(df):
    import pandas as pd

    from ..graph import unsettled_part

    return pd.Series([unsettled_part(df["u"].to_numpy(np.int64), df["v"].to_numpy(np.int64))], dtype=np.int64)


#: a worker preload (``dask_setup``) that makes the local cluster's processes ignore SIGINT
_IGNORE_SIGINT = "dedup.engines._ignore_sigint"


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread while the local cluster starts; a Ctrl-C meanwhile is delivered after.

    The preload that makes the cluster's processes ignore SIGINT runs only once
    they have imported dask: a Ctrl-C in the seconds before (a terminal's
    reaches the whole process group) printed a KeyboardInterrupt traceback
    from each process still importing.  A blocked signal stays blocked across
    the spawn (the mask is inherited over fork and exec, by the cluster's loop
    thread too), so in those processes it waits until the preload discards it;
    here it is raised as soon as the mask is restored.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    # multiprocessing's resource tracker must be running already (:func:`_start_resource_tracker`)
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _start_resource_tracker() -> bool:
    """Start multiprocessing's resource tracker now, before SIGINT is blocked; whether this started it.

    The tracker, started by the first spawn, blocks SIGINT around its own
    spawn and then unblocks it in the spawning thread: a worker spawned next
    from that thread started with SIGINT open.  Started before the mask
    (:func:`_sigint_blocked`), a later spawn finds it running.
    """
    from multiprocessing import resource_tracker

    running = getattr(resource_tracker._resource_tracker, "_fd", None) is not None
    resource_tracker.ensure_running()
    return not running


def _stop_resource_tracker(wait: float = 5.0) -> None:
    """Stop the resource tracker and reap it (it is this process's child).

    Left to itself it exits only when this process does, and is then an
    orphan zombie until the system's init reaps it: on this machine's init,
    for a second or more, so a Ctrl-C'd run seemed to leave a process behind
    in its process group (the Ctrl-C test's flaky "left" pid).  A later spawn
    starts it again.
    """
    from multiprocessing import resource_tracker

    tracker: Any = resource_tracker._resource_tracker  # (its _fd, _pid and _lock are not typed)
    lock = getattr(tracker, "_lock", None)
    if lock is None or not hasattr(tracker, "_fd"):
        return
    with lock:
        fd, pid = tracker._fd, tracker._pid
        if fd is None:
            return
        tracker._fd = tracker._pid = None
    os.close(fd)
    # it exits once every copy of its pipe is closed; a worker spawned by a cluster start that a Ctrl-C
    # cut short still holds one until it sees this process gone, so a blocking wait (the tracker's own
    # _stop) waited for ever: reap it if it goes soon, else leave it to exit with us
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.02)


#: per worker process: how many tasks of each engine (by its token) are running there
_RUNNING: dict[str, int] = {}
_RUNNING_LOCK = threading.Lock()


def _tracked(token: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, counted in :data:`_RUNNING` while it runs (on a worker), so that the driver can wait for it."""
    with _RUNNING_LOCK:
        _RUNNING[token] = _RUNNING.get(token, 0) + 1
    try:
        return fn(*args)
    finally:
        with _RUNNING_LOCK:
            _RUNNING[token] -= 1


def _running(token: str) -> int:
    """How many of the engine ``token``'s tasks run in this worker process (``client.run``)."""
    return _RUNNING.get(token, 0)


class DaskEngine:
    """Runs tasks on a scheduler at ``scheduler``, or on a ``LocalCluster`` it starts (and stops).

    ``gather_edges``: up to this many edges, components are labelled here with
    scipy; above it, on the cluster (see the module docstring).
    """

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        *,
        processes: bool = True,
        gather_edges: int = 20_000_000,
        max_rounds: int = 200,
        band_rows: int = 2_000_000,
    ) -> None:
        distributed = _require()
        self.gather_edges = gather_edges
        #: rows (document x band) per partition of the band-key shuffle
        self.band_rows = band_rows
        self.max_rounds = max_rounds
        #: resubmissions of a task the scheduler cancelled or forgot
        self.retries = 3
        self.rounds = 0
        self._cluster = None
        self._scratch: str | None = None
        self._tracker = False  # we started multiprocessing's resource tracker (and stop it at close)
        #: names this engine's tasks on the workers (:meth:`drain`)
        self._token = uuid.uuid4().hex
        self.client: Any = None
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout="10s")
            else:
                # the workers' scratch space is ours to remove (LocalCluster leaves dask-scratch-space in TMPDIR)
                self._scratch = tempfile.mkdtemp(prefix="dedup-dask-")
                import dask

                self._tracker = _start_resource_tracker()  # before SIGINT is blocked: see there
                with dask.config.set({"temporary-directory": self._scratch}), _sigint_blocked():  # the scheduler's and workers' spill space
                    self._cluster = distributed.LocalCluster(
                        n_workers=workers or 1,
                        threads_per_worker=1,
                        processes=processes,
                        dashboard_address=":0",
                        silence_logs=50,
                        local_directory=self._scratch,
                        # Ctrl-C reaches the whole process group: the driver closes the cluster, so its
                        # nannies and workers ignore it (each printed a KeyboardInterrupt traceback)
                        **({"preload": [_IGNORE_SIGINT], "preload_nanny": [_IGNORE_SIGINT]} if processes else {}),
                    )
                self.client = distributed.Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise UsageError(f"cannot reach the dask scheduler {scheduler or '(local)'}: {exc}") from None
        except BaseException:
            self.close()  # a Ctrl-C while the cluster started: its processes and scratch space go too
            raise
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})) or (workers or 1))

    def imap(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``fn(item, *args)`` for every item on the cluster, results in input order.

        Every future (the scattered batch and its task) is held here until its
        result is read, and a task the scheduler cancelled or forgot (a client
        whose heartbeat timed out on a loaded machine is forgotten with all
        its futures) is submitted again: the functions are pure, so a retry
        gives the same result.
        """
        pending: deque = deque()
        name = getattr(fn, "__name__", "task")

        def submit(item: Any) -> tuple[Any, Any, Any]:
            # the batch goes to a worker as data, not inside the task graph (a verification
            # chunk of long keys is tens of MB: dask warns, and the scheduler would hold it)
            data = self.client.scatter([item], hash=False)[0]
            return item, data, self.client.submit(_tracked, self._token, fn, data, *args, key=f"{name}-{uuid.uuid4().hex}")

        def result(entry: tuple[Any, Any, Any]) -> Any:
            item, _, future = entry
            for attempt in range(self.retries + 1):
                try:
                    return future.result()
                except CancelledError:
                    if attempt == self.retries:
                        raise
                    item, _, future = submit(item)
            raise AssertionError("unreachable")

        try:
            for item in items:
                pending.append(submit(item))
                if len(pending) >= 2 * self.workers:
                    yield result(pending.popleft())
            while pending:
                yield result(pending.popleft())
        finally:
            if pending:  # given up (an error, a Ctrl-C): the tasks not started yet never start
                with contextlib.suppress(Exception):
                    self.client.cancel([f for _, _, f in pending])

    def drain(self, timeout: float = 60.0) -> None:
        """Wait (up to ``timeout`` s) until none of this engine's tasks still runs on a worker.

        A cancelled task that had started runs to its end: after an error or a
        Ctrl-C, its files would land in folders the driver is removing (the
        work folder, a text output's staging folder).  Each worker counts the
        tasks it runs (:func:`_tracked`); the driver asks them.
        """
        deadline = time.monotonic() + timeout
        while self.client is not None:
            try:
                busy = sum(self.client.run(_running, self._token).values())
            except Exception:
                return  # the cluster is gone: nothing runs there
            if not busy or time.monotonic() > deadline:
                return
            time.sleep(0.05)

    def band_pairs(self, bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
        """The band-key shuffle: rows are built on the workers from scattered slices of the band table.

        This process only holds the table itself (8 bytes per document and
        band, the index's own size), never its exploded rows.
        """
        import dask.dataframe as dd
        import pandas as pd
        from dask import delayed

        if len(ids) < 2:
            return np.empty((0, 2), np.int64)
        per = max(1, self.band_rows // bands.shape[1])
        parts = []
        for s in range(0, len(ids), per):
            chunk = ids[s : s + per]
            data = self.client.scatter((bands[chunk], chunk, rank[chunk]), direct=False)
            parts.append(delayed(_band_rows)(data))
        meta = pd.DataFrame({"band": np.empty(0, np.int64), "hash": np.empty(0, np.uint64), "doc": np.empty(0, np.int64), "rank": np.empty(0, np.int64)})
        frame = dd.from_delayed(parts, meta=meta, verify_meta=False)
        nparts = max(self.workers, len(parts))
        shuffled = frame.shuffle(on=["band", "hash"], npartitions=nparts)
        out = pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64)})
        pairs = shuffled.map_partitions(_partition_pairs, limit, meta=out).compute()
        if len(pairs) == 0:
            return np.empty((0, 2), np.int64)
        return np.unique(pairs[["a", "b"]].to_numpy(np.int64), axis=0)

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        from ..graph import components

        if len(edges) <= self.gather_edges:
            return components(n, edges)
        return self.star_components(n, edges)

    def star_components(self, n: int, edges: np.ndarray) -> np.ndarray:
        """:func:`dedup.graph.star_components` with every round on the cluster.

        Each round persists its edges, so the task graph never grows with the
        number of rounds; the stopping test (no unsettled node) is one small
        sum per round.
        """
        import dask.dataframe as dd
        import pandas as pd
        from dask import delayed

        from ..graph import star_labels

        if not len(edges):
            return np.arange(n, dtype=np.int64)
        # edges go to the workers a slice at a time; nothing here copies the whole list
        per = self.band_rows
        parts = [delayed(_edge_rows)(self.client.scatter(edges[s : s + per], direct=False)) for s in range(0, len(edges), per)]
        nparts = max(2 * self.workers, len(parts))
        meta = pd.DataFrame({k: np.empty(0, t) for k, t in _EDGES_META.items()})
        cur = dd.from_delayed(parts, meta=meta, verify_meta=False)
        for r in range(self.max_rounds):
            both = dd.concat([cur.rename(columns={"a": "u", "b": "v"}), cur.rename(columns={"b": "u", "a": "v"})])
            by_u = both.shuffle(on="u", npartitions=nparts).persist()
            # the raw input may hold duplicates, loops and (b, a) rows: one round makes it canonical first
            if r and int(by_u.map_partitions(_unsettled, meta=pd.Series(dtype=np.int64)).sum().compute()) == 0:
                self.rounds = r
                stars = cur.compute()
                return star_labels(n, stars[["a", "b"]].to_numpy(np.int64))
            large = by_u.map_partitions(_large_star, meta=meta)
            cur = large.shuffle(on="b", npartitions=nparts).map_partitions(_small_star, meta=meta).persist()
        raise RuntimeError(f"connected components did not settle in {self.max_rounds} rounds")

    def close(self) -> None:
        stopped = False  # the cluster's processes are gone (they hold the resource tracker's pipe)
        try:
            if self.client is not None:
                self.client.close()
        finally:
            try:
                if self._cluster is not None:
                    self._cluster.close()
                    stopped = True
            finally:
                if self._scratch is not None:
                    shutil.rmtree(self._scratch, ignore_errors=True)
                # after a start a Ctrl-C cut short, workers spawned may outlive the close: the tracker
                # then exits with this process (stopping it here waited for ever on them)
                if self._tracker and stopped:
                    _stop_resource_tracker()
                    self._tracker = False
