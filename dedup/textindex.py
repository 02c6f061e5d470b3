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
    sorted by their key (the code points themselves up to three characters,
    a 64-bit hash beyond).  A question looks its key up, checks the candidate
    positions against the needle (a hash can collide) and counts them the way
    ``str.count`` does.  Answers are remembered, so the cost of all questions
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
        """(sorted keys, positions in the same order) of every ``m``-gram of the text."""
        import numpy as np

        table = self._tables.get(m)
        if table is None:
            keys = _gram_keys(self._codes_array(), m)
            order = np.argsort(keys, kind="stable").astype(np.int64 if len(keys) >= 2**31 else np.int32)
            table = (keys[order], order)
            self._tables[m] = table
        return table

    def starts(self, needle: str) -> Any:
        """Every position where ``needle`` starts, overlapping occurrences too, ascending (a numpy array)."""
        import numpy as np

        m = len(needle)
        if not needle or m > len(self.text):
            return np.zeros(0, dtype=np.int64)
        keys, order = self._table(m)
        wanted = np.frombuffer(needle.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        key = _gram_keys(wanted, m)[0]
        lo, hi = int(np.searchsorted(keys, key, "left")), int(np.searchsorted(keys, key, "right"))
        at = np.sort(order[lo:hi]).astype(np.int64)
        if m > _PACKED and len(at):  # hashed keys: keep the positions that really hold the needle
            codes = self._codes_array()
            same = np.ones(len(at), dtype=bool)
            for j in range(m):
                same &= codes[at + j] == wanted[j]
            at = at[same]
        return at

    def may_hold(self, keys: Any, m: int) -> Any:
        """For gram keys of length ``m`` (:func:`word_keys`), whether the text may hold each (False: certainly not)."""
        import numpy as np

        if m > len(self.text):
            return np.zeros(len(keys), dtype=bool)
        table = self._table(m)[0]
        return np.searchsorted(table, keys, "left") < np.searchsorted(table, keys, "right")

    def _count_indexed(self, needle: str) -> int:
        import numpy as np

        at = self.starts(needle)
        m = len(needle)
        if len(at) > 1 and bool((np.diff(at) < m).any()):
            return _non_overlapping(at.tolist(), m)
        return len(at)


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
