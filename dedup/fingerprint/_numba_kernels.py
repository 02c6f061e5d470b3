"""The numba kernels themselves (see :mod:`dedup.fingerprint.kernels`).

Kept at module level in their own module so that ``cache=True`` works (numba
cannot cache closures) and so that importing :mod:`dedup` never imports numba.
"""

from __future__ import annotations

import numba  # noqa: F401  (kernels reads _numba_kernels.numba: the version its cache is keyed by)
import numpy as np
from numba import njit, prange

U64 = np.uint64
FNV_OFFSET = U64(0xCBF29CE484222325)
FNV_PRIME = U64(0x100000001B3)
M1 = U64(0xFF51AFD7ED558CCD)
M2 = U64(0xC4CEB9FE1A85EC53)
S33 = U64(33)
S32 = U64(32)
S16 = U64(16)
S13 = U64(13)
C1 = U64(0x85EBCA6B)
C2 = U64(0xC2B2AE35)
MASK32 = U64(0xFFFFFFFF)


@njit(inline="always", cache=True)
def shingle_hash(sym, start, n):  # pragma: no cover - compiled
    """FNV-1a over ``n`` symbols, fmix64, high 32 bits (as uint64).

    The usual sizes (3, 4, 5) are spelled out: a loop with a run-time trip
    count is not unrolled and roughly doubles the cost of a shingle.
    """
    h = FNV_OFFSET
    if n == 4:
        h = (h ^ U64(sym[start])) * FNV_PRIME
        h = (h ^ U64(sym[start + 1])) * FNV_PRIME
        h = (h ^ U64(sym[start + 2])) * FNV_PRIME
        h = (h ^ U64(sym[start + 3])) * FNV_PRIME
    elif n == 5:
        h = (h ^ U64(sym[start])) * FNV_PRIME
        h = (h ^ U64(sym[start + 1])) * FNV_PRIME
        h = (h ^ U64(sym[start + 2])) * FNV_PRIME
        h = (h ^ U64(sym[start + 3])) * FNV_PRIME
        h = (h ^ U64(sym[start + 4])) * FNV_PRIME
    elif n == 3:
        h = (h ^ U64(sym[start])) * FNV_PRIME
        h = (h ^ U64(sym[start + 1])) * FNV_PRIME
        h = (h ^ U64(sym[start + 2])) * FNV_PRIME
    else:
        for k in range(n):
            h = (h ^ U64(sym[start + k])) * FNV_PRIME
    h ^= h >> S33
    h *= M1
    h ^= h >> S33
    h *= M2
    h ^= h >> S33
    return h >> S32


@njit(inline="always", cache=True)
def fmix32(h):  # pragma: no cover - compiled
    """MurmurHash3's 32-bit finaliser on a uint64 holding 32 bits."""
    h ^= h >> S16
    h = (h * C1) & MASK32
    h ^= h >> S13
    h = (h * C2) & MASK32
    h ^= h >> S16
    return h


@njit(inline="always", cache=True)
def min_into(row, a, b, hs, i, k):  # pragma: no cover - compiled
    """Fold ``k <= 8`` pre-mixed hashes ``hs[i:i+k]`` into one signature row.

    Eight at a time: the row is loaded and stored once per eight shingles,
    the store is unconditional (a conditional store stops LLVM from
    vectorising), and the loop over permutations becomes AVX2 mul/add/min.
    Missing lanes repeat the first hash, which cannot change a minimum.
    """
    x0 = np.uint32(hs[i])
    x1 = np.uint32(hs[i + 1]) if k > 1 else x0
    x2 = np.uint32(hs[i + 2]) if k > 2 else x0
    x3 = np.uint32(hs[i + 3]) if k > 3 else x0
    x4 = np.uint32(hs[i + 4]) if k > 4 else x0
    x5 = np.uint32(hs[i + 5]) if k > 5 else x0
    x6 = np.uint32(hs[i + 6]) if k > 6 else x0
    x7 = np.uint32(hs[i + 7]) if k > 7 else x0
    for p in range(row.shape[0]):
        ap = a[p]
        bp = b[p]
        v0 = np.uint32(ap * x0 + bp)
        v1 = np.uint32(ap * x1 + bp)
        v2 = np.uint32(ap * x2 + bp)
        v3 = np.uint32(ap * x3 + bp)
        v4 = np.uint32(ap * x4 + bp)
        v5 = np.uint32(ap * x5 + bp)
        v6 = np.uint32(ap * x6 + bp)
        v7 = np.uint32(ap * x7 + bp)
        row[p] = min(row[p], min(min(min(v0, v1), min(v2, v3)), min(min(v4, v5), min(v6, v7))))


@njit(parallel=True, cache=True)
def minhash_symbols(sym, offsets, ngram, a, b, out):  # pragma: no cover - compiled
    """Signatures straight from symbols: hash, shingle and take minima in one pass per key.

    A key's shingle hashes go to a small buffer first (a tight loop the CPU
    overlaps well), then into the row eight at a time; no shingle set is
    ever built.
    """
    nd = offsets.shape[0] - 1
    for d in prange(nd):
        s0 = offsets[d]
        n = ngram[d]
        m = offsets[d + 1] - s0 - n + 1
        if m <= 0:
            continue
        row = out[d]
        hs = np.empty(m, dtype=np.uint64)
        for i in range(m):
            hs[i] = fmix32(shingle_hash(sym, s0 + i, n))
        i = 0
        while i < m:
            k = min(8, m - i)
            min_into(row, a, b, hs, i, k)
            i += k


