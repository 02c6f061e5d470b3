"""The kept sentences of one cluster, with a character-count filter for the fuzzy searches over them.

The reconstruction compares every sentence of a later copy with the sentences
its cluster kept so far (the *pool*).  A cluster of many copies that drift
(each a light edit of the one before) keeps a sentence every few copies, so
the pool grows with the cluster and a scan of all of it per sentence is
quadratic.  :class:`SentencePool` is that list (a ``list`` of keys, every list
operation as before) plus, per key, its characters counted into
:data:`BUCKETS` buckets.  Those counts bound what any alignment can match:
the longest common subsequence of two strings is at most
``sum(min(a[b], b[b]))`` over the buckets.  So most of the pool is ruled out
by one vectorised comparison, and the exact scorer (the one the full scan
used) runs only on what is left, in pool order -- which picks exactly what the
full scan picks, the earliest of equal best included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

#: buckets characters are counted into (a power of two: a mask picks the bucket)
BUCKETS = 512
#: below this many keys the plain scan is as fast as the filter's set-up
MIN_FILTERED = 48
#: keys longer than this are always candidates (their bucket counts could overflow ``uint16``)
MAX_COUNTED = 65_535
#: slack for float rounding in the bounds: a candidate is dropped only when clearly below the cut-off
_EPS = 1e-6


def char_counts(key: str) -> np.ndarray:
    """``key``'s characters counted into :data:`BUCKETS` buckets (by code point)."""
    codes = np.frombuffer(key.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.bincount(codes & (BUCKETS - 1), minlength=BUCKETS).astype(np.uint16)


class SentencePool(list):
    """A cluster's kept sentence keys in order, with the bucket counts of each (see the module).

    Behaves as the ``list`` it is; the counts follow ``append`` and item
    assignment, and any other change rebuilds them on the next search.
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        super().__init__(keys)
        # (allocated by the first search: most pools stay too small to be searched through the counts)
        self._counts = self._lengths = self._long = np.zeros(0)
        self._indexed = 0  # keys [0, _indexed) have their row; 0: (re)build all
        self._stale: set[int] = set()  # rows whose key was replaced

    # -- keeping the counts in step with the list ------------------------
    def __setitem__(self, i, value) -> None:
        super().__setitem__(i, value)
        if isinstance(i, int) and -len(self) <= i < len(self):
            self._stale.add(i % len(self))
        else:
            self._indexed = 0  # a slice: rebuild

    def _invalidate(self) -> None:
        self._indexed = 0

    def __delitem__(self, i) -> None:
        super().__delitem__(i)
        self._invalidate()

    def insert(self, i, value) -> None:
        super().insert(i, value)
        self._invalidate()

    def pop(self, i: int = -1) -> str:  # type: ignore[override]
        out = super().pop(i)
        self._invalidate()
        return out

    def remove(self, value) -> None:
        super().remove(value)
        self._invalidate()

    def sort(self, *args, **kwargs) -> None:
        super().sort(*args, **kwargs)
        self._invalidate()

    def reverse(self) -> None:
        super().reverse()
        self._invalidate()

    def clear(self) -> None:
        super().clear()
        self._invalidate()

    def _row(self, key: str) -> tuple[np.ndarray, int, bool]:
        long = len(key) > MAX_COUNTED
        return (np.zeros(BUCKETS, dtype=np.uint16) if long else char_counts(key)), len(key), long

    def _refresh(self) -> None:
        """Count the keys appended (or replaced) since the last search."""
        n = len(self)
        if self._indexed > n or self._indexed == 0:
            self._indexed = 0
            self._stale.clear()
            self._counts = np.zeros((max(n, 16), BUCKETS), dtype=np.uint16)
            self._lengths = np.zeros(max(n, 16), dtype=np.int64)
            self._long = np.zeros(max(n, 16), dtype=bool)
        if n > len(self._lengths):  # grow by doubling: appends stay linear
            cap = max(n, 2 * len(self._lengths))
            self._counts = np.concatenate([self._counts, np.zeros((cap - len(self._counts), BUCKETS), dtype=np.uint16)])
            self._lengths = np.concatenate([self._lengths, np.zeros(cap - len(self._lengths), dtype=np.int64)])
            self._long = np.concatenate([self._long, np.zeros(cap - len(self._long), dtype=bool)])
        for i in list(range(self._indexed, n)) + [j for j in self._stale if j < self._indexed]:
            self._counts[i], self._lengths[i], self._long[i] = self._row(self[i])
        self._indexed = n
        self._stale.clear()

    def _common(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per key: the bound on its common subsequence with ``key``, its length, and whether it is unbounded."""
        self._refresh()
        n = len(self)
        if len(key) > MAX_COUNTED:
            return np.full(n, len(key), dtype=np.int64), self._lengths[:n], np.ones(n, dtype=bool)
        common = np.minimum(self._counts[:n], char_counts(key)).sum(axis=1, dtype=np.int64)
        return common, self._lengths[:n], self._long[:n]

    # -- the searches ----------------------------------------------------
    def ratio_candidates(self, key: str, score_cutoff: float) -> np.ndarray:
        """Indices (ascending) of every key whose ``fuzz.ratio`` with ``key`` may reach ``score_cutoff``.

        ``fuzz.ratio`` is ``200 * LCS / (len(a) + len(b))`` and the LCS is at most the bucket bound.
        """
        common, lengths, long = self._common(key)
        bound = 200.0 * common / np.maximum(lengths + len(key), 1)
        return np.flatnonzero(long | (bound >= score_cutoff - _EPS) | (lengths + len(key) == 0))

    def prefix_candidates(self, key: str, score_cutoff: float) -> np.ndarray:
        """Indices (ascending) of every key that contains ``key`` or whose prefix of ``len(key)`` may
        reach ``score_cutoff`` (``fuzz.ratio``) with it.

        The prefix's common subsequence with ``key`` is at most the whole key's bucket bound, and at most
        ``len(key)``; its ``fuzz.ratio`` is then at most ``100 * bound / len(key)``.  A key that contains
        ``key`` has the bound ``len(key)``.
        """
        if not key:
            return np.arange(len(self))  # every key contains the empty one
        common, _lengths, long = self._common(key)
        bound = 100.0 * np.minimum(common, len(key)) / max(len(key), 1)
        return np.flatnonzero(long | (bound >= score_cutoff - _EPS))


def extract_best(key: str, pool: Sequence[str], score_cutoff: float) -> tuple[str, float, int] | None:
    """``process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=score_cutoff)``, the same answer.

    A large :class:`SentencePool` is searched through its candidates only (the
    others cannot reach the cut-off); the scan over them keeps pool order, so
    the earliest of equal best scores wins as in the full scan.
    """
    if not isinstance(pool, SentencePool) or len(pool) < MIN_FILTERED:
        return process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=score_cutoff)
    idx = pool.ratio_candidates(key, score_cutoff)
    if not len(idx):
        return None
    hit = process.extractOne(key, [pool[i] for i in idx], scorer=fuzz.ratio, score_cutoff=score_cutoff)
    if hit is None:
        return None
    return hit[0], hit[1], int(idx[hit[2]])


def prefix_order(key: str, pool: Sequence[str], score_cutoff: float) -> Iterable[int]:
    """The pool positions a scan for a truncated ``key`` must look at, in order (all of a small pool).

    Every key that contains ``key``, or whose beginning is ``score_cutoff`` similar to it, is among them.
    """
    if not isinstance(pool, SentencePool) or len(pool) < MIN_FILTERED:
        return range(len(pool))
    return (int(i) for i in pool.prefix_candidates(key, score_cutoff))
