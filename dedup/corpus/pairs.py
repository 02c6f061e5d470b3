"""Verified pairs: each candidate pair of documents scored once, through the engine, in a growing cache.

The cache is a dict of sorted columns (``code``, the pair as one uint64, then
``accepted``, ``similarity``, ``jaccard``, ``containment``, ``reason`` and
``cutoff``) that the index stores between runs, so no pair is ever scored twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..cluster import MatchConfig
from ..fingerprint.lsh import unique_pairs
from .batch import verify_key_pairs
from .decide import pair_codes
from .progress import bar
from .stages import Stages


class PairScores:
    """Scores pairs of indexed documents (their keys read from the index) and keeps the scores."""

    def __init__(self, keys: Callable[[], Any], match: MatchConfig, chunk: int, stages: Stages, stats: dict[str, Any], progress: bool = False) -> None:
        self.keys = keys  # () -> a reader: document number -> its matching key
        self.match = match
        self.chunk = chunk
        self.stages = stages
        self.stats = stats
        self.progress = progress

    def verify(self, pairs: np.ndarray, cache: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Scores of ``pairs`` not yet in ``cache``; returns the grown cache."""
        if not len(pairs):
            return cache
        codes = pair_codes(pairs)
        pos = np.searchsorted(cache["code"], codes)
        known = (pos < len(cache["code"])) & (cache["code"][np.minimum(pos, max(len(cache["code"]) - 1, 0))] == codes) if len(cache["code"]) else np.zeros(len(codes), bool)
        new_pairs = pairs[~known]
        todo = unique_pairs(new_pairs, int(new_pairs.max()) + 1 if len(new_pairs) else 0)
        self.stats["pairs_verified"] = self.stats.get("pairs_verified", 0) + len(todo)
        if not len(todo):
            return cache
        res = self.score(todo, self.match)
        new = {
            "code": pair_codes(todo),
            "accepted": res[:, 0].astype(bool),
            "similarity": res[:, 1],
            "jaccard": res[:, 2],
            "containment": res[:, 3],
            "reason": res[:, 4].astype(np.int8),
            # the threshold the similarity was cut off at: a 0 means "below this"
            "cutoff": np.full(len(todo), self.match.threshold),
        }
        merged = {k: np.concatenate([cache[k], new[k]]) for k in new}
        o = np.argsort(merged["code"], kind="stable")
        return {k: v[o] for k, v in merged.items()}

    def score(self, todo: np.ndarray, match: MatchConfig, stage: str = "verify") -> np.ndarray:
        """Rows of :func:`verify_pairs` for the pairs ``todo``, verified in chunks through the engine."""
        reader = self.keys()
        chunk = self.chunk

        def jobs() -> Iterator[tuple[np.ndarray, list[str]]]:
            for s in range(0, len(todo), chunk):
                yield key_pairs(todo[s : s + chunk], reader)

        meter = bar(self.progress, stage, "pairs", total=len(todo))
        results = []
        for r in self.stages.imap(stage, verify_key_pairs, jobs(), match):
            results.append(r)
            if meter is not None:
                meter.update(len(r))
        if meter is not None:
            meter.close()
        return np.concatenate(results)

    def near_scores(self, cache: dict[str, np.ndarray], pairs: np.ndarray, below: float = 0.15, at_most: int = 50_000) -> dict[str, np.ndarray]:
        """``cache`` with the similarity of rejected ``pairs`` (stored 0: below the cutoff) measured down to X - ``below``.

        Only for the list of pairs near X: a stored 0 says "below", not how far,
        so without this the list shows the accepted side only.  The pairs with the
        highest Jaccard go first (at most ``at_most``); ``accepted`` is not touched:
        the decisions were made by :meth:`CorpusRun._decide`.
        """
        if not len(pairs):
            return cache
        pos = np.searchsorted(cache["code"], pair_codes(pairs))
        zero = np.flatnonzero(cache["similarity"][pos] == 0)
        zero = zero[np.lexsort((zero, -cache["jaccard"][pos[zero]]))][:at_most]
        self.stats["near_threshold_rescored"] = int(len(zero))
        if not len(zero):
            return cache
        low = max(0.0, self.match.threshold - below)
        res = self.score(pairs[zero], dataclasses.replace(self.match, threshold=low), stage="near")
        out = dict(cache)
        out["similarity"] = cache["similarity"].copy()
        out["similarity"][pos[zero]] = res[:, 1]
        return out

    def lookup(self, cache: dict[str, np.ndarray], pairs: np.ndarray) -> np.ndarray:
        """Where each of ``pairs`` is in ``cache`` (every one must be there)."""
        pos = np.searchsorted(cache["code"], pair_codes(pairs))
        return pos


def key_pairs(pairs: np.ndarray, reader: Any) -> tuple[np.ndarray, list[str]]:
    """The job :func:`verify_key_pairs` takes for document ``pairs``: each document's key read once, equal keys once.

    >>> key_pairs(np.array([[0, 2], [1, 2]]), ["甲乙", "丙丁", "甲乙"])
    (array([[0, 0],
           [1, 0]]), ['甲乙', '丙丁'])
    """
    docs, where = np.unique(pairs, return_inverse=True)
    number: dict[str, int] = {}
    key_of = np.fromiter((number.setdefault(reader[d], len(number)) for d in docs.tolist()), dtype=np.int64, count=len(docs))
    return key_of[where.reshape(-1)].reshape(-1, 2), list(number)


__all__ = ["PairScores", "key_pairs"]
