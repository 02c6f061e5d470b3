"""LSH banding by sorting band hashes: candidate pairs without per-band dicts.

Bands and rows come from the same weighted false-positive / false-negative
optimisation datasketch's ``MinHashLSH`` uses, but the default weights favour
recall (datasketch's 0.5/0.5 finds only ~80 % of true pairs at 0.8): every
candidate is verified afterwards, so precision is restored there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .shingle import fmix64

# numpy 2 renamed trapz to trapezoid; the floor we test (numpy 1.24) has only trapz
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # type: ignore[attr-defined]  # numpy >= 2.4 has no trapz


@dataclass(frozen=True)
class LSHConfig:
    """Where LSH draws the line (on estimated Jaccard similarity)."""

    #: Jaccard similarity from which pairs should become candidates
    threshold: float = 0.5
    false_positive_weight: float = 0.2
    false_negative_weight: float = 0.8
    #: buckets larger than this emit a chain and a star instead of all pairs
    max_bucket_pairs: int = 64

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("LSH threshold must be strictly between 0 and 1")


def _collision(s: np.ndarray, b: np.ndarray | int, r: np.ndarray | int) -> np.ndarray:
    return 1.0 - (1.0 - s**r) ** b


#: results of :func:`optimal_param` for the default settings, so that a
#: one-document run does not spend ~0.1 s integrating (tests recompute them)
KNOWN_PARAMS = {(0.5, 128, 0.2, 0.8): (30, 4)}


@lru_cache(maxsize=64)
def optimal_param(threshold: float, num_perm: int, fp_weight: float = 0.2, fn_weight: float = 0.8) -> tuple[int, int]:
    """``(bands, rows)`` minimising the weighted false positive and negative areas.

    All ``(b, r)`` candidates are integrated at once (one array operation
    instead of a Python loop of ~700 integrals), then scanned in datasketch's
    order with its tie rule.

    >>> optimal_param(0.5, 128)
    (30, 4)
    >>> optimal_param(0.8, 64)
    (8, 8)
    """
    known = KNOWN_PARAMS.get((threshold, num_perm, fp_weight, fn_weight))
    if known is not None:
        return known
    lo = np.linspace(0.0, threshold, 201)
    hi = np.linspace(threshold, 1.0, 201)
    b = np.concatenate([np.full(num_perm // bi, bi) for bi in range(1, num_perm + 1)])
    r = np.concatenate([np.arange(1, num_perm // bi + 1) for bi in range(1, num_perm + 1)])
    fp = _trapezoid(_collision(lo[None, :], b[:, None], r[:, None]), lo, axis=1)
    fn = _trapezoid(1.0 - _collision(hi[None, :], b[:, None], r[:, None]), hi, axis=1)
    errs = (fp * fp_weight + fn * fn_weight).tolist()
    best, best_err = (1, num_perm), float("inf")
    for k, err in enumerate(errs):
        if err < best_err - 1e-12:
            best, best_err = (int(b[k]), int(r[k])), err
    return best


def _optimal_param_loop(threshold: float, num_perm: int, fp_weight: float = 0.2, fn_weight: float = 0.8) -> tuple[int, int]:
    """The same search one ``(b, r)`` at a time (the reference for :func:`optimal_param`)."""
    lo = np.linspace(0.0, threshold, 201)
    hi = np.linspace(threshold, 1.0, 201)
    best, best_err = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = _trapezoid(_collision(lo, b, r), lo)
            fn = _trapezoid(1.0 - _collision(hi, b, r), hi)
            err = fp * fp_weight + fn * fn_weight
            if err < best_err - 1e-12:
                best, best_err = (b, r), err
    return best


def band_hashes(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64 hashes, one per band of each signature (fmix64 chained over its rows)."""
    from . import kernels

    n = sigs.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    if kernels.use_kernels(n * bands * rows):
        kernels.kernel("band_hashes")(np.ascontiguousarray(sigs), bands, rows, out)
        return out
    _band_hashes_numpy(sigs, bands, rows, out)
    return out


def _band_hashes_numpy(sigs: np.ndarray, bands: int, rows: int, out: np.ndarray) -> None:
    """The numpy twin of the ``band_hashes`` kernel: all bands at once, one fmix64 per row.

    Band ``i`` starts from ``0x9E3779B97F4A7C15 * (i + 1)`` and chains
    ``fmix64(h ^ sig)`` over its rows; a ``(n, bands)`` array holds every
    band's running hash, so there are ``rows`` numpy passes instead of
    ``bands * rows`` (~130 per document at the defaults).
    """
    n = sigs.shape[0]
    with np.errstate(over="ignore"):
        seeds = np.uint64(0x9E3779B97F4A7C15) * np.arange(1, bands + 1, dtype=np.uint64)
        by_band = sigs[:, : bands * rows].reshape(n, bands, rows)
        h = np.broadcast_to(seeds, (n, bands))
        for j in range(rows):
            h = fmix64(h ^ by_band[:, :, j].astype(np.uint64))
        out[:] = h


