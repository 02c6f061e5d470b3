"""Corpus mode on a ``dask.distributed`` cluster (optional extra ``dedup[dask]``).

A thin layer: the same per-batch functions of :mod:`dedup.corpus` are
submitted as tasks, and the LSH step — group every ``(band, band hash)`` key
and pair its members — is a ``dask.dataframe`` shuffle on that key followed
by :func:`dedup.corpus.bucket_pairs` on each partition.  Because a key lands
wholly in one partition and pairs are sorted and de-duplicated at the end,
the candidate pairs are exactly those of the local engine.  Edges and
connected components are then gathered to this process (scipy), which holds
while the edge list fits in memory (8 bytes per verified duplicate pair).
"""

from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..errors import UsageError


def _require():  # type: ignore[no-untyped-def]
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs the dask extra: pip install 'dedup[dask]'") from None
    return distributed


def _partition_pairs(df, limit: int):  # type: ignore[no-untyped-def]
    """Candidate pairs of one shuffled partition (module level: workers import it)."""
    import pandas as pd

    from ..corpus import bucket_pairs

    if len(df) == 0:
        return pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64)})
    p = bucket_pairs(df["band"].to_numpy(), df["hash"].to_numpy(), df["doc"].to_numpy(), df["rank"].to_numpy(), limit)
    return pd.DataFrame({"a": p[:, 0], "b": p[:, 1]})


class DaskEngine:
    """Runs tasks on a scheduler at ``scheduler``, or on a ``LocalCluster`` it starts (and stops)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *, processes: bool = True) -> None:
        distributed = _require()
        self._cluster = None
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout="10s")
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers or 1, threads_per_worker=1, processes=processes, dashboard_address=None, silence_logs=50
                )
                self.client = distributed.Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the dask scheduler {scheduler or '(local)'}: {exc}") from None
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})) or (workers or 1))

    def imap(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        pending: deque = deque()
        for item in items:
            pending.append(self.client.submit(fn, item, *args, pure=False))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def bucket_pairs(self, band: np.ndarray, hashes: np.ndarray, docs: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
        import dask.dataframe as dd
        import pandas as pd

        if len(docs) == 0:
            return np.empty((0, 2), np.int64)
        frame = pd.DataFrame({"band": band.astype(np.int64), "hash": hashes.astype(np.uint64), "doc": docs.astype(np.int64), "rank": rank.astype(np.int64)})
        nparts = max(1, min(64, len(frame) // 200_000 + self.workers))
        ddf = dd.from_pandas(frame, npartitions=nparts)
        shuffled = ddf.shuffle(on=["band", "hash"], npartitions=nparts)
        meta = pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64)})
        pairs = shuffled.map_partitions(_partition_pairs, limit, meta=meta).compute()
        if len(pairs) == 0:
            return np.empty((0, 2), np.int64)
        return np.unique(pairs[["a", "b"]].to_numpy(np.int64), axis=0)

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        from ..corpus import components

        return components(n, edges)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
