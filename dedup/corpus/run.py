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
``finish_batch`` below are pure functions of their arguments, so 1, 2 or N
workers (or Dask) give byte-identical results.  Memory holds one batch of
documents per worker plus the index: per document, its band hashes, a few
numbers and its unit hashes (keys and records wait on disk).

Incremental runs (``index=DIR``) add this run's documents to a persistent
:class:`~dedup.index.Index`; they are deduplicated against everything seen
before, and decisions about earlier documents that a newcomer changes are
reported again (``"revised": true``), so that the reports of two halves,
applied in order, equal the report of the whole.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import resource
import sys
import tempfile
import time
from collections import deque
import dataclasses
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Sequence

import numpy as np

from .checkpoint import Checkpoint
from .cluster import MatchConfig
from .corpus_model import REASONS, Finished, Prints
from .errors import InputError, OutputError
from .fingerprint.keys import KeyConfig, is_cjk, matching_keys
from .fingerprint import kernels
from .fingerprint.lsh import LSHConfig, band_hashes, bucket_pairs, optimal_param
from .fingerprint.minhash import signatures
from .fingerprint.shingle import shingle_sets
from .graph import components  # noqa: F401  (re-exported: dedup.corpus.components)
from .index import Index, Segment
from .io.records import Fields, remove_stale_temporaries
from .io.write import BufferedFile
from .reconstruct import KeepName, KeepPolicy, keep_policy_name
from .segment import sentences

_REASON_CODE = {r: i for i, r in enumerate(REASONS)}


#: a cluster's warning on its report lines, by the code CorpusRun keeps per document
_WARNINGS: tuple[str | None, ...] = (None, "giant cluster", "template cluster")


@dataclass(frozen=True)
class BoilerplateConfig:
    """When a repeated unit is boilerplate, and what happens to it.

    A unit is boilerplate when its key (at least ``min_chars`` characters)
    occurs in at least ``min_docs`` distinct documents and in at least
    ``share`` of them.  Documents of one cluster count once: a story posted
    five times, with edits, does not make its own sentences boilerplate.
    """

    enabled: bool = True
    #: "line" (cc_net's paragraphs) or "sentence" (pages without line breaks)
    unit: Literal["line", "sentence"] = "line"
    min_docs: int = 5
    share: float = 0.0
    #: "none": removed from every document; "first": kept in the first kept document that has it
    keep: Literal["none", "first"] = "none"
    #: shorter unit keys (bare numbers, "更多") are never counted
    min_chars: int = 5

    def __post_init__(self) -> None:
        if self.unit not in ("line", "sentence"):
            raise ValueError(f"boilerplate unit must be line or sentence, not {self.unit!r}")
        if self.keep not in ("none", "first"):
            raise ValueError(f"boilerplate keep must be none or first, not {self.keep!r}")
        if self.min_docs < 2:
            raise ValueError("boilerplate min_docs must be at least 2")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("boilerplate share must be in [0, 1]")


def corpus_match() -> MatchConfig:
    """Document-level matching: the single-document engine, two settings moved.

    - edit similarity 0.85 and containment 0.9 instead of 0.8: whole news
      pages built on one template (SogouCS: two donation notices differing in
      donor and amount score 0.80 similar, 0.82 contained) are different
      stories, while republished copies score > 0.95 and a page repeated
      inside a longer one (a FAQ block) is contained at 1.0;
    - LSH from Jaccard 0.3 instead of 0.5 (42 bands of 3 rows): a page wholly
      contained in a longer one (same FAQ block, Jaccard 0.43) must become a
      candidate so that containment can be verified; the extra candidates are
      cheap to reject.
    """
    return MatchConfig(threshold=0.85, containment=0.9, lsh=LSHConfig(threshold=0.3))


