"""Exact substring counts over one text, without a scan of the text per question.

The cleaner asks the same document "how often does this string occur" many
times (stitching asks it for every cut it considers).  ``text.count(needle)``
per question makes a document of n paragraphs cost n scans of n paragraphs.
:class:`SubstringCounts` answers the same questions, with exactly
``str.count``'s answers (non-overlapping occurrences, left to right), from one
sorted table of the text's ``m``-grams per needle length ``m``, built once.

>>> SubstringCounts("哈哈哈，哈哈").count("哈哈") == "哈哈哈，哈哈".count("哈哈")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: questions answered by ``str.count`` before the table is built (a short document never builds it)
SCAN_FIRST = 64
#: texts shorter than this are always scanned: the table would cost more than it saves
MIN_INDEXED = 4096
#: up to this many code points a gram is packed exactly into 63 bits (21 bits each); longer ones are hashed
_PACKED = 3
_PRIME = 1_000_003


class SubstringCounts:
    """``text.count(needle)`` for many needles: the same answers, in time linear in the text overall.

    For each needle length, the positions of the text's grams of that length
    sorted by a 32-bit hash of their key (the code points themselves up to
    three characters, a 64-bit hash beyond).  A question looks its hash up,
    checks the candidate positions against the needle (a hash can collide)
    and counts them the way ``str.count`` does.  Answers are remembered, so the cost of all questions
    of one length is bounded by the text's length: a position holds one gram
    of each length.
    """

    def __init__(self, text: str, *, scan_first: int = SCAN_FIRST, min_indexed: int = MIN_INDEXED) -> None:
        self.text = text
        self._scan_first, self._min_indexed = scan_first, min_indexed
        self._asked = 0
        self._codes: Any = None
        self._tables: dict[int, tuple[Any, Any]] = {}
        self._answers: dict[str, int] = {}

    def count(self, needle: str) -> int:
        """Non-overlapping occurrences of ``needle`` in the text, as ``text.count(needle)``."""
        known = self._answers.get(needle)
        if known is not None:
            return known
        self._asked += 1
        # a short text, the first few questions and odd needles are answered by a scan (the table costs more)
        scan = not needle or len(self.text) < self._min_indexed or self._asked <= self._scan_first or len(needle) > len(self.text)
        found = self.text.count(needle) if scan else self._count_indexed(needle)
        self._answers[needle] = found
        return found

    def _codes_array(self) -> Any:
        import numpy as np

        if self._codes is None:
            self._codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return self._codes

    def _table(self, m: int) -> tuple[Any, Any]:
        """(sorted 32-bit hashes, positions in the same order) of every ``m``-gram of the text.

        Hash and position are packed into one ``uint64`` and sorted together
        (half the time of an ``argsort`` of the 64-bit keys), so the positions
        of one hash come out ascending; a hash can collide, so every lookup
        checks its candidates against the text.
        """
        import numpy as np

        table = self._tables.get(m)
        if table is None:
            hashes = _table_hash(_gram_keys(self._codes_array(), m))
            if len(hashes) < 2**32:
                packed = np.sort((hashes << np.uint64(32)) | np.arange(len(hashes), dtype=np.uint64))
                table = ((packed >> np.uint64(32)).astype(np.uint32), (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32))
            else:  # (positions past 32 bits: a stable argsort keeps them ascending within a hash)
                order = np.argsort(hashes, kind="stable")
                table = (hashes[order].astype(np.uint32), order)
            self._tables[m] = table
        return table

    def starts(self, needle: str) -> Any:
        """Every position where ``needle`` starts, overlapping occurrences too, ascending (a numpy array)."""
        import numpy as np

        return np.array(self._starts(needle), dtype=np.int64)

    def _starts(self, needle: str) -> list[int]:
        """:meth:`starts` as a list: a few candidates are checked with ``str.startswith``, many at once in numpy."""
        import numpy as np

        m = len(needle)
        if not needle or m > len(self.text):
            return []
        hashes, positions = self._table(m)
        key = np.uint32(_needle_hash(needle))
        lo, hi = int(hashes.searchsorted(key, "left")), int(hashes.searchsorted(key, "right"))
        if hi - lo <= _CHECKED_ONE_BY_ONE:
            text = self.text
            return [a for a in positions[lo:hi].tolist() if text.startswith(needle, a)]
        at = positions[lo:hi].astype(np.int64)
        codes = self._codes_array()
        same = np.ones(len(at), dtype=bool)
        for j, code in enumerate(map(ord, needle)):
            same &= codes[at + j] == code
        return at[same].tolist()

    def may_hold(self, keys: Any, m: int) -> Any:
        """For gram keys of length ``m`` (:func:`word_keys`), whether the text may hold each (False: certainly not)."""
        import numpy as np

        if m > len(self.text):
            return np.zeros(len(keys), dtype=bool)
        table = self._table(m)[0]
        wanted = _table_hash(np.asarray(keys, dtype=np.uint64)).astype(np.uint32)
        return np.searchsorted(table, wanted, "left") < np.searchsorted(table, wanted, "right")

    def _count_indexed(self, needle: str) -> int:
        at = self._starts(needle)
        m = len(needle)
        if len(at) > 1 and any(b - a < m for a, b in zip(at, at[1:])):
            return _non_overlapping(at, m)
        return len(at)


#: candidates of one hash up to this many are checked one by one (``str.startswith``), more in numpy
_CHECKED_ONE_BY_ONE = 48
#: an odd 64-bit multiplier (the golden ratio's): the top 32 bits of ``key * _MIX`` mix every bit of the key
_MIX = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1


def _table_hash(keys: Any) -> Any:
    """The 32-bit table hash of gram keys (:func:`_gram_keys`), as ``uint64`` values below 2**32."""
    import numpy as np

    with np.errstate(over="ignore"):
        return (keys * np.uint64(_MIX)) >> np.uint64(32)


def _needle_hash(needle: str) -> int:
    """:func:`_table_hash` of ``needle``'s gram key, in Python integers (one needle: no numpy call)."""
    key = 0
    if len(needle) <= _PACKED:
        for c in needle:
            key = (key << 21) | ord(c)
    else:
        for c in needle:
            key = (key * _PRIME + ord(c)) & _MASK64
    return ((key * _MIX) & _MASK64) >> 32


