"""Corpus mode's per-batch functions: fingerprinting, pair verification, finishing.

Pure functions of their arguments, run by an engine (:mod:`dedup.engines`) on any
worker: 1, 2 or N workers (or Dask) give byte-identical results.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..cluster import MatchConfig
from ..fingerprint import kernels
from ..fingerprint.keys import is_cjk, matching_keys
from ..fingerprint.lsh import band_hashes
from ..fingerprint.minhash import signatures
from ..fingerprint.shingle import cjk_flags, code_points, shingle_sets
from ..segment import sentences
from .config import CorpusConfig
from .model import Finished, Prints


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


def _document_keys(texts: Sequence[str], per_unit: Sequence[Sequence[str]]) -> list[str]:
    """:func:`document_key` of every text, the script of all texts found in one batched pass.

    >>> _document_keys(["一是甲乙丙。\\n二是丁戊己。", "The cat.\\nThe hat."], [["甲乙丙", "丁戊己"], ["the cat", "the hat"]])
    ['甲乙丙丁戊己', 'the cat the hat']
    """
    # is_cjk(text[:4000]) per document was a numpy call each: one call over the batch instead
    cjk = cjk_flags(*code_points([t[:4000] for t in texts])).tolist()
    return [("" if c else " ").join(k for k in uk if k) for c, uk in zip(cjk, per_unit)]


def hash64_many(keys: Sequence[str], min_chars: int) -> np.ndarray:
    """:func:`hash64` of each key at least ``min_chars`` long (else 0), each distinct key hashed once.

    Copies repeat their lines (and exact duplicates their whole key), so a
    batch holds far fewer distinct keys than keys.  The digests are joined
    and read as one little-endian array: the same numbers as :func:`hash64`
    without an ``int`` made per key.

    >>> hash64_many(["双减政策", "双", "双减政策"], 2).tolist() == [hash64("双减政策"), 0, hash64("双减政策")]
    True
    """
    number: dict[str, int] = {}
    which = np.fromiter((number.setdefault(k, len(number)) for k in keys), dtype=np.int64, count=len(keys))
    b2 = hashlib.blake2b
    digests = b"".join([b2(k.encode("utf-8", "surrogatepass"), digest_size=8).digest() for k in number])
    distinct = np.frombuffer(digests, dtype="<u8").astype(np.uint64)
    distinct[distinct == 0] = 1  # as hash64: never 0, which means "too short"
    distinct[np.fromiter(map(len, number), dtype=np.int64, count=len(number)) < min_chars] = 0
    return distinct[which]


def _unit_table(span_units: np.ndarray, span_off: np.ndarray, unit_chars: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's distinct non-zero unit hashes, sorted, with their key lengths: ``(units, unit_off, unit_len)``.

    ``span_units`` holds every unit's hash in text order, document after
    document (``span_off``); ``unit_chars`` each unit's key length.  Where a
    document repeats a hash, its last unit's length stands (what a dict from
    hash to length kept, one document at a time).

    >>> u, off, ln = _unit_table(np.array([7, 3, 0, 7, 5], np.uint64), np.array([0, 4, 5]), np.array([2, 4, 1, 6, 3]))
    >>> u.tolist(), off.tolist(), ln.tolist()
    ([3, 7, 5], [0, 2, 3], [4, 6, 3])
    """
    doc = np.repeat(np.arange(len(span_off) - 1, dtype=np.int64), np.diff(span_off))
    live = np.flatnonzero(span_units != 0)
    # stable: within one (document, hash) the last unit in text order sorts last
    order = live[np.lexsort((span_units[live], doc[live]))]
    d, h = doc[order], span_units[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (d[1:] != d[:-1]) | (h[1:] != h[:-1])
    keep = order[last]
    unit_off = np.zeros(len(span_off), dtype=np.int64)
    np.cumsum(np.bincount(doc[keep], minlength=len(span_off) - 1), out=unit_off[1:])
    return span_units[keep].astype(np.uint64), unit_off, unit_chars[keep].astype(np.int32)


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
    keys = _document_keys(texts, per_unit)
    # the whole batch shingled at once (the hot loop's batched kernels), same sets as shingle_hashes
    sets = shingle_sets(keys, config.match.shingles)
    sigs = signatures(sets, config.match.minhash)
    bands, rows = config.bands_rows()
    bh = band_hashes(sigs, bands, rows)
    min_chars = config.boilerplate.min_chars
    span_off = np.array([0, *ends], dtype=np.int64)
    if config.boilerplate.enabled:
        span_units = hash64_many(flat, min_chars)
        units, unit_off, unit_len = _unit_table(span_units, span_off, np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)))
    else:
        span_units, units, unit_len = np.empty(0, np.uint64), np.empty(0, np.uint64), np.empty(0, np.int32)
        unit_off = span_off = np.zeros(len(texts) + 1, np.int64)
    return Prints(
        keys=keys,
        keyhash=hash64_many(keys, 1),
        keylen=np.array([len(k) for k in keys], dtype=np.int64),
        shingles=sets.sizes.astype(np.int64),
        bands=bh,
        units=units,
        unit_off=unit_off,
        unit_len=unit_len,
        span_units=span_units,
        span_off=span_off,
    )