@njit(parallel=True, cache=True)
def minhash_csr(indptr, hashes, a, b, out):  # pragma: no cover - compiled
    """Signatures of shingle sets given in CSR form."""
    nd = indptr.shape[0] - 1
    for d in prange(nd):
        s0 = indptr[d]
        e = indptr[d + 1]
        row = out[d]
        hs = np.empty(8, dtype=np.uint64)
        i = s0
        while i < e:
            k = min(8, e - i)
            for t in range(k):
                hs[t] = fmix32(U64(hashes[i + t]))
            min_into(row, a, b, hs, 0, k)
            i += k


@njit(inline="always", cache=True)
def radix_sort32(x, tmp):  # pragma: no cover - compiled
    """Sort uint32 ``x`` in place: four 8-bit LSD passes, no data-dependent branches.

    For a few hundred shingles per key this beats both a comparison sort
    (branch mispredictions on random hashes) and one big sort of the batch.
    """
    m = x.shape[0]
    src = x
    dst = tmp
    counts = np.empty(256, dtype=np.int64)
    for shift in range(0, 32, 8):
        counts[:] = 0
        for i in range(m):
            counts[(src[i] >> shift) & 255] += 1
        total = 0
        for c in range(256):
            t = counts[c]
            counts[c] = total
            total += t
        for i in range(m):
            v = src[i]
            d = (v >> shift) & 255
            dst[counts[d]] = v
            counts[d] += 1
        src, dst = dst, src
    # four passes: the sorted data is back in x


@njit(parallel=True, cache=True)
def shingle_sets(sym, offsets, ngram, starts, buf, counts):  # pragma: no cover - compiled
    """Sorted unique shingle hashes of key ``d`` written at ``buf[starts[d]:]``; ``counts[d]`` of them."""
    nd = offsets.shape[0] - 1
    for d in prange(nd):
        s0 = offsets[d]
        n = ngram[d]
        m = offsets[d + 1] - s0 - n + 1
        if m <= 0:
            counts[d] = 0
            continue
        o = starts[d]
        seg = buf[o : o + m]
        for i in range(m):
            seg[i] = np.uint32(shingle_hash(sym, s0 + i, n))
        radix_sort32(seg, np.empty(m, dtype=np.uint32))
        k = 1
        for i in range(1, m):
            if seg[i] != seg[k - 1]:
                seg[k] = seg[i]
                k += 1
        counts[d] = k


@njit(cache=True)
def compact(buf, starts, counts, indptr, out):  # pragma: no cover - compiled
    """Pack the per-key runs of ``buf`` into one CSR array."""
    for d in range(counts.shape[0]):
        o = indptr[d]
        s = starts[d]
        for i in range(counts[d]):
            out[o + i] = buf[s + i]


@njit(parallel=True, cache=True)
def band_hashes(sigs, bands, rows, out):  # pragma: no cover - compiled
    """One uint64 hash per band: fmix64 chained over the band's rows."""
    n = sigs.shape[0]
    for d in prange(n):
        for i in range(bands):
            h = U64(0x9E3779B97F4A7C15) * U64(i + 1)
            for j in range(i * rows, (i + 1) * rows):
                h = h ^ U64(sigs[d, j])
                h ^= h >> S33
                h *= M1
                h ^= h >> S33
                h *= M2
                h ^= h >> S33
            out[d, i] = h


@njit(cache=True)
def bucket_pairs(keys, members, limit):  # pragma: no cover - compiled
    """Pairs of every run of equal ``keys`` (sorted), as in ``lsh._bucket_pairs``."""
    L = keys.shape[0]
    # first pass: count
    total = 0
    s = 0
    while s < L:
        e = s + 1
        while e < L and keys[e] == keys[s]:
            e += 1
        g = e - s
        if g >= 2:
            full = g * (g - 1) // 2
            total += full if full <= limit else 2 * (g - 1)
        s = e
    out = np.empty((total, 2), dtype=np.int64)
    t = 0
    s = 0
    while s < L:
        e = s + 1
        while e < L and keys[e] == keys[s]:
            e += 1
        g = e - s
        if g >= 2:
            if g * (g - 1) // 2 <= limit:
                for x in range(s, e):
                    for y in range(x + 1, e):
                        out[t, 0] = members[x]
                        out[t, 1] = members[y]
                        t += 1
            else:
                for y in range(s + 1, e):
                    out[t, 0] = members[s]
                    out[t, 1] = members[y]
                    t += 1
                for x in range(s, e - 1):
                    out[t, 0] = members[x]
                    out[t, 1] = members[x + 1]
                    t += 1
        s = e
    return out


@njit(parallel=True, cache=True)
def intersections(indptr, hashes, pa, pb, out):  # pragma: no cover - compiled
    """Size of the intersection of sets ``pa[k]`` and ``pb[k]`` (sorted merge)."""
    for k in prange(pa.shape[0]):
        i = indptr[pa[k]]
        ie = indptr[pa[k] + 1]
        j = indptr[pb[k]]
        je = indptr[pb[k] + 1]
        c = 0
        while i < ie and j < je:
            x = hashes[i]
            y = hashes[j]
            if x == y:
                c += 1
                i += 1
                j += 1
            elif x < y:
                i += 1
            else:
                j += 1
        out[k] = c


@njit(parallel=True, cache=True)
def class_counts(cp, offsets, table, n_alpha, n_cjk, n_astral):  # pragma: no cover - compiled
    """Per key: letters and CJK characters (BMP table lookups) and characters beyond the BMP."""
    for d in prange(offsets.shape[0] - 1):
        a = 0
        c = 0
        x = 0
        for i in range(offsets[d], offsets[d + 1]):
            v = cp[i]
            if v > 0xFFFF:
                x += 1
            else:
                t = table[v]
                a += t & 1
                c += t >> 1
        n_alpha[d] = a
        n_cjk[d] = c
        n_astral[d] = x