def _gram_keys(codes: Any, m: int) -> Any:
    """One uint64 key per ``m``-gram of ``codes``: packed code points (m ≤ 3) or a polynomial hash."""
    import numpy as np

    n = len(codes) - m + 1
    c = codes.astype(np.uint64)
    keys = np.zeros(n, dtype=np.uint64)
    if m <= _PACKED:
        for j in range(m):
            keys = (keys << np.uint64(21)) | c[j : n + j]
        return keys
    for j in range(m):  # wraps at 2**64; collisions are checked against the text
        keys = keys * np.uint64(_PRIME) + c[j : n + j]
    return keys


def word_keys(words: Sequence[str], m: int) -> Any:
    """The table key of each word of exactly ``m`` code points (as :meth:`SubstringCounts.may_hold` wants)."""
    import numpy as np

    codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).reshape(len(words), m).astype(np.uint64)
    keys = np.zeros(len(words), dtype=np.uint64)
    for j in range(m):
        keys = (keys << np.uint64(21)) | codes[:, j] if m <= _PACKED else keys * np.uint64(_PRIME) + codes[:, j]
    return keys


def _non_overlapping(starts: list[int], m: int) -> int:
    """How many of the sorted occurrence ``starts`` ``str.count`` counts: leftmost first, none overlapping."""
    found, free = 0, -1
    for s in starts:
        if s >= free:
            found += 1
            free = s + m
    return found


__all__ = ["SubstringCounts", "word_keys"]