def verify_pairs(items: Sequence[tuple[str, str]], match: MatchConfig) -> np.ndarray:
    """Scores of key pairs: rows of ``(accepted, similarity, jaccard, containment, reason code)``.

    The chunk is scored at once by :func:`dedup.cluster.verify_pairs` (each
    distinct key shingled once, batched intersections, rapidfuzz only where a
    bound cannot decide): the numbers :func:`dedup.cluster.score_pair` gives
    pair by pair.
    """
    number: dict[str, int] = {}
    ends = np.array([[number.setdefault(k, len(number)) for k in pair] for pair in items], dtype=np.int64).reshape(-1, 2)
    return verify_key_pairs((ends, list(number)), match)


def verify_key_pairs(job: tuple[np.ndarray, list[str]], match: MatchConfig) -> np.ndarray:
    """:func:`verify_pairs` of the pairs ``keys[ends[k, 0]], keys[ends[k, 1]]``, the ``keys`` all distinct.

    The form corpus mode sends its workers: each document's key read once
    per chunk, not once per pair it is in.
    """
    from ..cluster import verify_pairs as verify_batch
    from ..fingerprint.shingle import TABLE_MIN_CHARS, batch_shingle_sets, symbol_batch

    ends, keys = job
    out = np.zeros((len(ends), 5), dtype=np.float64)
    if not len(ends):
        return out
    symbols = symbol_batch(keys, match.shingles)
    # distinct keys are their own ids; the CJK flags are the symbols' own where they came from the
    # same table lookup verify_batch would make (on a big batch)
    cjk = symbols.cjk if int(sum(map(len, keys))) >= TABLE_MIN_CHARS else None
    v = verify_batch(ends, keys, batch_shingle_sets(symbols), match, key_id=np.arange(len(keys), dtype=np.int64), cjk=cjk)
    out[:, 0] = v.accepted
    out[:, 1] = v.similarity
    out[:, 2] = v.jaccard
    out[:, 3] = v.containment
    out[:, 4] = v.reason  # the codes of dedup.model.Reason, as the index stores them
    return out


def finish_batch(job: tuple[Any, ...], boiler: np.ndarray, owners: np.ndarray, config: CorpusConfig) -> list[Finished]:
    """Boilerplate removal and per-document cleaning of a batch (pure).

    ``job`` is ``(texts, global numbers, kept flags, has-boilerplate flags)``,
    optionally followed by each document's unit hashes in text order (what
    :func:`fingerprint_batch` computed as ``span_units``; None where unknown,
    and then the units are keyed again) and by each document's number of
    units (``span_off``'s differences; None: counted here); ``boiler`` the
    sorted boilerplate unit hashes and ``owners`` the document that keeps each
    one (-1: none).  Duplicates are only measured, never rewritten.
    """
    texts, numbers, kept, has_bp = job[:4]
    known = job[4] if len(job) > 4 else [None] * len(texts)
    counts = job[5] if len(job) > 5 else [None] * len(texts)
    out = []
    for text, g, keep, bp, span_units, count in zip(texts, numbers, kept, has_bp, known, counts):
        spans: list[tuple[int, int]] = []
        n_units = 0
        if config.boilerplate.enabled:
            # where the unit is never looked at, fingerprinting's count of units is all it takes
            if count is None or (bp and len(boiler)):
                spans = unit_spans(text, config.boilerplate.unit)
            n_units = len(spans) if count is None or spans else int(count)
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
        chars = (sum(b - a for a, b in spans) or 1) if n_boiler else 1  # only a share of boilerplate needs it
        result = None
        if keep:
            result = _remove_units(text, drop) if drop else text
            if config.clean and result.strip():
                from ..pipeline import Config, clean

                result = clean(result, config=config.pipeline or Config()).text
        out.append(Finished(result, n_units, n_boiler, len(drop) if keep else 0, round(boiler_chars / chars, 4)))
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


__all__ = ["document_key", "finish_batch", "fingerprint_batch", "hash64", "hash64_many", "unit_hashes", "unit_keys", "unit_spans", "verify_key_pairs", "verify_pairs"]
