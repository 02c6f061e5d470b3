"""Executors for corpus mode: where the per-batch functions of :mod:`dedup.corpus` run.

The algorithms live in :mod:`dedup.corpus` as plain functions of arrays and
lists (fingerprint a batch, pairs from band-key runs, verify pairs, finish a
batch).  An engine only decides where they run and gathers results back *in
submission order*, which is why every engine gives byte-identical output:

- :class:`~dedup.engines.local.LocalEngine`: in this process (1 worker) or a
  ``concurrent.futures.ProcessPoolExecutor`` (N workers); the default.
- :class:`~dedup.engines.dask.DaskEngine`: a ``dask.distributed`` cluster (a
  ``LocalCluster`` or a scheduler address), with the band-key shuffle done by
  ``dask.dataframe``; needs the ``dedup[dask]`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import numpy as np


class Engine(Protocol):
    """What :class:`dedup.corpus.CorpusRun` needs from an executor."""

    #: how many tasks run at once (for batching decisions, never for results)
    workers: int

    def imap(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``fn(item, *args)`` for every item, results in the order of ``items``; bounded look-ahead."""
        ...

    def band_pairs(self, bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
        """Sorted unique candidate pairs of documents ``ids`` sharing a ``(band, bands[doc, band])`` key.

        ``bands`` is the (documents x bands) hash table and ``rank`` each
        document's rank; the pairs are those :func:`dedup.fingerprint.lsh.bucket_pairs`
        gives on all rows ``(band, hash, doc, rank[doc])`` at once.
        """
        ...

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        """Connected-component label of each of ``n`` nodes, as :func:`dedup.graph.components`."""
        ...

    def close(self) -> None:
        ...


def make_engine(name: str = "local", *, workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``dask``)."""
    from ..errors import UsageError

    if name == "local":
        if scheduler:
            raise UsageError("--scheduler needs --engine dask")
        from .local import LocalEngine

        return LocalEngine(workers or 1)
    if name == "dask":
        from .dask import DaskEngine

        return DaskEngine(workers=workers, scheduler=scheduler)
    raise UsageError(f"unknown engine {name!r} (choose local or dask)")


__all__ = ["Engine", "make_engine"]
