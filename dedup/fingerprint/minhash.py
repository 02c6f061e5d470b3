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
from dataclasses import dataclass
from typing import Sequence

import numpy as np

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
    """The ``(a, b)`` arrays of the affine permutations, as datasketch draws them."""
    gen = np.random.RandomState(config.seed)
    a = gen.randint(0, 1 << 31, config.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, config.num_perm, dtype=np.uint32)
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


def signatures(sets: Sequence[np.ndarray], config: MinHashConfig = MinHashConfig(), *, chunk: int = 1 << 18) -> np.ndarray:
    """A ``(len(sets), num_perm)`` uint32 matrix of MinHash signatures.

    ``sets`` are arrays of 32-bit shingle hashes; an empty set gets the
    all-``0xFFFFFFFF`` signature.  Work is done over concatenated batches of
    at most ``chunk`` hashes, with ``np.minimum.reduceat`` taking the minima,
    so there is no Python loop per shingle or per permutation.
    """
    if use_reference():
        return signatures_reference(sets, config)
    a, b = permutations(config)
    out = np.full((len(sets), config.num_perm), EMPTY, dtype=np.uint32)
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    i = 0
    n = len(sets)
    with np.errstate(over="ignore"):
        while i < n:
            # a batch of consecutive sets holding about `chunk` hashes
            j, total = i, 0
            while j < n and (total == 0 or total + sizes[j] <= chunk):
                total += sizes[j]
                j += 1
            nonempty = [k for k in range(i, j) if sizes[k]]
            if nonempty:
                h = fmix32(np.concatenate([sets[k] for k in nonempty]).astype(np.uint32, copy=False))
                starts = np.concatenate(([0], np.cumsum(sizes[nonempty])[:-1]))
                # permutation rows in slices keep the temporary at ~16 x chunk x 4 bytes
                for p0 in range(0, config.num_perm, 16):
                    p1 = min(p0 + 16, config.num_perm)
                    phv = a[p0:p1, None] * h[None, :] + b[p0:p1, None]
                    out[nonempty, p0:p1] = np.minimum.reduceat(phv, starts, axis=1).T
            i = j
    return out


def signatures_reference(sets: Sequence[np.ndarray], config: MinHashConfig = MinHashConfig()) -> np.ndarray:
    """The same signatures computed by datasketch, one set at a time."""
    from datasketch import MinHash

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
