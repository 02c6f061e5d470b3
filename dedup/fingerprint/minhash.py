"""MinHash signatures for whole batches of shingle sets.

The scheme is datasketch's ``affine32`` (datasketch >= 2.0): each 32-bit input
hash is pre-mixed with MurmurHash3's 32-bit finaliser, then permuted by
``a * h + b mod 2**32`` with odd ``a``; permutations are drawn from
``numpy.random.RandomState(seed)`` exactly as datasketch draws them.  So
``signatures(...)`` equals ``datasketch.MinHash(num_perm, seed,
scheme="affine32", hashfunc=int)`` updated with the same hashes, bit for bit:
datasketch is the reference implementation (``DEDUP_REFERENCE=1`` forces it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .shingle import ShingleSets, SymbolBatch

EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class MinHashConfig:
    """Signature size and seed (seeded: the same input always gives the same signatures)."""

    num_perm: int = 128
    seed: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.num_perm <= 4096:
            raise ValueError("num_perm must be between 1 and 4096")


def permutations(config: MinHashConfig) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` arrays of the affine permutations, as datasketch draws them.

    Drawn once per ``(num_perm, seed)`` and process (seeding a ``RandomState``
    costs ~0.5 ms, as much as a small document's signatures).  Copies are
    handed out (a few hundred bytes): the compiled kernels take writable arrays,
    and no caller can change the cached draw.
    """
    a, b = _permutations(config.num_perm, config.seed)
    return a.copy(), b.copy()


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`permutations`, drawn afresh."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def use_reference() -> bool:
    """True when ``DEDUP_REFERENCE`` asks for the slow, obviously correct path."""
    return os.environ.get("DEDUP_REFERENCE", "") not in ("", "0", "false", "no")


def signatures(sets: Sequence[np.ndarray] | ShingleSets, config: MinHashConfig = MinHashConfig(), *, chunk: int = 1 << 18) -> np.ndarray:
    """A ``(len(sets), num_perm)`` uint32 matrix of MinHash signatures.

    ``sets`` are arrays of 32-bit shingle hashes (or a packed
    :class:`~dedup.fingerprint.shingle.ShingleSets`); an empty set gets the
    all-``0xFFFFFFFF`` signature.  There is no Python loop per shingle or per
    permutation: big batches go through a compiled kernel, small ones through
    numpy (:func:`signatures_csr`).
    """
    from .shingle import ShingleSets

    if use_reference():
        return signatures_reference(sets, config)
    packed = sets if isinstance(sets, ShingleSets) else ShingleSets.from_sets(sets)
    return signatures_csr(packed.indptr, packed.hashes, config, chunk=chunk)


def signatures_csr(indptr: np.ndarray, hashes: np.ndarray, config: MinHashConfig = MinHashConfig(), *, chunk: int = 1 << 18) -> np.ndarray:
    """Signatures of shingle sets in CSR form (``hashes[indptr[i]:indptr[i+1]]`` is set ``i``)."""
    from . import kernels

    a, b = permutations(config)
    n = len(indptr) - 1
    out = np.full((n, config.num_perm), EMPTY, dtype=np.uint32)
    if n == 0:
        return out
    if kernels.use_kernels(len(hashes) * max(1, config.num_perm // 32), load_size=len(hashes)):
        kernels.kernel("minhash_csr")(indptr.astype(np.int64, copy=False), hashes.astype(np.uint32, copy=False), a, b, out)
        return out
    _signatures_csr_numpy(indptr, hashes.astype(np.uint32, copy=False), a, b, out, chunk)
    return out


def _signatures_csr_numpy(indptr: np.ndarray, hashes: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray, chunk: int) -> None:
    """Consecutive sets holding about ``chunk`` hashes at a time; ``minimum.reduceat`` takes the minima."""
    n = len(indptr) - 1
    num_perm = len(a)
    i = 0
    with np.errstate(over="ignore"):
        while i < n:
            j = int(np.searchsorted(indptr, indptr[i] + chunk, side="right")) - 1
            j = min(max(j, i + 1), n)
            sizes = np.diff(indptr[i : j + 1])
            nonempty = np.flatnonzero(sizes)
            if len(nonempty):
                h = fmix32(hashes[indptr[i] : indptr[j]])
                starts = (indptr[i:j] - indptr[i])[nonempty]
                # permutation rows in slices keep the temporary at ~16 x chunk x 4 bytes
                for p0 in range(0, num_perm, 16):
                    p1 = min(p0 + 16, num_perm)
                    phv = a[p0:p1, None] * h[None, :] + b[p0:p1, None]
                    out[i + nonempty, p0:p1] = np.minimum.reduceat(phv, starts, axis=1).T
            i = j


def signatures_of_batch(batch: SymbolBatch, config: MinHashConfig = MinHashConfig()) -> np.ndarray:
    """Signatures straight from a :class:`~dedup.fingerprint.shingle.SymbolBatch`.

    With numba this is one loop per key that hashes, shingles and takes minima
    without materialising shingle sets; without it, sets then
    :func:`signatures_csr`.  Either way equal to ``signatures(shingle sets)``.
    """
    from . import kernels
    from .shingle import batch_shingle_sets

    if use_reference():
        sets = batch_shingle_sets(batch)
        return signatures_reference([sets[i] for i in range(len(sets))], config)
    if kernels.use_kernels(len(batch.sym)):
        a, b = permutations(config)
        out = np.full((len(batch), config.num_perm), EMPTY, dtype=np.uint32)
        kernels.kernel("minhash_symbols")(batch.sym, batch.offsets, batch.ngram, a, b, out)
        return out
    sets = batch_shingle_sets(batch)
    return signatures_csr(sets.indptr, sets.hashes, config)


def signatures_reference(sets: Sequence[np.ndarray] | ShingleSets, config: MinHashConfig = MinHashConfig()) -> np.ndarray:
    """The same signatures computed by datasketch, one set at a time."""
    from datasketch import MinHash

    if not isinstance(sets, Sequence):
        sets = [sets[i] for i in range(len(sets))]
    out = np.full((len(sets), config.num_perm), EMPTY, dtype=np.uint32)
    for k, s in enumerate(sets):
        m = MinHash(num_perm=config.num_perm, seed=config.seed, scheme="affine32", hashfunc=int)
        if len(s):
            m.update_batch([int(x) for x in s])
            out[k] = m.hashvalues
    return out


def jaccard_estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal signature slots: an unbiased estimate of Jaccard similarity."""
    return float(np.mean(sig_a == sig_b))
