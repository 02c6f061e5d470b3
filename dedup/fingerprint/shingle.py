"""Shingles as 32-bit hashes, computed from symbol arrays without Python strings.

A text becomes an array of 64-bit *symbols*: Unicode code points for CJK keys
(character n-grams) or stable word hashes for space-separated keys (word
n-grams).  An n-gram hash is FNV-1a over its symbols followed by the
MurmurHash3 64-bit finaliser, keeping the high 32 bits.  Every step is fixed
arithmetic, so hashes are identical across runs, processes, platforms and
``PYTHONHASHSEED`` values.  :func:`shingle_hashes_reference` is the same
function written plainly, one shingle at a time, to test the fast path against.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .keys import is_cjk

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_M64 = (1 << 64) - 1


@dataclass(frozen=True)
class ShingleConfig:
    """How keys become shingle sets (defaults measured in benchmarks/tune_defaults.py)."""

    #: character n-gram size for CJK keys
    char_ngram: int = 4
    #: word n-gram size for space-separated keys
    word_ngram: int = 3


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (a bijection that spreads bits)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def word_symbol(word: str) -> int:
    """A stable 64-bit hash of one word (blake2b; never Python's ``hash``)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def symbols(key: str, cjk: bool | None = None) -> tuple[np.ndarray, bool]:
    """The symbol array of a key and whether it was treated as CJK."""
    if cjk is None:
        cjk = is_cjk(key)
    if cjk:
        return np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64), True
    words = key.split()
    return np.fromiter((word_symbol(w) for w in words), dtype=np.uint64, count=len(words)), False


def ngram_hashes(sym: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the n-grams of ``sym`` (empty if shorter than n)."""
    m = len(sym) - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = np.full(m, _FNV_OFFSET, dtype=np.uint64)
        for k in range(n):
            h = (h ^ sym[k : k + m]) * _FNV_PRIME
        h = fmix64(h)
    return np.unique((h >> np.uint64(32)).astype(np.uint32))


def shingle_hashes(key: str, config: ShingleConfig = ShingleConfig()) -> np.ndarray:
    """Sorted unique shingle hashes of a matching key.

    >>> len(shingle_hashes("推进义务教育"))  # 6 characters, 4-grams
    3
    >>> len(shingle_hashes("the cat sat on the mat"))  # word 3-grams
    4
    """
    sym, cjk = symbols(key)
    return ngram_hashes(sym, config.char_ngram if cjk else config.word_ngram)


def shingle_hashes_reference(key: str, config: ShingleConfig = ShingleConfig()) -> list[int]:
    """Plain-Python twin of :func:`shingle_hashes`, one shingle string at a time."""
    cjk = is_cjk(key)
    if cjk:
        syms = [ord(c) for c in key]
        n = config.char_ngram
    else:
        syms = [word_symbol(w) for w in key.split()]
        n = config.word_ngram
    out = set()
    for i in range(len(syms) - n + 1):
        h = 0xCBF29CE484222325
        for s in syms[i : i + n]:
            h = ((h ^ s) * 0x100000001B3) & _M64
        h ^= h >> 33
        h = (h * 0xFF51AFD7ED558CCD) & _M64
        h ^= h >> 33
        h = (h * 0xC4CEB9FE1A85EC53) & _M64
        h ^= h >> 33
        out.add(h >> 32)
    return sorted(out)