def candidate_pairs(sigs: np.ndarray, config: LSHConfig = LSHConfig(), *, valid: np.ndarray | None = None) -> np.ndarray:
    """Sorted unique ``(i, j)`` pairs, ``i < j``, sharing at least one band.

    Rows where ``valid`` is False (empty shingle sets) take no part.
    """
    n, num_perm = sigs.shape
    bands, rows = optimal_param(config.threshold, num_perm, config.false_positive_weight, config.false_negative_weight)
    ids = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid)
    if len(ids) < 2:
        return np.empty((0, 2), dtype=np.int64)
    return candidates_from_bands(band_hashes(sigs[ids], bands, rows), ids, config.max_bucket_pairs)


def candidates_from_bands(bh: np.ndarray, ids: np.ndarray, limit: int) -> np.ndarray:
    """Sorted unique pairs of ``ids`` whose rows of ``bh`` share a band hash.

    One sort per band groups equal band hashes (no dict per band per
    document); buckets with more than ``limit`` pairs become a star plus a
    chain (see :func:`_bucket_pairs`).
    """
    from . import kernels

    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) < 2:
        return np.empty((0, 2), dtype=np.int64)
    fast = kernels.use_kernels(bh.size)
    n = int(ids.max()) + 1
    if not fast:
        return _all_bands_pairs_numpy(bh, ids, limit, n)
    # pairs are kept as sorted unique codes i * n + j and merged every few bands,
    # so memory follows the number of distinct pairs, not pairs x bands
    merged = np.empty(0, dtype=np.int64)
    pending: list[np.ndarray] = []
    for i in range(bh.shape[1]):
        keys = np.ascontiguousarray(bh[:, i])
        order = np.lexsort((ids, keys))
        k_sorted = keys[order]
        members = ids[order]
        del order
        pairs = kernels.kernel("bucket_pairs")(k_sorted, members, limit) if fast else _band_pairs_numpy(k_sorted, members, limit)
        pending.append(sorted_unique(pairs[:, 0] * n + pairs[:, 1]))
        if len(pending) >= 4 or i == bh.shape[1] - 1:
            merged = sorted_unique(np.concatenate([merged, *pending]))
            pending = []
    return np.stack([merged // n, merged % n], axis=1)


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique rows of an ``(m, 2)`` pair array of numbers below ``n``, via one 1-D ``unique`` of ``i * n + j``.

    The rows ``np.unique(pairs, axis=0)`` gives (a row-wise sort of a
    structured view, several times slower).

    >>> unique_pairs(np.array([[2, 1], [0, 3], [2, 1], [0, 1]]), 4).tolist()
    [[0, 1], [0, 3], [2, 1]]
    """
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=np.int64)
    if n >= 2**31:  # i * n + j would overflow 64 bits
        return np.unique(pairs.astype(np.int64), axis=0)
    code = sorted_unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique`` for 1-D arrays without its first-call import of ``numpy.ma`` (~0.15 s of start-up)."""
    x = np.sort(x)
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


#: the numpy path sorts this many (band, hash) entries at a time (a few bands of a big batch at once)
BAND_GROUP_ENTRIES = 1 << 21


def _all_bands_pairs_numpy(bh: np.ndarray, ids: np.ndarray, limit: int, n: int) -> np.ndarray:
    """:func:`candidates_from_bands` without kernels: several bands sorted together, one sort per group.

    Sorting by ``(band, hash, id)`` groups each band's equal hashes exactly as
    the per-band sort does (members in id order), so the pairs are the same;
    a small document pays one sort instead of one per band.
    """
    m, nb = bh.shape
    per_group = max(1, BAND_GROUP_ENTRIES // max(m, 1))
    codes: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    for b0 in range(0, nb, per_group):
        b1 = min(nb, b0 + per_group)
        keys = np.ascontiguousarray(bh[:, b0:b1].T).ravel()
        band = np.repeat(np.arange(b1 - b0, dtype=np.int64), m)
        members = np.tile(ids, b1 - b0)
        order = np.lexsort((members, keys, band))
        pairs = _band_pairs_numpy(keys[order], members[order], limit, band[order])
        codes.append(sorted_unique(pairs[:, 0] * n + pairs[:, 1]))
    merged = sorted_unique(np.concatenate(codes))
    return np.stack([merged // n, merged % n], axis=1)


@lru_cache(maxsize=256)
def _triu(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(size, 1)``, computed once per bucket size (it was called thousands of times per document)."""
    i, j = np.triu_indices(size, 1)
    i.flags.writeable = False
    j.flags.writeable = False
    return i, j


def _band_pairs_numpy(k_sorted: np.ndarray, members: np.ndarray, limit: int, band: np.ndarray | None = None) -> np.ndarray:
    """Pairs of every run of equal band hashes (and equal ``band``, when given); small buckets vectorised by size."""
    change = k_sorted[1:] != k_sorted[:-1]
    if band is not None:
        change |= band[1:] != band[:-1]
    cut = np.flatnonzero(change) + 1
    starts = np.concatenate(([0], cut))
    ends = np.concatenate((cut, [len(k_sorted)]))
    g = ends - starts
    out: list[np.ndarray] = [np.empty((0, 2), dtype=np.int64)]
    for size in sorted(set(g[g >= 2].tolist())):
        s = starts[g == size]
        if size * (size - 1) // 2 <= limit:
            # every bucket of this size at once: (buckets, pairs-per-bucket)
            i, j = _triu(int(size))
            out.append(np.stack([members[s[:, None] + i].ravel(), members[s[:, None] + j].ravel()], axis=1))
        else:
            for s0 in s:
                out.append(_bucket_pairs(members[s0 : s0 + size], limit))
    return np.concatenate(out)


def _bucket_pairs(m: np.ndarray, limit: int) -> np.ndarray:
    g = len(m)
    if g * (g - 1) // 2 <= limit:
        i, j = np.triu_indices(g, 1)
        return np.stack([m[i], m[j]], axis=1)
    # a huge bucket: a star on its first member plus a chain keeps it connected
    # in g pairs instead of g^2; verification decides which edges are real
    star = np.stack([np.repeat(m[0], g - 1), m[1:]], axis=1)
    chain = np.stack([m[:-1], m[1:]], axis=1)
    return np.concatenate([star, chain])


def maybe_repeated(values: np.ndarray) -> np.ndarray:
    """Mask of the entries of ``values`` (unsigned 64-bit) that may repeat: every repeated value, and a few others.

    Most band hashes belong to one document, and sorting all of them to find
    the runs of equal ones was most of the band stage.  Equal values have
    equal low bits, so counting the low bits in a table about eight times
    the size of the array (one ``bincount``) rules a value out exactly when
    its slot holds nothing else.  Whatever is left still has to be sorted:
    a run of one is a value that shared its slot by chance.

    >>> maybe_repeated(np.array([5, 9, 5, 2**40 + 9, 7], np.uint64)).tolist()
    [True, True, True, True, False]
    """
    n = len(values)
    if n < 2:
        return np.zeros(n, dtype=bool)
    bits = min(30, max(4, int(n).bit_length() + 3))
    slot = (values & np.uint64((1 << bits) - 1)).astype(np.int64)
    return np.bincount(slot, minlength=1 << bits)[slot] >= 2


def run_pairs(new: np.ndarray, d: np.ndarray, limit: int) -> list[np.ndarray]:
    """Pairs of the documents ``d`` within each run that ``new`` opens (True at a run's first member).

    A run with more than ``limit`` pairs gives a star on its first member plus
    a chain; all runs of one size are done in one array operation, not per run.
    """
    starts = np.flatnonzero(new)
    size = np.diff(np.append(starts, len(d)))
    found = []
    # the run sizes present, ascending (np.unique hashed them: ~10 ms per band of 100k documents)
    for g in np.flatnonzero(np.bincount(size[size >= 2])).tolist():
        s = starts[size == g][:, None]
        if g * (g - 1) // 2 <= limit:
            i, j = np.triu_indices(g, 1)
            found.append(np.stack([d[s + i].ravel(), d[s + j].ravel()], axis=1))
        else:
            rest = np.arange(1, g)
            found.append(np.stack([np.repeat(d[s[:, 0]], g - 1), d[s + rest].ravel()], axis=1))
            found.append(np.stack([d[s + rest - 1].ravel(), d[s + rest].ravel()], axis=1))
    return found


def bucket_pairs(band: np.ndarray, hashes: np.ndarray, docs: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
    """Sorted unique ``(a, b)`` pairs, ``a < b``, of documents sharing a ``(band, hash)`` key.

    Members of a key are ordered by ``rank`` (derived from content and id, not
    from input position), and a key with more than ``limit`` pairs emits a star
    on its first member plus a chain instead of all pairs — so the candidates,
    and hence the clusters, do not depend on the order of the input or on how
    rows are spread over partitions.

    >>> bucket_pairs(np.array([0, 0, 1, 1]), np.array([7, 7, 7, 9], np.uint64), np.array([5, 2, 5, 2]), np.array([0, 1, 0, 1]), 64)
    array([[2, 5]])
    """
    if len(docs) < 2:
        return np.empty((0, 2), np.int64)
    order = np.lexsort((rank, hashes, band))
    b, h, d = band[order], hashes[order], docs[order].astype(np.int64)
    new = np.ones(len(d), dtype=bool)
    new[1:] = (b[1:] != b[:-1]) | (h[1:] != h[:-1])
    found = run_pairs(new, d, limit)
    if not found:
        return np.empty((0, 2), np.int64)
    p = np.concatenate(found)
    p = np.stack([p.min(axis=1), p.max(axis=1)], axis=1)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(p, axis=0) if len(p) else np.empty((0, 2), np.int64)
