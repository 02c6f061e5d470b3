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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..chardata import bmp_classes, is_cjk

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


# --- batches: many keys at once, no Python loop per shingle -----------------------------------


@dataclass(frozen=True)
class SymbolBatch:
    """The symbols of many keys, concatenated.

    ``sym[offsets[i]:offsets[i+1]]`` are key ``i``'s symbols and ``ngram[i]``
    its shingle size.  ``sym`` is uint32 (code points) when every key is CJK,
    which halves memory on the common case, and uint64 otherwise.
    """

    sym: np.ndarray
    offsets: np.ndarray
    ngram: np.ndarray
    #: which keys were treated as CJK (code-point n-grams) rather than word keys
    cjk: np.ndarray

    def __len__(self) -> int:
        return len(self.ngram)

    @property
    def shingle_counts(self) -> np.ndarray:
        """Shingle positions per key (before removing repeats)."""
        return np.maximum(np.diff(self.offsets) - self.ngram + 1, 0)


@dataclass(frozen=True)
class ShingleSets:
    """Sorted unique shingle hashes of many keys in CSR form.

    ``hashes[indptr[i]:indptr[i+1]]`` equals ``shingle_hashes(keys[i])``.
    """

    indptr: np.ndarray
    hashes: np.ndarray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.hashes[self.indptr[i] : self.indptr[i + 1]]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    @classmethod
    def from_sets(cls, sets: Sequence[np.ndarray]) -> ShingleSets:
        """Pack a list of hash arrays (as :func:`shingle_hashes` returns them)."""
        sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        indptr = np.zeros(len(sets) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        hashes = np.concatenate([np.asarray(s, dtype=np.uint32) for s in sets]) if len(sets) else np.empty(0, np.uint32)
        return cls(indptr, hashes.astype(np.uint32, copy=False))


#: batches with fewer characters classify keys one by one instead of building the table
TABLE_MIN_CHARS = 100_000

def _segment_sums(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-key sums of ``values`` (empty keys give 0, unlike a bare ``reduceat``)."""
    out = np.zeros(len(offsets) - 1, dtype=np.int64)
    nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
    if len(nonempty):
        out[nonempty] = np.add.reduceat(values, offsets[nonempty], dtype=np.int64)
    return out


def cjk_flags(cp: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """:func:`~dedup.fingerprint.keys.is_cjk` of every key, from its code points.

    Same rule (CJK characters are at least 30 % of the letters), computed
    with one table lookup per character instead of a regex and a Python loop.

    >>> cp, off = code_points(["推进教育", "the cat", "", "日本語abc"])
    >>> cjk_flags(cp, off).tolist()
    [True, False, False, True]
    """
    if len(cp) == 0:
        return np.zeros(len(offsets) - 1, dtype=bool)
    table = bmp_classes()
    from . import kernels

    if kernels.use_kernels(len(cp)):
        nk = len(offsets) - 1
        n_alpha = np.empty(nk, dtype=np.int64)
        n_cjk = np.empty(nk, dtype=np.int64)
        n_astral = np.empty(nk, dtype=np.int64)
        kernels.kernel("class_counts")(cp, offsets, table, n_alpha, n_cjk, n_astral)
        # characters beyond the BMP are rare: count their letters in Python
        for d in np.flatnonzero(n_astral).tolist():
            seg = cp[offsets[d] : offsets[d + 1]]
            n_alpha[d] += sum(1 for c in seg[seg > 0xFFFF].tolist() if chr(c).isalpha())
        return (n_alpha > 0) & (n_cjk / np.maximum(n_alpha, 1) >= 0.3)
    astral = cp > 0xFFFF
    if astral.any():
        cls = table[np.minimum(cp, 0xFFFF)]
        idx = np.flatnonzero(astral)
        cls[idx] = [1 if chr(int(c)).isalpha() else 0 for c in cp[idx]]
    else:
        cls = table[cp]
    n_alpha = _segment_sums(cls & 1, offsets)
    n_cjk = _segment_sums(cls >> 1, offsets)
    return (n_alpha > 0) & (n_cjk / np.maximum(n_alpha, 1) >= 0.3)


def code_points(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All keys' code points in one uint32 array, and the ``offsets`` of each key.

    One ``join`` and one ``encode`` for the whole batch: no per-character work in Python.
    """
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    cp = np.frombuffer("".join(keys).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return cp, offsets


def symbol_batch(keys: Sequence[str], config: ShingleConfig = ShingleConfig()) -> SymbolBatch:
    """The :class:`SymbolBatch` of ``keys``: what :func:`symbols` gives, for all keys at once."""
    cp, offsets = code_points(keys)
    # the lookup table costs ~15 ms to build: small batches ask keys.is_cjk directly
    cjk = cjk_flags(cp, offsets) if len(cp) >= TABLE_MIN_CHARS else np.fromiter((is_cjk(k) for k in keys), dtype=bool, count=len(keys))
    ngram = np.where(cjk, config.char_ngram, config.word_ngram).astype(np.int64)
    if cjk.all():
        return SymbolBatch(cp, offsets, ngram, cjk)
    # some keys are word keys: their symbols are word hashes (memoised for the process:
    # the documents of a run share most of their words)
    memo = _word_symbol_memo()
    parts: list[np.ndarray] = []
    lengths = np.empty(len(keys), dtype=np.int64)
    for i, k in enumerate(keys):
        if cjk[i]:
            part = cp[offsets[i] : offsets[i + 1]].astype(np.uint64)
        else:
            words = k.split()
            part = np.fromiter((memo[w] if w in memo else memo.setdefault(w, word_symbol(w)) for w in words), dtype=np.uint64, count=len(words))
        parts.append(part)
        lengths[i] = len(part)
    new_offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    sym = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
    return SymbolBatch(sym.astype(np.uint64, copy=False), new_offsets, ngram, cjk)


#: distinct words :func:`_word_symbol_memo` keeps before it starts afresh (~100 bytes each)
WORD_MEMO_MAX = 1 << 19
_WORD_SYMBOLS: dict[str, int] = {}


def _word_symbol_memo() -> dict[str, int]:
    """The process's memo of :func:`word_symbol` (word -> hash), emptied when it grows past ``WORD_MEMO_MAX``.

    A hash depends on the word alone, so a memo shared by every batch (and
    thread) gives the same symbols as hashing each word afresh.
    """
    if len(_WORD_SYMBOLS) > WORD_MEMO_MAX:
        _WORD_SYMBOLS.clear()
    return _WORD_SYMBOLS


def _position_hashes(sym: np.ndarray, n: int) -> np.ndarray:
    """Hash of the n-gram starting at every position of ``sym`` (tail positions are junk)."""
    total = len(sym)
    s = np.zeros(total + n, dtype=np.uint64)
    s[:total] = sym
    with np.errstate(over="ignore"):
        h = np.full(total, _FNV_OFFSET, dtype=np.uint64)
        for k in range(n):
            h ^= s[k : k + total]
            h *= _FNV_PRIME
        h = fmix64(h)
    return (h >> np.uint64(32)).astype(np.uint32)


def batch_shingle_sets(batch: SymbolBatch) -> ShingleSets:
    """:class:`ShingleSets` of a whole :class:`SymbolBatch`.

    With numba: each key's positions are hashed, radix-sorted and deduplicated
    in one parallel loop, then packed.  With numpy: every position is hashed
    and tagged with its key (``key << 32 | hash``) and one sort of the tagged
    values yields every key's sorted unique set at once.
    """
    from . import kernels

    counts = batch.shingle_counts
    if kernels.use_kernels(len(batch.sym)):
        starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        buf = np.empty(int(starts[-1]), dtype=np.uint32)
        uniq = np.zeros(len(counts), dtype=np.int64)
        kernels.kernel("shingle_sets")(batch.sym, batch.offsets, batch.ngram, starts, buf, uniq)
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(uniq, out=indptr[1:])
        out = np.empty(int(indptr[-1]), dtype=np.uint32)
        kernels.kernel("compact")(buf, starts, uniq, indptr, out)
        return ShingleSets(indptr, out)
    return _pack_tagged(_tagged_shingles_numpy(batch), len(batch))


def _tagged_shingles_numpy(batch: SymbolBatch) -> np.ndarray:
    """The numpy twin of the ``tagged_shingles`` kernel (one pass per distinct n-gram size)."""
    counts = batch.shingle_counts
    parts: list[np.ndarray] = [np.empty(0, dtype=np.uint64)]
    for n in sorted(set(batch.ngram.tolist())):
        docs = np.flatnonzero((batch.ngram == n) & (counts > 0))
        if not len(docs):
            continue
        h = _position_hashes(batch.sym, int(n))
        c = counts[docs]
        first = np.repeat(batch.offsets[docs], c)
        within = np.arange(int(c.sum()), dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
        parts.append((np.repeat(docs, c).astype(np.uint64) << np.uint64(32)) | h[first + within].astype(np.uint64))
    return np.concatenate(parts)


def _pack_tagged(tagged: np.ndarray, nkeys: int) -> ShingleSets:
    """Sort ``key << 32 | hash`` values, drop repeats, and split them into per-key sets."""
    tagged.sort()
    if len(tagged):
        keep = np.empty(len(tagged), dtype=bool)
        keep[0] = True
        np.not_equal(tagged[1:], tagged[:-1], out=keep[1:])
        tagged = tagged[keep]
    docs = (tagged >> np.uint64(32)).astype(np.int64)
    indptr = np.zeros(nkeys + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=nkeys), out=indptr[1:])
    return ShingleSets(indptr, tagged.astype(np.uint32))


def shingle_sets(keys: Sequence[str], config: ShingleConfig = ShingleConfig()) -> ShingleSets:
    """Shingle sets of many keys at once; ``shingle_sets(keys)[i] == shingle_hashes(keys[i])``.

    >>> s = shingle_sets(["推进义务教育", "the cat sat on the mat", ""])
    >>> s.sizes.tolist()
    [3, 4, 0]
    """
    return batch_shingle_sets(symbol_batch(keys, config))