@dataclass(frozen=True)
class CorpusConfig:
    """Every corpus-mode setting; change one with ``dataclasses.replace``."""

    match: MatchConfig = field(default_factory=corpus_match)
    keys: KeyConfig = field(default_factory=KeyConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    #: run every kept document through :func:`dedup.pipeline.clean`
    clean: bool = True
    #: settings of that per-document cleaning (None: the pipeline's defaults)
    pipeline: Any = None
    #: "most_complete" (longest key without boilerplate, then majority, then earliest) or "earliest",
    #: by name or as its function in :mod:`dedup.reconstruct` (kept as the name)
    keep: KeepName | KeepPolicy = "most_complete"
    #: documents per task
    batch_size: int = 500
    #: pairs per verification task
    verify_chunk: int = 4000
    #: clusters with at least this many members are named in the stats (a template or a chain, not a story)
    giant_cluster: int = 1000
    #: clusters of at least this many members whose members share mostly one text (see
    #: :func:`template_shares`: at least ``template_share`` of their band hashes held by half of them)
    #: are named like giant ones: a template with different fills (Marin #6851), not one story
    template_cluster: int = 20
    template_share: float = 0.5
    #: representatives per cluster tried before the rest of a cluster is kept as is (never removed unverified)
    max_solve_rounds: int = 10_000
    #: a record whose text is larger (UTF-8 bytes) is not compared or cleaned, but kept and
    #: written unchanged, with a note in its report line (None: no limit).  Cleaning costs
    #: ~100 bytes of memory per byte of text: an 8 MiB record peaked at 849 MiB and took 28 s,
    #: a 64 MiB one 7.3 GB and 137 s (docs/corpus.md).
    max_record_bytes: int | None = 8 * 1024 * 1024

    def __post_init__(self) -> None:
        object.__setattr__(self, "keep", keep_policy_name(self.keep))
        if self.batch_size < 1 or self.verify_chunk < 1:
            raise ValueError("batch sizes must be positive")
        if self.max_record_bytes is not None and self.max_record_bytes < 1:
            raise ValueError("max_record_bytes must be positive (or None)")

    def oversized(self, text: str) -> bool:
        """Whether ``text`` is above :attr:`max_record_bytes` (encoded only when it may be)."""
        limit = self.max_record_bytes
        return limit is not None and len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit

    def bands_rows(self) -> tuple[int, int]:
        lsh = self.match.lsh
        return optimal_param(lsh.threshold, self.match.minhash.num_perm, lsh.false_positive_weight, lsh.false_negative_weight)

    def index_settings(self) -> dict[str, Any]:
        """What must match for fingerprints of two runs to be comparable."""
        bands, rows = self.bands_rows()
        return {
            "num_perm": self.match.minhash.num_perm,
            "seed": self.match.minhash.seed,
            "bands": bands,
            "rows": rows,
            "shingles": asdict(self.match.shingles),
            "keys": asdict(self.keys),
            "unit": self.boilerplate.unit,
            "unit_min_chars": self.boilerplate.min_chars,
        }


# ------------------------------------------------------------------ per-batch functions


def hash64(text: str) -> int:
    """A stable, non-zero 64-bit hash of a non-empty string (blake2b; never ``hash()``).

    >>> hash64("双减") == hash64("双减") != hash64("双减政策")
    True
    """
    h = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return h or 1


def unit_spans(text: str, unit: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank unit: lines, or sentences within lines.

    >>> t = "甲。乙！\\n\\n丙"
    >>> [t[a:b] for a, b in unit_spans(t, "line")], [t[a:b] for a, b in unit_spans(t, "sentence")]
    (['甲。乙！', '丙'], ['甲。', '乙！', '丙'])
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            if unit == "line":
                out.append((pos, end))
            else:
                out.extend((pos + a, pos + b) for a, b in sentences(line) if line[a:b].strip())
        pos = end + 1
    return out


def unit_keys(text: str, config: CorpusConfig) -> list[str]:
    """The matching key of each unit (see :func:`unit_spans`)."""
    return matching_keys([text[a:b] for a, b in unit_spans(text, config.boilerplate.unit)], config.keys)


def unit_hashes(text: str, config: CorpusConfig) -> list[int]:
    """Hash of each unit's matching key (0 for units too short to count), one per unit."""
    n = config.boilerplate.min_chars
    return [hash64(k) if len(k) >= n else 0 for k in unit_keys(text, config)]


def document_key(text: str, keys: Sequence[str]) -> str:
    """A document's matching key: its units' keys joined (no space for CJK text).

    Keying unit by unit (rather than the whole text at once) strips list
    markers and speaker tags at the start of *every* line or sentence, and the
    same keys serve boilerplate counting, so each document is keyed once.

    >>> document_key("一是甲乙丙。\\n二是丁戊己。", ["甲乙丙", "丁戊己"])
    '甲乙丙丁戊己'
    """
    return ("" if is_cjk(text[:4000]) else " ").join(k for k in keys if k)


def fingerprint_batch(texts: Sequence[str], config: CorpusConfig) -> Prints:
    """Matching keys, band hashes and unit hashes of a batch (pure: any worker, same result)."""
    if len(texts) >= 100:
        # a corpus brings many batches: load the compiled kernels once per worker
        kernels.warm()
    # every unit of the batch keyed in one call, then split back per document
    spans = [unit_spans(t, config.boilerplate.unit) for t in texts]
    flat = matching_keys([t[a:b] for t, sp in zip(texts, spans) for a, b in sp], config.keys)
    ends = np.cumsum([len(sp) for sp in spans]).tolist()
    per_unit = [flat[e - len(sp) : e] for sp, e in zip(spans, ends)]
    keys = [document_key(t, uk) for t, uk in zip(texts, per_unit)]
    # the whole batch shingled at once (the hot loop's batched kernels), same sets as shingle_hashes
    sets = shingle_sets(keys, config.match.shingles)
    sigs = signatures(sets, config.match.minhash)
    bands, rows = config.bands_rows()
    bh = band_hashes(sigs, bands, rows)
    units: list[np.ndarray] = []
    lens: list[np.ndarray] = []
    off = [0]
    min_chars = config.boilerplate.min_chars
    span_units = [hash64(k) if len(k) >= min_chars else 0 for k in flat] if config.boilerplate.enabled else []
    for uk, e in zip(per_unit, ends):
        length = {h: len(k) for k, h in zip(uk, span_units[e - len(uk) : e]) if h} if config.boilerplate.enabled else {}
        hs = np.array(sorted(length), dtype=np.uint64)
        units.append(hs)
        lens.append(np.array([length[int(h)] for h in hs], dtype=np.int32))
        off.append(off[-1] + len(hs))
    return Prints(
        keys=keys,
        keyhash=np.array([hash64(k) if k else 0 for k in keys], dtype=np.uint64),
        keylen=np.array([len(k) for k in keys], dtype=np.int64),
        shingles=sets.sizes.astype(np.int64),
        bands=bh,
        units=np.concatenate(units) if units else np.empty(0, np.uint64),
        unit_off=np.array(off, dtype=np.int64),
        unit_len=np.concatenate(lens) if lens else np.empty(0, np.int32),
        span_units=np.array(span_units, dtype=np.uint64),
        span_off=np.array([0, *ends], dtype=np.int64) if config.boilerplate.enabled else np.zeros(len(texts) + 1, np.int64),
    )


def verify_pairs(items: Sequence[tuple[str, str]], match: MatchConfig) -> np.ndarray:
    """Scores of key pairs: rows of ``(accepted, similarity, jaccard, containment, reason code)``.

    The chunk is scored at once by :func:`dedup.cluster.verify_pairs` (each
    distinct key shingled once, batched intersections, rapidfuzz only where a
    bound cannot decide): the numbers :func:`dedup.cluster.score_pair` gives
    pair by pair.
    """
    from .cluster import REASONS as BATCH_REASONS
    from .cluster import verify_pairs as verify_batch

    out = np.zeros((len(items), 5), dtype=np.float64)
    if not len(items):
        return out
    number: dict[str, int] = {}
    ends = np.array([[number.setdefault(k, len(number)) for k in pair] for pair in items], dtype=np.int64)
    keys = list(number)
    v = verify_batch(ends, keys, shingle_sets(keys, match.shingles), match)
    to_ours = np.array([_REASON_CODE[r] for r in BATCH_REASONS], dtype=np.int64)
    out[:, 0] = v.accepted
    out[:, 1] = v.similarity
    out[:, 2] = v.jaccard
    out[:, 3] = v.containment
    out[:, 4] = to_ours[v.reason]
    return out


def finish_batch(job: tuple[Any, ...], boiler: np.ndarray, owners: np.ndarray, config: CorpusConfig) -> list[Finished]:
    """Boilerplate removal and per-document cleaning of a batch (pure).

    ``job`` is ``(texts, global numbers, kept flags, has-boilerplate flags)``,
    optionally followed by each document's unit hashes in text order (what
    :func:`fingerprint_batch` computed as ``span_units``; None where unknown,
    and then the units are keyed again); ``boiler`` the sorted boilerplate unit
    hashes and ``owners`` the document that keeps each one (-1: none).
    Duplicates are only measured, never rewritten.
    """
    texts, numbers, kept, has_bp = job[:4]
    known = job[4] if len(job) > 4 else [None] * len(texts)
    out = []
    for text, g, keep, bp, span_units in zip(texts, numbers, kept, has_bp, known):
        spans = unit_spans(text, config.boilerplate.unit) if config.boilerplate.enabled else []
        drop: list[tuple[int, int]] = []
        n_boiler = boiler_chars = 0
        if spans and bp and len(boiler):
            hashes = np.asarray(span_units, dtype=np.uint64) if span_units is not None else np.array(unit_hashes(text, config), dtype=np.uint64)
            pos = np.searchsorted(boiler, hashes)
            pos_c = np.minimum(pos, len(boiler) - 1)
            hit = (boiler[pos_c] == hashes) & (hashes != 0)
            for (a, b), is_bp, p in zip(spans, hit, pos_c):
                if not is_bp:
                    continue
                n_boiler += 1
                boiler_chars += b - a
                if owners[p] != g:
                    drop.append((a, b))
        chars = sum(b - a for a, b in spans) or 1
        result = None
        if keep:
            result = _remove_units(text, drop) if drop else text
            if config.clean and result.strip():
                from .pipeline import Config, clean

                result = clean(result, config=config.pipeline or Config()).text
        out.append(Finished(result, len(spans), n_boiler, len(drop) if keep else 0, round(boiler_chars / chars, 4)))
    return out


_BLANK_RUN = re.compile(r"\n{3,}")
_GONE = "\ufdd0"  # a Unicode noncharacter: marks where a unit was removed


def _remove_units(text: str, drop: list[tuple[int, int]]) -> str:
    """``text`` without the dropped spans; lines they leave empty go, blank runs shrink to one.

    >>> _remove_units("正文第一段。\\n\\n版权所有\\n\\n正文第二段。", [(8, 12)])
    '正文第一段。\\n\\n正文第二段。'
    """
    parts = []
    pos = 0
    for a, b in drop:
        parts.append(text[pos:a])
        parts.append(_GONE)
        pos = b
    parts.append(text[pos:])
    lines = "".join(parts).split("\n")
    kept = [ln.replace(_GONE, "") for ln in lines if not (_GONE in ln and not ln.replace(_GONE, "").strip())]
    out = _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip("\n")
    lead = len(text) - len(text.lstrip("\n"))
    trail = len(text) - len(text.rstrip("\n"))
    return "\n" * lead + out + "\n" * trail


# ------------------------------------------------------------------ decisions (driver side)


def rederive(cache: dict[str, np.ndarray], shingles: np.ndarray, match: MatchConfig) -> dict[str, np.ndarray]:
    """Verified pairs re-decided at ``match``'s thresholds from their stored scores.

    Jaccard and containment are exact; an edit similarity is exact when it is
    at least the cutoff it was computed with (``cutoff``, the threshold of that
    run) and 0 below it, as rapidfuzz returns under a ``score_cutoff``.  So a
    pair is decided again without its keys, except a 0 whose cutoff was above
    the new threshold: those rows are dropped, to be verified again.  The same
    rule as :func:`dedup.cluster.verify_pairs` (same ``accepted`` and
    ``reason``) then applies at the new threshold.  A cache from before
    ``cutoff`` was stored counts every 0 as undecided.
    """
    n = len(cache["code"])
    cutoff = cache["cutoff"] if "cutoff" in cache else np.full(n, np.inf)
    sim, cont = cache["similarity"], cache["containment"]
    keep = (sim > 0) | (cutoff <= match.threshold)
    out = {k: v[keep] for k, v in cache.items()}
    out["cutoff"] = cutoff[keep]
    if not len(out["code"]):
        return out
    a = (out["code"] >> np.uint64(32)).astype(np.int64)
    b = (out["code"] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    small = np.minimum(shingles[a], shingles[b])
    sim, cont = out["similarity"], out["containment"]
    similar = sim >= match.threshold
    contained = ~similar & (cont >= match.containment) & (small >= match.min_containment_shingles)
    out["accepted"] = similar | contained
    out["reason"] = np.where(
        similar, np.where(sim < 1.0, _REASON_CODE["similar"], _REASON_CODE["identical"]), np.where(contained, _REASON_CODE["contained"], _REASON_CODE["below threshold"])
    ).astype(np.int8)
    return out


def near_threshold(cache: dict[str, np.ndarray], pairs: np.ndarray, threshold: float, n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` verified ``pairs`` whose edit similarity lies nearest ``threshold`` (a valley or a crowd?)."""
    if not len(pairs):
        return []
    pos = np.searchsorted(cache["code"], pair_codes(pairs))
    sim = cache["similarity"][pos]
    # a 0 is "below the cutoff", not a score: it says nothing about the neighbourhood
    scored = np.flatnonzero(sim > 0)
    near = scored[np.lexsort((scored, np.abs(sim[scored] - threshold)))][:n]
    rows = []
    for i in near[np.argsort(-sim[near], kind="stable")].tolist():
        p = int(pos[i])
        rows.append({"a": int(pairs[i, 0]), "b": int(pairs[i, 1]), "similarity": round(float(cache["similarity"][p]), 4), "containment": round(float(cache["containment"][p]), 4), "accepted": bool(cache["accepted"][p])})
    return rows


def candidate_pairs(engine: Any, bands: np.ndarray, valid: np.ndarray, keyhash: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
    """Band-key pairs (through the engine) plus chains of identical keys."""
    ids = np.flatnonzero(valid)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    if len(ids) >= 2 and nb:
        # the engine explodes the (documents x bands) table into rows itself, a part at a time
        lsh = engine.band_pairs(bands, ids, rank, limit)
    else:
        lsh = np.empty((0, 2), np.int64)
    # identical non-empty keys always pair, even when too short for shingles
    nz = np.flatnonzero(keyhash != 0)
    order = nz[np.lexsort((nz, keyhash[nz]))]
    same = keyhash[order[1:]] == keyhash[order[:-1]]
    exact = np.stack([order[:-1][same], order[1:][same]], axis=1).astype(np.int64)
    both = np.concatenate([lsh, exact]) if len(exact) else lsh
    return np.unique(both, axis=0) if len(both) else np.empty((0, 2), np.int64)


def pair_codes(pairs: np.ndarray) -> np.ndarray:
    return (pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64)


def keep_order(comp: np.ndarray, keylen: np.ndarray, keyhash: np.ndarray, policy: str) -> np.ndarray:
    """Every document, grouped by cluster and, inside it, in keep-policy order.

    ``most_complete``: longest key, then the key most members share, then the
    earliest document; ``earliest``: the earliest.

    >>> keep_order(np.array([0, 0, 0, 1]), np.array([5, 9, 9, 3]), np.array([1, 2, 2, 3], np.uint64), "most_complete").tolist()
    [1, 2, 0, 3]
    """
    n = len(comp)
    g = np.arange(n, dtype=np.int64)
    if policy == "earliest":
        return np.lexsort((g, comp))
    # how many members of the same cluster share each document's exact key
    o = np.lexsort((keyhash, comp))
    new = np.ones(n, dtype=bool)
    new[1:] = (comp[o][1:] != comp[o][:-1]) | (keyhash[o][1:] != keyhash[o][:-1])
    run = np.cumsum(new) - 1
    counts = np.bincount(run)
    same = np.empty(n, dtype=np.int64)
    same[o] = counts[run]
    return np.lexsort((g, -same, -keylen, comp))


def keepers(comp: np.ndarray, keylen: np.ndarray, keyhash: np.ndarray, policy: str) -> np.ndarray:
    """The first document of each document's cluster in keep-policy order (itself when alone).

    >>> keepers(np.array([0, 0, 0, 1]), np.array([5, 9, 9, 3]), np.array([1, 2, 2, 3], np.uint64), "most_complete").tolist()
    [1, 1, 1, 3]
    """
    n = len(comp)
    order = keep_order(comp, keylen, keyhash, policy)
    first = np.ones(n, dtype=bool)
    first[1:] = comp[order][1:] != comp[order][:-1]
    keeper_of = np.empty(int(comp.max()) + 1 if n else 0, dtype=np.int64)
    keeper_of[comp[order][first]] = order[first]
    return keeper_of[comp]


@dataclass(frozen=True)
class Solved:
    """Each document's direct representative: itself when kept, else the kept document it matches."""

    rep: np.ndarray  # int64, the kept document each one is a direct match of (itself when kept)
    score: np.ndarray  # float64, the direct score against ``rep`` (nan when kept)
    reason: np.ndarray  # int8, index into REASONS (-1 when kept)
    rounds: int
    unsolved: int  # members left kept because ``max_rounds`` was reached (a missed duplicate, never a loss)


def _slices(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] .. starts[i] + lengths[i] - 1`` of every slice, concatenated.

    >>> _slices(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    total = int(lengths.sum())
    if not total:
        return np.empty(0, np.int64)
    shift = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return shift + np.arange(total, dtype=np.int64)


@dataclass
class _Buckets:
    """The "could match" relation of a solve, built once: buckets of members, in keep order.

    A bucket is ``(component, column, hash)``: one per LSH band hash shared by
    valid members, plus one per non-zero key hash (the last column).  Two
    members could match exactly when they share a bucket, so a round looks at
    the buckets of its representatives only.  Buckets shrink as their members
    are decided (``length`` counts the live prefix of each slice of ``entries``).
    """

    entries: np.ndarray  # member of each bucket slot, bucket by bucket, in keep order
    start: np.ndarray
    length: np.ndarray
    member_off: np.ndarray  # CSR: buckets of member m are member_bucket[member_off[m]:member_off[m + 1]]
    member_bucket: np.ndarray


def _buckets(comp: np.ndarray, position: np.ndarray, members: np.ndarray, bands: np.ndarray, valid: np.ndarray, keyhash: np.ndarray) -> _Buckets:
    """Buckets of ``members`` (the members of components of two or more) that hold two or more."""
    n = len(comp)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    who, col, hsh = [], [], []
    if nb:
        v = members[valid[members]]
        who.append(np.repeat(v, nb))
        col.append(np.tile(np.arange(nb, dtype=np.int64), len(v)))
        hsh.append(bands[v].reshape(-1).astype(np.uint64))
    k = members[keyhash[members] != 0]
    who.append(k)
    col.append(np.full(len(k), nb, dtype=np.int64))
    hsh.append(keyhash[k].astype(np.uint64))
    who_a, col_a, hsh_a = np.concatenate(who), np.concatenate(col), np.concatenate(hsh)
    cc = comp[who_a] * (nb + 1) + col_a
    # most band hashes are nobody else's: one sort of a mixed 64-bit key finds the cells that may
    # be shared (equal (cc, hash) means an equal mix), and only those are sorted exactly
    mix = hsh_a ^ (cc.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    m_order = np.argsort(mix)
    m_sorted = mix[m_order]
    twin = np.zeros(len(mix), dtype=bool)
    if len(mix) > 1:
        same = m_sorted[1:] == m_sorted[:-1]
        twin[1:] |= same
        twin[:-1] |= same
    maybe = np.zeros(len(mix), dtype=bool)
    maybe[m_order] = twin
    who_a, cc, hsh_a = who_a[maybe], cc[maybe], hsh_a[maybe]
    o = np.lexsort((position[who_a], hsh_a, cc))
    who_a, cc, hsh_a = who_a[o], cc[o], hsh_a[o]
    new = np.ones(len(who_a), dtype=bool)
    new[1:] = (cc[1:] != cc[:-1]) | (hsh_a[1:] != hsh_a[:-1])
    bid = np.cumsum(new) - 1
    size = np.bincount(bid) if len(bid) else np.empty(0, np.int64)
    shared = size[bid] >= 2  # a bucket of one relates nothing
    entries, bid = who_a[shared], bid[shared]
    new = np.ones(len(bid), dtype=bool)
    new[1:] = bid[1:] != bid[:-1]
    start = np.flatnonzero(new).astype(np.int64)
    length = np.diff(np.append(start, len(entries))).astype(np.int64)
    bucket = np.cumsum(new) - 1
    by_member = np.argsort(entries, kind="stable")
    member_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entries, minlength=n), out=member_off[1:])
    return _Buckets(entries, start, length, member_off, bucket[by_member].astype(np.int64))


def solve_clusters(
    comp: np.ndarray,
    order: np.ndarray,
    bands: np.ndarray,
    valid: np.ndarray,
    keyhash: np.ndarray,
    verify: Any,
    max_rounds: int = 10_000,
    sizes: np.ndarray | None = None,
) -> Solved:
    """Decide every cluster so that each removal is a direct match of a kept document.

    A connected component of verified pairs can chain documents that share
    nothing (document i is close to i+1, the ends are unrelated): removing the
    whole component in favour of one member loses text. Here, per component and
    in keep order (``order``, from :func:`keep_order`), the first undecided
    member is kept as a representative; every other undecided member that
    could match it (a shared LSH band or an identical key) is verified against
    it directly (``verify(pairs) -> (accepted, score, reason)``, pairs as
    ``(low, high)``), and removed only if accepted — and, for a containment
    match, only if it is the contained side (``sizes``: shingle counts; a
    longer document is never removed for containing a shorter one); the rest
    are solved again among themselves. All components advance together, one representative per
    round, so the verification of a round is one batch.

    A round costs what its representatives could match, not the size of the
    open components: the buckets of "could match" (:class:`_Buckets`) are
    built once, a round reads the representatives' buckets only, and drops
    the members decided since from the buckets it reads.  A 200,000-member
    chain is thousands of rounds; each used to scan every undecided member.

    >>> comp = np.zeros(3, np.int64); bands = np.array([[1, 2], [1, 3], [4, 3]], np.uint64)
    >>> ok = lambda p: (np.array([sorted(x) in ([0, 1], [1, 2]) for x in p.tolist()]), np.ones(len(p)), np.ones(len(p), np.int8))
    >>> solve_clusters(comp, np.array([0, 1, 2]), bands, np.ones(3, bool), np.array([5, 6, 7], np.uint64), ok).rep.tolist()
    [0, 0, 2]
    """
    n = len(comp)
    rep = np.arange(n, dtype=np.int64)
    score = np.full(n, np.nan)
    reason = np.full(n, -1, dtype=np.int8)
    if not n:
        return Solved(rep, score, reason, 0, 0)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    open_member = np.bincount(comp)[comp] >= 2
    # the members of open components, component by component, each in keep order
    grouped = np.flatnonzero(open_member)
    grouped = grouped[np.lexsort((position[grouped], comp[grouped]))]
    if not len(grouped):
        return Solved(rep, score, reason, 0, 0)
    buckets = _buckets(comp, position, grouped, bands, valid, keyhash)
    decided = ~open_member
    first = np.flatnonzero(np.r_[True, comp[grouped][1:] != comp[grouped][:-1]])
    ends = np.append(first[1:], len(grouped))
    # each open component's next undecided place in ``grouped`` (each place is passed once in all)
    cursor = dict(zip(first.tolist(), ends.tolist()))
    grouped_list = grouped.tolist()
    rounds = 0
    while cursor and rounds < max_rounds:
        heads_l: list[int] = []
        nxt: dict[int, int] = {}
        for p, end in cursor.items():
            while p < end and decided[grouped_list[p]]:
                p += 1
            if p < end:
                heads_l.append(grouped_list[p])
                nxt[p + 1] = end
        cursor = nxt
        if not heads_l:
            break
        rounds += 1
        heads = np.array(heads_l, dtype=np.int64)
        decided[heads] = True  # kept: a representative of its component
        # the heads' buckets, then their live members
        counts = buckets.member_off[heads + 1] - buckets.member_off[heads]
        hb = buckets.member_bucket[_slices(buckets.member_off[heads], counts)]
        hh = np.repeat(heads, counts)
        slots = _slices(buckets.start[hb], buckets.length[hb])
        mem = buckets.entries[slots]
        head_of = np.repeat(hh, buckets.length[hb])
        live = ~decided[mem]
        m, first_at = np.unique(mem[live], return_index=True)
        if len(m):
            h = head_of[live][first_at]
            accepted, s, r = verify(np.stack([np.minimum(m, h), np.maximum(m, h)], axis=1))
            if sizes is not None:
                # containment is measured against the smaller set: only the contained side may go
                accepted = accepted & ~((r == _REASON_CODE["contained"]) & (sizes[m] > sizes[h]))
            m, h = m[accepted], h[accepted]
            rep[m], score[m], reason[m] = h, s[accepted], r[accepted]
            decided[m] = True
        # the buckets read lose their decided members (each slot is dropped once)
        keep = ~decided[mem]
        lengths = buckets.length[hb]
        seg = np.repeat(np.arange(len(hb)), lengths)
        kept_upto = np.concatenate([[0], np.cumsum(keep)])
        rank = kept_upto[:-1] - kept_upto[np.cumsum(lengths) - lengths][seg]
        buckets.entries[buckets.start[hb][seg[keep]] + rank[keep]] = mem[keep]
        buckets.length[hb] = np.bincount(seg[keep], minlength=len(hb))
    unsolved = int(np.sum(~decided))
    return Solved(rep, score, reason, rounds, unsolved)


def template_shares(comp: np.ndarray, bands: np.ndarray, valid: np.ndarray, min_members: int) -> np.ndarray:
    """Per component, how much of its members' text most of them share (nan below ``min_members``).

    The share of its valid members' LSH band hashes (cells of the band table)
    that at least half of the component's valid members hold in the same band:
    a MinHash estimate of the text common to most members.  Pages of one
    template with a different fill each share it (about 0.7 for a 12-sentence
    frame around one sentence), as do many copies of one story; a chain (each
    document close to the next) does not, whatever its size, because a band
    hash is held by a few neighbours only.  Units cannot tell: pages without
    line breaks are one unit each, all different.

    >>> b = np.array([[1, 2], [1, 3], [1, 4], [5, 6]], np.uint64)
    >>> template_shares(np.array([0, 0, 0, 1]), b, np.ones(4, bool), 2).round(2).tolist()
    [0.5, nan]
    """
    sizes = np.bincount(comp) if len(comp) else np.empty(0, np.int64)
    share = np.full(len(sizes), np.nan)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    big = np.flatnonzero(sizes >= min_members)
    if not nb or not len(big):
        return share
    who = np.flatnonzero(np.isin(comp, big) & valid)
    members = np.bincount(comp[who], minlength=len(sizes))
    cc = np.repeat(comp[who] * nb, nb) + np.tile(np.arange(nb, dtype=np.int64), len(who))
    h = bands[who].reshape(-1)
    o = np.lexsort((h, cc))
    cc, h = cc[o], h[o]
    new = np.ones(len(cc), dtype=bool)
    new[1:] = (cc[1:] != cc[:-1]) | (h[1:] != h[:-1])
    run = np.cumsum(new) - 1
    held = np.bincount(run)[run]  # members of the component holding this cell's hash in this band
    c = cc // nb
    common = held * 2 >= members[c]
    cells = members * nb
    share[big] = 0.0
    has = cells > 0
    share[has] = np.bincount(c[common], minlength=len(sizes))[has] / cells[has]
    return share


def boilerplate_table(units: np.ndarray, owner_doc: np.ndarray, comp: np.ndarray, config: BoilerplateConfig) -> tuple[np.ndarray, int]:
    """Sorted boilerplate unit hashes and the count threshold.

    Units are counted once per *cluster* (``comp`` labels each document's
    cluster): five near-copies of one story do not make its paragraphs
    boilerplate, five different stories sharing a line do.
    """
    if not config.enabled or not len(units):
        return np.empty(0, np.uint64), 0
    n_clusters = len(np.unique(comp))
    threshold = max(config.min_docs, math.ceil(config.share * n_clusters))
    pairs = np.unique(np.stack([units.astype(np.uint64), comp[owner_doc].astype(np.uint64)], axis=1), axis=0)
    hashes, counts = np.unique(pairs[:, 0], return_counts=True)
    return hashes[counts >= threshold], threshold


def boilerplate_owners(boiler: np.ndarray, units: np.ndarray, owner_doc: np.ndarray, kept: np.ndarray, config: BoilerplateConfig) -> np.ndarray:
    """The document that keeps each boilerplate unit: the first kept one having it (``keep="first"``), else -1."""
    owners = np.full(len(boiler), -1, dtype=np.int64)
    if config.keep == "first" and len(boiler):
        m = kept[owner_doc] & np.isin(units, boiler)
        u, d = units[m], owner_doc[m]
        o = np.lexsort((d, u))
        u, d = u[o], d[o]
        firsts = np.ones(len(u), dtype=bool)
        firsts[1:] = u[1:] != u[:-1]
        owners[np.searchsorted(boiler, u[firsts])] = d[firsts]
    return owners


def content_lengths(keylen: np.ndarray, boiler: np.ndarray, units: np.ndarray, unit_len: np.ndarray, owner_doc: np.ndarray) -> np.ndarray:
    """Key length of each document without its boilerplate units: what "most complete" compares.

    A copy is not more complete for carrying a copyright line.
    """
    if not len(boiler):
        return keylen
    hit = np.isin(units, boiler)
    minus = np.bincount(owner_doc[hit], weights=unit_len[hit], minlength=len(keylen)).astype(np.int64)
    return np.maximum(keylen - minus, 0)


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class CorpusDoc:
    """One document's fate: kept (with its output text) or a duplicate of another.

    ``record`` is the input record (None for a revised earlier document,
    whose record is not in this run).
    """

    id: str
    record: dict[str, Any] | None
    text: str | None
    cluster: str
    duplicate_of: str | None
    score: float | None
    match: str | None
    cluster_size: int
    boilerplate_units: int = 0
    boilerplate_removed: int = 0
    boilerplate_share: float = 0.0
    chars_in: int | None = None
    revised: bool = False
    #: "giant cluster" when the cluster reaches ``CorpusConfig.giant_cluster`` members, "template
    #: cluster" when its members share mostly one text (``CorpusConfig.template_cluster``)
    warning: str | None = None
    #: why this document was left as it is (a record over ``max_record_bytes``); None normally
    note: str | None = None

    @property
    def kept(self) -> bool:
        return self.duplicate_of is None

    def report(self) -> dict[str, Any]:
        """The report line: at least id, cluster, duplicate_of and score."""
        d: dict[str, Any] = {
            "id": self.id,
            "cluster": self.cluster,
            "duplicate_of": self.duplicate_of,
            "score": self.score,
            "match": self.match,
            "cluster_size": self.cluster_size,
        }
        if self.warning:
            d["warning"] = self.warning
        if self.revised:
            d["revised"] = True
            if self.note is not None:
                d["note"] = self.note
        else:
            d.update(
                boilerplate_units=self.boilerplate_units,
                boilerplate_removed=self.boilerplate_removed,
                boilerplate_share=self.boilerplate_share,
                chars_in=self.chars_in,
                chars_out=None if self.text is None else len(self.text),
            )
            if self.note is not None:
                d["note"] = self.note
        return d


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return round(max(own, kids) * scale / 2**20, 1)


#: the spill folders of :class:`CorpusRun` (group 1: the pid of the run that made it)
_SPILL_NAME = re.compile(r"dedup-corpus-spill-(\d+)-\w+")


def _spill_folder(work_dir: str | None) -> tempfile.TemporaryDirectory:  # type: ignore[type-arg]
    """This run's private folder for the records' copy; leftovers of killed runs are removed first."""
    directory = work_dir or tempfile.gettempdir()
    remove_stale_temporaries(directory, _SPILL_NAME)
    try:
        return tempfile.TemporaryDirectory(prefix=f"dedup-corpus-spill-{os.getpid()}-", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot create a temporary folder in {directory} ({exc.strerror}); free some space there or set TMPDIR to another disk") from None


def _DiskWriter(path: Path, what: str, hint: str = "free some space there or set TMPDIR to another disk") -> BufferedFile:  # noqa: N802  (was a class)
    """A file of the run's own data (the spill): a full disk (or any write error) is one :class:`OutputError`."""
    return BufferedFile(path, lambda exc: f"cannot write the {what} ({exc.strerror}); {hint}")


def _unpickled(f: Any) -> Iterator[Any]:
    """Objects of a file written one ``pickle.dumps`` after another.

    The spill is pickled, not JSON: records keep their exact values and types
    (NaN, dates, bytes, decimals from Parquet).  It is this process's own
    file, in a private temporary folder (mode 0700), read back by the same
    run: nothing another user could have written is ever unpickled.
    """
    while True:
        try:
            yield pickle.load(f)
        except EOFError:
            return


class CorpusRun:
    """One run of corpus mode over a stream of records.

    Iterate to get a :class:`CorpusDoc` per input record (input order), then
    one per earlier indexed document whose decision changed; call
    :meth:`commit` to make an index durable, :meth:`close` to free temporary
    files.  ``stats`` fills in as the run goes.

    With ``checkpoint`` (a folder, or a :class:`~dedup.checkpoint.Checkpoint`),
    every batch result of the three costly stages is stored as it arrives and
    read back by a later run that asks for it (the same command rerun after a
    crash): only missing batches are computed, and the results are the same
    bytes.  ``stats`` then counts ``resumed_batches_<stage>`` and
    ``computed_batches_<stage>``.  The folder is left in place; remove it
    with ``run.checkpoint.remove()`` once the outputs are safe.
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        config: CorpusConfig = CorpusConfig(),
        *,
        fields: Fields = Fields(),
        engine: Any = None,
        index: str | os.PathLike[str] | None = None,
        progress: bool = False,
        work_dir: str | None = None,
        checkpoint: str | os.PathLike[str] | Checkpoint | None = None,
        read_only_index: bool = False,
    ) -> None:
        from .engines.local import LocalEngine

        self.records = records
        self.config = config
        self.fields = fields
        self.engine = engine or LocalEngine(1)
        self.progress = progress
        # read only: for :meth:`redecide`, which writes nothing (a published or snapshotted index)
        self.index = Index.open(index, config.index_settings(), read_only=read_only_index)
        #: finished stage results, read back instead of recomputed (see :mod:`dedup.checkpoint`)
        self.checkpoint: Checkpoint | None = None
        self._own_checkpoint = False
        if isinstance(checkpoint, Checkpoint):
            self.checkpoint = checkpoint
        elif checkpoint is not None:
            try:
                self.checkpoint = Checkpoint.open(checkpoint)
            except BaseException:
                self.index.close()
                raise
            self._own_checkpoint = True
        self._checkpoint_before = dict(self.checkpoint.counts) if self.checkpoint is not None else {}
        try:
            self._work = _spill_folder(work_dir)
        except BaseException:
            self.index.close()
            if self.checkpoint is not None and self._own_checkpoint:
                self.checkpoint.close()
            raise
        #: this run's record numbers (0 = its first record) whose text is over max_record_bytes
        self._oversized: set[int] = set()
        self.stats: dict[str, Any] = {}
        self._state: dict[str, np.ndarray] | None = None
        self._verified: dict[str, np.ndarray] | None = None
        self._boiler: tuple[np.ndarray, np.ndarray, int] = (np.empty(0, np.uint64), np.empty(0, np.int64), 0)
        self._done = False
        #: per document: 0, or the index in _WARNINGS of its cluster's warning
        self._warning = np.empty(0, np.int8)

    def _imap(self, stage: str, fn: Any, items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """The engine's ``imap``, through the checkpoint when there is one (same results, same order)."""
        if self.checkpoint is None:
            yield from self.engine.imap(fn, items, *args)
            return
        try:
            yield from self.checkpoint.imap(self.engine, stage, fn, items, *args)
        finally:
            # this run's counts (a Checkpoint object may serve several runs)
            self.stats.update({k: v - self._checkpoint_before.get(k, 0) for k, v in self.checkpoint.counts.items()})

    # -- stage 1: read, spill, fingerprint ---------------------------------------------
    def _fingerprint(self) -> tuple[int, int]:
        t0 = time.perf_counter()
        n_old = len(self.index)
        indexed = set(self.index.ids())
        seen = set(indexed)
        ids: list[str] = []
        spill_path = Path(self._work.name) / "records.pickle"
        spill = _DiskWriter(spill_path, f"temporary copy of the records in {self._work.name}")
        # each document's unit hashes in text order, for finishing (one uint64 per unit, on disk)
        spans_f = _DiskWriter(Path(self._work.name) / "span_units.bin", f"temporary unit hashes in {self._work.name}")
        span_off = [np.zeros(1, np.int64)]
        folder = self.index.new_segment_folder()
        keys_f = self.index.open_keys(folder)
        key_off = [0]
        arrays: dict[str, list[np.ndarray]] = {k: [] for k in ("keyhash", "keylen", "shingles", "bands", "units", "unit_len")}
        unit_off = [np.zeros(1, np.int64)]
        fid, ftext = self.fields.id, self.fields.text
        bar = _bar(self.progress, "fingerprint", "docs")

        def texts() -> Iterator[list[str]]:
            for batch in _batched(self.records, self.config.batch_size):
                out = []
                for rec in batch:
                    rid = rec[fid]
                    if rid in seen:
                        where = "the index" if rid in indexed else "this input"
                        raise InputError(f"duplicate document id {rid!r} (already in {where}); ids must be unique")
                    seen.add(rid)
                    ids.append(rid)
                    spill.write(pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
                    if self.config.oversized(rec[ftext]):
                        # never fingerprinted (an empty key matches nothing) nor cleaned: kept as it is
                        self._oversized.add(len(ids) - 1)
                        out.append("")
                    else:
                        out.append(rec[ftext])
                yield out

        try:
            for p in self._imap("fingerprint", fingerprint_batch, texts(), self.config):
                for k in p.keys:
                    b = k.encode("utf-8", "surrogatepass")
                    keys_f.write(b)
                    key_off.append(key_off[-1] + len(b))
                for k in ("keyhash", "keylen", "shingles", "bands", "units", "unit_len"):
                    arrays[k].append(getattr(p, k))
                unit_off.append(p.unit_off[1:] + unit_off[-1][-1])
                spans_f.write(p.span_units.astype("<u8").tobytes())
                span_off.append(p.span_off[1:] + span_off[-1][-1])
                if bar is not None:
                    bar.update(len(p.keys))
            spill.close()
            spans_f.close()
            keys_f.close()
        finally:
            spill.discard()
            spans_f.discard()
            keys_f.discard()
            if bar is not None:
                bar.close()
        bands, rows = self.config.bands_rows()
        seg = Segment(
            ids=ids,
            bands=np.concatenate(arrays["bands"]) if ids else np.empty((0, bands), np.uint64),
            keyhash=np.concatenate(arrays["keyhash"]) if ids else np.empty(0, np.uint64),
            keylen=np.concatenate(arrays["keylen"]) if ids else np.empty(0, np.int64),
            shingles=np.concatenate(arrays["shingles"]) if ids else np.empty(0, np.int64),
            units=np.concatenate(arrays["units"]) if ids else np.empty(0, np.uint64),
            unit_off=np.concatenate(unit_off),
            unit_len=np.concatenate(arrays["unit_len"]) if ids else np.empty(0, np.int32),
            keys_path=folder / "keys.bin",
            key_off=np.array(key_off, dtype=np.int64),
        )
        self.index.add_segment(seg)
        self._span_off = np.concatenate(span_off)
        self.stats["documents"] = len(ids)
        self.stats["oversized_records"] = len(self._oversized)
        self.stats["indexed_before"] = n_old
        self.stats["seconds_fingerprint"] = round(time.perf_counter() - t0, 3)
        return n_old, len(ids)

    # -- stage 2-4: candidates, verification, clusters --------------------------------
    def _verify(self, pairs: np.ndarray, cache: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Scores of ``pairs`` not yet in ``cache``; returns the grown cache."""
        if not len(pairs):
            return cache
        codes = pair_codes(pairs)
        pos = np.searchsorted(cache["code"], codes)
        known = (pos < len(cache["code"])) & (cache["code"][np.minimum(pos, max(len(cache["code"]) - 1, 0))] == codes) if len(cache["code"]) else np.zeros(len(codes), bool)
        todo = np.unique(pairs[~known], axis=0)
        self.stats["pairs_verified"] = self.stats.get("pairs_verified", 0) + len(todo)
        if not len(todo):
            return cache
        res = self._score(todo, self.config.match)
        new = {
            "code": pair_codes(todo),
            "accepted": res[:, 0].astype(bool),
            "similarity": res[:, 1],
            "jaccard": res[:, 2],
            "containment": res[:, 3],
            "reason": res[:, 4].astype(np.int8),
            # the threshold the similarity was cut off at: a 0 means "below this"
            "cutoff": np.full(len(todo), self.config.match.threshold),
        }
        merged = {k: np.concatenate([cache[k], new[k]]) for k in new}
        o = np.argsort(merged["code"], kind="stable")
        return {k: v[o] for k, v in merged.items()}

    def _score(self, todo: np.ndarray, match: MatchConfig, stage: str = "verify") -> np.ndarray:
        """Rows of :func:`verify_pairs` for the pairs ``todo``, verified in chunks through the engine."""
        reader = self.index.key_reader()
        chunk = self.config.verify_chunk

        def jobs() -> Iterator[list[tuple[str, str]]]:
            for s in range(0, len(todo), chunk):
                yield [(reader[int(a)], reader[int(b)]) for a, b in todo[s : s + chunk]]

        bar = _bar(self.progress, stage, "pairs", total=len(todo))
        results = []
        for r in self._imap(stage, verify_pairs, jobs(), match):
            results.append(r)
            if bar is not None:
                bar.update(len(r))
        if bar is not None:
            bar.close()
        return np.concatenate(results)

    def _near_scores(self, cache: dict[str, np.ndarray], pairs: np.ndarray, below: float = 0.15, at_most: int = 50_000) -> dict[str, np.ndarray]:
        """``cache`` with the similarity of rejected ``pairs`` (stored 0: below the cutoff) measured down to X - ``below``.

        Only for the list of pairs near X: a stored 0 says "below", not how far,
        so without this the list shows the accepted side only.  The pairs with the
        highest Jaccard go first (at most ``at_most``); ``accepted`` is not touched:
        the decisions were made by :meth:`_decide`.
        """
        if not len(pairs):
            return cache
        pos = np.searchsorted(cache["code"], pair_codes(pairs))
        zero = np.flatnonzero(cache["similarity"][pos] == 0)
        zero = zero[np.lexsort((zero, -cache["jaccard"][pos[zero]]))][:at_most]
        self.stats["near_threshold_rescored"] = int(len(zero))
        if not len(zero):
            return cache
        low = max(0.0, self.config.match.threshold - below)
        res = self._score(pairs[zero], dataclasses.replace(self.config.match, threshold=low), stage="near")
        out = dict(cache)
        out["similarity"] = cache["similarity"].copy()
        out["similarity"][pos[zero]] = res[:, 1]
        return out

    def _lookup(self, cache: dict[str, np.ndarray], pairs: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(cache["code"], pair_codes(pairs))
        return pos

    def _decide(self) -> None:
        t0 = time.perf_counter()
        idx = self.index
        n = len(idx)
        bands = idx.concat("bands").reshape(n, -1) if n else np.empty((0, 0), np.uint64)
        keyhash = idx.concat("keyhash").astype(np.uint64)
        keylen = idx.concat("keylen").astype(np.int64)
        shingles = idx.concat("shingles").astype(np.int64)
        id_hash = np.array([hash64(i) for i in idx.ids()], dtype=np.uint64)
        rank = np.empty(n, dtype=np.int64)
        rank[np.lexsort((id_hash, keyhash))] = np.arange(n)
        cand = candidate_pairs(self.engine, bands, shingles > 0, keyhash, rank, self.config.match.lsh.max_bucket_pairs)
        self.stats["candidate_pairs"] = int(len(cand))
        # pairs verified by earlier runs, decided again at this run's thresholds
        cache = self._verify(cand, rederive(self.index.verified, shingles, self.config.match))
        accepted = cache["accepted"][self._lookup(cache, cand)] if len(cand) else np.empty(0, bool)
        edges = cand[accepted]
        self.stats["accepted_pairs"] = int(len(edges))
        # the engine may label components without gathering the edges (Dask beyond one node)
        comp = self.engine.components(n, edges)
        units, owner_doc = idx.units()
        boiler, threshold = boilerplate_table(units, owner_doc, comp, self.config.boilerplate)
        content = content_lengths(keylen, boiler, units, idx.unit_lengths(), owner_doc)
        order = keep_order(comp, content, keyhash, self.config.keep)
        keeper = keepers(comp, content, keyhash, self.config.keep)

        def direct(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            nonlocal cache
            cache = self._verify(pairs, cache)
            pos = self._lookup(cache, pairs)
            r = cache["reason"][pos]
            s = np.where(r == _REASON_CODE["contained"], cache["containment"][pos], cache["similarity"][pos])
            return cache["accepted"][pos], s, r

        solved = solve_clusters(comp, order, bands, shingles > 0, keyhash, direct, self.config.max_solve_rounds, sizes=shingles)
        rep = solved.rep
        kept = rep == np.arange(n)
        self._boiler = (boiler, boilerplate_owners(boiler, units, owner_doc, kept, self.config.boilerplate), threshold)
        dups = np.flatnonzero(~kept)
        score, reason = solved.score, solved.reason
        self.stats["solve_rounds"] = solved.rounds
        self.stats["solve_unsolved"] = solved.unsolved
        sizes = np.bincount(comp)
        size = sizes[comp]
        share = template_shares(comp, bands, shingles > 0, self.config.template_cluster)
        template = (sizes >= self.config.template_cluster) & (np.nan_to_num(share) >= self.config.template_share)
        why = np.where(sizes >= self.config.giant_cluster, 1, np.where(template, 2, 0)).astype(np.int8)
        self._warning = why[comp]
        giant = np.flatnonzero(why)
        names = idx.ids() if len(giant) else []
        # the largest first, at most 20 named: a Marin-style template or chain cluster is solved, never collapsed
        self.stats["giant_clusters"] = [
            {
                "cluster": names[int(keeper[np.flatnonzero(comp == c)[0]])],
                "size": int(sizes[c]),
                "kept": int(np.sum(kept & (comp == c))),
                "why": "size" if why[c] == 1 else "template",
                "template_share": None if np.isnan(share[c]) else round(float(share[c]), 4),
            }
            for c in giant[np.argsort(-sizes[giant], kind="stable")][:20].tolist()
        ]
        self._state = {"keeper": keeper, "rep": rep, "score": score, "reason": reason, "size": size}
        self._candidates = cand
        self._verified = cache
        self.stats["clusters"] = int(np.sum((np.bincount(comp) >= 2)))
        self.stats["duplicates"] = int(len(dups))
        self.stats["seconds_cluster"] = round(time.perf_counter() - t0, 3)

    # -- stage 5-6: boilerplate, finishing, results -------------------------------------
    def __iter__(self) -> Iterator[CorpusDoc]:
        if self._done:
            raise RuntimeError("a CorpusRun can be iterated once")
        self._done = True
        t_start = time.perf_counter()
        n_old, n_new = self._fingerprint()
        self._decide()
        assert self._state is not None
        rep = self._state["rep"]
        kept = rep == np.arange(len(rep))
        boiler, owners, threshold = self._boiler
        self.stats["boilerplate_units"] = int(len(boiler))
        self.stats["boilerplate_threshold_docs"] = int(threshold)
        ids = self.index.ids()
        t0 = time.perf_counter()
        yield from self._finish(n_old, n_new, ids, kept, boiler, owners)
        self.stats["seconds_finish"] = round(time.perf_counter() - t0, 3)
        yield from self._revisions(n_old, ids)
        total = time.perf_counter() - t_start
        self.stats["seconds_total"] = round(total, 3)
        self.stats["docs_per_second"] = round(n_new / total, 1) if total > 0 else None
        self.stats["peak_rss_mib"] = peak_rss_mib()

    def _oversized_note(self, text: str) -> str:
        size = len(text.encode("utf-8", "surrogatepass"))
        return f"{size:,} bytes, above the per-record limit of {self.config.max_record_bytes:,}: not compared, not cleaned, written unchanged"

    def _doc(self, g: int, ids: list[str], record: dict[str, Any] | None, fin: Finished | None, revised: bool = False, note: str | None = None) -> CorpusDoc:
        assert self._state is not None
        k = int(self._state["keeper"][g])
        d = int(self._state["rep"][g])
        score = None if d == g else round(float(self._state["score"][g]), 4)
        match = None if d == g else REASONS[int(self._state["reason"][g])]
        return CorpusDoc(
            id=ids[g],
            record=record,
            text=fin.text if fin else None,
            cluster=ids[k],
            duplicate_of=None if d == g else ids[d],
            score=score,
            match=match,
            cluster_size=int(self._state["size"][g]),
            boilerplate_units=fin.boilerplate_units if fin else 0,
            boilerplate_removed=fin.boilerplate_removed if fin else 0,
            boilerplate_share=fin.boilerplate_share if fin else 0.0,
            chars_in=len(record[self.fields.text]) if record is not None else None,
            revised=revised,
            warning=_WARNINGS[int(self._warning[g])] if len(self._warning) else None,
            note=note,
        )

    def _finish(self, n_old: int, n_new: int, ids: list[str], kept: np.ndarray, boiler: np.ndarray, owners: np.ndarray) -> Iterator[CorpusDoc]:
        pending: deque[tuple[int, list[dict[str, Any]]]] = deque()
        ftext = self.fields.text
        bar = _bar(self.progress, "finish", "docs", total=n_new)

        units, owner_doc = self.index.units()
        has_bp = np.zeros(len(kept), dtype=bool)
        has_bp[owner_doc[np.isin(units, boiler)]] = True
        del units, owner_doc

        span_off = self._span_off
        span_path = Path(self._work.name) / "span_units.bin"
        span_units = np.memmap(span_path, dtype="<u8", mode="r") if span_path.stat().st_size else np.empty(0, "<u8")

        def jobs() -> Iterator[tuple[list[str], list[int], list[bool], list[bool], list[np.ndarray | None]]]:
            g = n_old
            with open(Path(self._work.name) / "records.pickle", "rb") as f:
                for recs in _batched(_unpickled(f), self.config.batch_size):
                    numbers = list(range(g, g + len(recs)))
                    pending.append((g, recs))
                    g += len(recs)
                    texts = ["" if x - n_old in self._oversized else r[ftext] for r, x in zip(recs, numbers)]
                    # the units' hashes from fingerprinting, only where boilerplate is to be found
                    known = [np.array(span_units[span_off[x - n_old] : span_off[x - n_old + 1]]) if has_bp[x] else None for x in numbers]
                    yield texts, numbers, [bool(kept[x]) for x in numbers], [bool(has_bp[x]) for x in numbers], known

        removed = 0
        try:
            for fins in self._imap("finish", finish_batch, jobs(), boiler, owners, self.config):
                g0, recs = pending.popleft()
                for i, (rec, fin) in enumerate(zip(recs, fins)):
                    removed += fin.boilerplate_removed > 0
                    note = None
                    if g0 + i - n_old in self._oversized:
                        fin.text = rec[ftext]  # kept alone (its empty key matched nothing), unchanged
                        note = self._oversized_note(rec[ftext])
                    yield self._doc(g0 + i, ids, rec, fin, note=note)
                if bar is not None:
                    bar.update(len(recs))
        finally:
            if bar is not None:
                bar.close()
        self.stats["docs_with_boilerplate_removed"] = int(removed)
        self.stats["kept"] = int(kept[n_old:].sum())

    def _revisions(self, n_old: int, ids: list[str]) -> Iterator[CorpusDoc]:
        """Earlier documents whose cluster, duplicate_of or score changed with this run."""
        old = self.index.state
        assert self._state is not None
        n_rev = 0
        if old is not None and n_old:
            ko, so, ro = old["keeper"][:n_old], old["score"][:n_old], old["reason"][:n_old]
            kn, sn, rn = self._state["keeper"][:n_old], self._state["score"][:n_old], self._state["reason"][:n_old]
            # an index written before clusters were solved holds no direct representatives
            po, pn = old.get("rep", old["keeper"])[:n_old], self._state["rep"][:n_old]
            zo, zn = old["size"][:n_old], self._state["size"][:n_old]
            same_score = (np.isnan(so) & np.isnan(sn)) | (np.round(so, 4) == np.round(sn, 4))
            changed = np.flatnonzero((ko != kn) | (po != pn) | (ro != rn) | ~same_score | (zo != zn))
            restored = 0
            for g in changed:
                n_rev += 1
                # a duplicate whose representative is now removed itself, and which matches no kept
                # document directly, is kept again: its text is in the earlier run's input, not here
                back = bool(po[g] != g and pn[g] == g)
                restored += back
                note = "kept again: its text is in the input of the run that first saw it, not in this output" if back else None
                yield self._doc(int(g), ids, None, None, revised=True, note=note)
            self.stats["restored"] = restored
        self.stats["revised"] = n_rev

    def redecide(self) -> Iterator[CorpusDoc]:
        """Every indexed document's decision at this run's thresholds, from the stored fingerprints.

        Nothing is fingerprinted and nothing is written: pair scores come from
        the index (:func:`rederive`); only pairs whose stored similarity cannot
        answer at the new threshold are verified again, from the stored keys.
        ``stats["near_threshold"]`` lists the verified pairs nearest it.
        """
        if self._done:
            raise RuntimeError("a CorpusRun can be iterated once")
        self._done = True
        if not len(self.index):
            raise InputError("the index holds no documents: nothing to decide again")
        t0 = time.perf_counter()
        before = len(self.index.verified["code"])
        self._decide()
        assert self._state is not None and self._verified is not None
        ids = self.index.ids()
        near = near_threshold(self._near_scores(self._verified, self._candidates), self._candidates, self.config.match.threshold)
        self.stats["near_threshold"] = [{**r, "a": ids[r["a"]], "b": ids[r["b"]]} for r in near]
        self.stats["pairs_stored"] = before
        self.stats["documents"] = len(ids)
        self.stats["kept"] = int(np.sum(self._state["rep"] == np.arange(len(ids))))
        for g in range(len(ids)):
            yield self._doc(g, ids, None, None)
        self.stats["seconds_total"] = round(time.perf_counter() - t0, 3)

    def prepare_commit(self) -> None:
        """Write the index's new state, synced, without putting it in effect (:meth:`commit` does).

        Call it before renaming outputs into place: what can fail (a full
        disk) fails then, and :meth:`commit` is left with one rename.
        """
        if self._state is None or self._verified is None:
            raise RuntimeError("prepare_commit() before the run was consumed")
        self.index.prepare_commit(self._verified, self._state, self.decision_settings())

    def commit(self) -> None:
        """Make the index durable (no-op without ``index``)."""
        if self._state is None or self._verified is None:
            raise RuntimeError("commit() before the run was consumed")
        self.index.commit(self._verified, self._state, self.decision_settings())

    def decision_settings(self) -> dict[str, Any]:
        """What, besides the thresholds, decided the state an index keeps: ``--rethreshold`` reuses it."""
        return {"keep": self.config.keep, "boilerplate": asdict(self.config.boilerplate)}

    def close(self) -> None:
        """Free temporary files and locks; a checkpoint's entries stay (see :meth:`Checkpoint.remove`)."""
        self.index.close()
        if self.checkpoint is not None and self._own_checkpoint:
            self.checkpoint.close()
        self._work.cleanup()


def with_decisions(config: CorpusConfig, stored: dict[str, Any] | None, given: set[str] = frozenset()) -> CorpusConfig:  # type: ignore[assignment]
    """``config`` with the keep policy and boilerplate settings an index was committed with.

    ``stored`` is :attr:`Index.decisions` (None for an index from before they
    were stored: ``config`` as it is); ``given`` names what the caller set on
    purpose (``"keep"``, or ``"boilerplate.<field>"``), which wins.

    >>> c = with_decisions(CorpusConfig(), {"keep": "earliest", "boilerplate": {"min_docs": 3, "keep": "first"}}, {"boilerplate.keep"})
    >>> c.keep, c.boilerplate.min_docs, c.boilerplate.keep
    ('earliest', 3, 'none')
    """
    if not stored:
        return config
    out = config
    if "keep" in stored and "keep" not in given:
        out = dataclasses.replace(out, keep=stored["keep"])
    fields = {f.name for f in dataclasses.fields(BoilerplateConfig)}
    bp = {k: v for k, v in (stored.get("boilerplate") or {}).items() if k in fields and f"boilerplate.{k}" not in given}
    if bp:
        out = dataclasses.replace(out, boilerplate=dataclasses.replace(out.boilerplate, **bp))
    return out


def _bar(enabled: bool, desc: str, unit: str, total: int | None = None):  # type: ignore[no-untyped-def]
    """A tqdm bar on standard error, or None; test it with ``is not None``.

    ``bool()`` of a tqdm bar is its length: a TypeError without a total (the
    fingerprint stage streams) and False for a zero total.
    """
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)


def dedup_records(
    records: Iterable[dict[str, Any]],
    config: CorpusConfig = CorpusConfig(),
    *,
    text_field: str = "text",
    id_field: str = "id",
    engine: Any = None,
    workers: int = 1,
    index: str | os.PathLike[str] | None = None,
    progress: bool = False,
    checkpoint: str | os.PathLike[str] | None = None,
    keep_checkpoint: bool = False,
) -> Iterator[CorpusDoc]:
    """Deduplicate a stream of record dicts; yields a :class:`CorpusDoc` per record, in input order.

    Records need ``id_field`` (made a string) and ``text_field``.  The first
    result comes only after every record has been fingerprinted (a document
    may duplicate one later in the stream); records wait in a temporary file,
    not in memory.  With ``index``, earlier documents whose decision changed
    follow (``revised=True``) and the index is committed when the iterator is
    exhausted.  With ``checkpoint`` (a folder), finished batches are kept
    there, so that the same call after a crash resumes them; the folder is
    removed when the iterator is exhausted, unless ``keep_checkpoint``.

    >>> docs = [{"id": "a", "text": "推进义务教育优质均衡发展，助力双减政策落地见效。"},
    ...         {"id": "b", "text": "推进义务教育优质均衡发展，助力“双减”政策落地见效！"},
    ...         {"id": "c", "text": "一段毫不相干的文字，讲的是别的事情。"}]
    >>> [(d.id, d.duplicate_of) for d in dedup_records(docs, CorpusConfig(clean=False))]
    [('a', None), ('b', 'a'), ('c', None)]
    """
    from .engines import make_engine

    fields = Fields(text=text_field, id=id_field)
    own_engine = engine is None or isinstance(engine, str)
    eng = make_engine(engine or "local", workers=workers) if own_engine else engine

    def normalised() -> Iterator[dict[str, Any]]:
        for n, rec in enumerate(records, 1):
            if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                raise InputError(f"record {n}: needs a text field {text_field!r}")
            rid = rec.get(id_field)
            yield {**rec, id_field: str(n) if rid is None else str(rid)}

    run = CorpusRun(normalised(), config, fields=fields, engine=eng, index=index, progress=progress, checkpoint=checkpoint)
    try:
        yield from run
        run.commit()
        if run.checkpoint is not None and not keep_checkpoint:
            run.checkpoint.remove()
    finally:
        run.close()
        if own_engine:
            eng.close()


__all__ = [
    "BoilerplateConfig",
    "CorpusConfig",
    "CorpusDoc",
    "CorpusRun",
    "dedup_records",
    "fingerprint_batch",
    "bucket_pairs",
    "verify_pairs",
    "finish_batch",
]
