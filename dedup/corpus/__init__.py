"""Corpus mode: near-duplicate documents and boilerplate across many documents.

The single-document engine, applied one level up.  Each document gets a
matching key (:func:`~dedup.fingerprint.keys.matching_key` of its whole
text), shingles, a MinHash signature and LSH band hashes; candidate pairs are
documents sharing a ``(band, band hash)`` key (or an identical key); every
candidate is *verified* with :func:`dedup.cluster.score_pair`; clusters are
connected components of verified pairs (scipy), never raw buckets.  Each
cluster keeps one document by the single-document keep policy (most complete,
then the majority reading, then the earliest in input order); the others are
reported with the document they duplicate and the score that decided it.

Boilerplate is per *unit* (a line, or a sentence for pages without line
breaks): a unit whose normalised key occurs in at least ``min_docs`` (and
``share`` of) distinct documents is removed from every kept document — or
from all but the first, by choice — as cc_net and dolma do, and counted in
the report.  Each kept document then goes through :func:`dedup.pipeline.clean`
(switchable).

Work is streamed in batches through an engine (:mod:`dedup.engines`): the
functions ``fingerprint_batch``, ``bucket_pairs``, ``verify_pairs`` and
``finish_batch`` are pure functions of their arguments, so 1, 2 or N
workers (or Dask) give byte-identical results.  Memory holds one batch of
documents per worker plus the index: per document, its band hashes, a few
numbers and its unit hashes (keys and records wait on disk).

Incremental runs (``index=DIR``) add this run's documents to a persistent
:class:`~dedup.corpus.index.Index`; they are deduplicated against everything seen
before, and decisions about earlier documents that a newcomer changes are
reported again (``"revised": true``), so that the reports of two halves,
applied in order, equal the report of the whole.

The modules, each with one job:

- :mod:`~dedup.corpus.config` -- the settings (``CorpusConfig``, ``BoilerplateConfig``, ``corpus_match``);
- :mod:`~dedup.corpus.model` -- plain records: ``Prints``, ``Finished``, ``REASONS``;
- :mod:`~dedup.corpus.batch` -- the pure per-batch functions the engine runs on workers;
- :mod:`~dedup.corpus.decide` -- the driver's decisions: candidates, ``solve_clusters``, keepers, boilerplate;
- :mod:`~dedup.corpus.run` -- ``CorpusRun``, ``dedup_records`` and their ``CorpusDoc`` results, with
  :mod:`~dedup.corpus.stages` (engine + checkpoint), :mod:`~dedup.corpus.pairs` (pair scores),
  :mod:`~dedup.corpus.spill` (records on disk) and :mod:`~dedup.corpus.progress` (bars, memory);
- :mod:`~dedup.corpus.index` and :mod:`~dedup.corpus.checkpoint` -- what is kept on disk between runs.

Every public name of those modules is importable from ``dedup.corpus`` itself
(loaded on first use, so that ``import dedup.corpus.index`` stays light).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the module of this package that defines it
_EXPORTS = {
    "BoilerplateConfig": "config",
    "CorpusConfig": "config",
    "corpus_match": "config",
    "with_decisions": "config",
    "REASONS": "model",
    "REASON_CODE": "model",
    "Finished": "model",
    "Prints": "model",
    "document_key": "batch",
    "finish_batch": "batch",
    "fingerprint_batch": "batch",
    "hash64": "batch",
    "unit_hashes": "batch",
    "unit_keys": "batch",
    "unit_spans": "batch",
    "verify_pairs": "batch",
    "Solved": "decide",
    "boilerplate_owners": "decide",
    "boilerplate_table": "decide",
    "candidate_pairs": "decide",
    "content_lengths": "decide",
    "keep_order": "decide",
    "keepers": "decide",
    "near_threshold": "decide",
    "pair_codes": "decide",
    "rederive": "decide",
    "solve_clusters": "decide",
    "template_shares": "decide",
    "peak_rss_mib": "progress",
    "CorpusDoc": "run",
    "CorpusRun": "run",
    "dedup_records": "run",
    "Checkpoint": "checkpoint",
    "Index": "index",
}

#: names that lived in ``dedup.corpus`` before it was a package, re-exported from where they live now
_MOVED = {
    "bucket_pairs": "dedup.fingerprint.lsh",
    "components": "dedup.graph",
}

if TYPE_CHECKING:
    from .batch import document_key, fingerprint_batch, finish_batch, hash64, unit_hashes, unit_keys, unit_spans, verify_pairs
    from .checkpoint import Checkpoint
    from .config import BoilerplateConfig, CorpusConfig, corpus_match, with_decisions
    from .decide import (
        Solved,
        boilerplate_owners,
        boilerplate_table,
        candidate_pairs,
        content_lengths,
        keep_order,
        keepers,
        near_threshold,
        pair_codes,
        rederive,
        solve_clusters,
        template_shares,
    )
    from .index import Index
    from .model import REASON_CODE, REASONS, Finished, Prints
    from .progress import peak_rss_mib
    from .run import CorpusDoc, CorpusRun, dedup_records


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
    elif name in _MOVED:
        module = importlib.import_module(_MOVED[name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_MOVED))


__all__ = [
    "BoilerplateConfig",
    "CorpusConfig",
    "corpus_match",
    "with_decisions",
    "REASONS",
    "REASON_CODE",
    "CorpusDoc",
    "Finished",
    "Prints",
    "document_key",
    "finish_batch",
    "fingerprint_batch",
    "hash64",
    "unit_hashes",
    "unit_keys",
    "unit_spans",
    "verify_pairs",
    "Solved",
    "boilerplate_owners",
    "boilerplate_table",
    "candidate_pairs",
    "content_lengths",
    "keep_order",
    "keepers",
    "near_threshold",
    "pair_codes",
    "rederive",
    "solve_clusters",
    "template_shares",
    "peak_rss_mib",
    "CorpusRun",
    "dedup_records",
    "Checkpoint",
    "Index",
    "bucket_pairs",
    "components",
]
