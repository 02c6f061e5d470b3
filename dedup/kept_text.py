"""What the reconstruction has kept so far: every kept sentence, in reading order, with a 3-gram
index to find those like a new one (:class:`KeptText`), and the keys of every unit but a few, read
only when asked (:class:`AllBut`).  Used by :mod:`dedup.reconstruct`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import chain

from .invariant import Tolerance, join_keys
from .invariant import covers as _covers

#: :func:`dedup.invariant.covers`, remembered: a pure function of two keys and a tolerance, which the
#: merge asks again for each copy of a sentence (about 40 % of its questions on news-sized documents)
covers = lru_cache(maxsize=1 << 15)(_covers)


class AllBut:
    """The keys of every unit but a few (``skip``), read only when asked: most clusters never ask.

    >>> list(AllBut(["a", "b", "c"], (1,))), bool(AllBut(["a"], (0,)))
    (['a', 'c'], False)
    """

    def __init__(self, keys: Sequence[str], skip: tuple[int, ...]) -> None:
        self.keys, self.skip = keys, frozenset(skip)

    def __iter__(self) -> Iterator[str]:
        return (k for m, k in enumerate(self.keys) if m not in self.skip)

    def __contains__(self, key: object) -> bool:
        return any(k == key for k in self)

    def __len__(self) -> int:
        return len(self.keys) - sum(1 for m in self.skip if 0 <= m < len(self.keys))


class KeptText:
    """Every sentence kept so far, in reading order, and a 3-gram index to find those like a new one.

    A sentence (or a fragment of a cut copy) is a repeat when the kept text
    around one of its candidates covers it (:func:`dedup.invariant.covers`):
    the candidate with its neighbours, so that a fragment spanning two kept
    sentences, or two halves of one kept sentence cut apart, is found too.
    """

    #: grams looked up per query: the rarest ones decide
    PROBES = 8
    #: a gram in more kept sentences than this says nothing about any of them
    MAX_POSTINGS = 400

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.units: list[int] = []
        self.index: dict[str, list[int]] = {}
        self._sizes: dict[str, int] = {}
        self._last: tuple[str, set[str]] | None = None

    @staticmethod
    def _grams(key: str) -> set[str]:
        return {key[i : i + 3] for i in range(len(key) - 2)} if len(key) >= 3 else {key}

    def _key_grams(self, key: str) -> set[str]:
        """``self._grams(key)`` for the sentence in hand, built once: covering, contained_in and add ask in turn."""
        if self._last is None or self._last[0] != key:
            self._last = (key, self._grams(key))
        return self._last[1]

    def _gram_count(self, key: str) -> int:
        """``len(self._grams(key))``, remembered: every query asks it of each kept sentence it votes for."""
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = len(self._grams(key))
        return size

    def add(self, key: str, unit: int) -> None:
        i = len(self.keys)
        self.keys.append(key)
        self.units.append(unit)
        grams = self._key_grams(key)
        self._sizes.setdefault(key, len(grams))
        for g in grams:
            self.index.setdefault(g, []).append(i)

    def candidates(self, key: str, limit: int = 6) -> list[int]:
        """Kept sentences sharing most of ``key``'s rarest 3-grams, best first."""
        grams = sorted(self._key_grams(key), key=lambda g: len(self.index.get(g, ())))
        probes = [g for g in grams[: self.PROBES] if 0 < len(self.index.get(g, ())) <= self.MAX_POSTINGS]
        if not probes:
            return []
        votes = Counter(chain.from_iterable(self.index[g] for g in probes))  # counted in C, same counts
        need = max(1, (len(probes) + 1) // 2)
        return sorted((i for i, v in votes.items() if v >= need), key=lambda i: (-votes[i], i))[:limit]

    def extend(self, key: str, unit: int, new_key: str) -> None:
        """The kept sentence ``key`` of ``unit`` now reads ``new_key`` (it keeps its place in reading order)."""
        for i in range(len(self.keys) - 1, -1, -1):
            if self.keys[i] == key and self.units[i] == unit:
                self.keys[i] = new_key
                for g in self._grams(new_key) - self._grams(key):
                    self.index.setdefault(g, []).append(i)
                return
        self.add(new_key, unit)

    def contained_in(self, key: str, share: float = 0.6, limit: int = 6) -> list[int]:
        """Kept sentences most of whose 3-grams ``key`` has (those it may say all of), longest first."""
        posts = (self.index.get(g, ()) for g in self._key_grams(key))
        votes = Counter(chain.from_iterable(p for p in posts if len(p) <= self.MAX_POSTINGS))  # counted in C, same counts
        keys, sizes = self.keys, self._sizes  # looked up inline: this loop sees every voter
        hits = [i for i, v in votes.items() if v >= share * (sizes.get(keys[i]) or self._gram_count(keys[i]))]
        return sorted(hits, key=lambda i: (-len(self.keys[i]), i))[:limit]

    def covering(self, key: str, tolerance: Tolerance) -> list[int] | None:
        """Units whose kept text covers ``key`` (in reading order), or None."""
        for i in self.candidates(key):
            for lo, hi in ((i, i + 1), (i - 1, i + 1), (i, i + 2), (i - 1, i + 2)):
                lo, hi = max(0, lo), min(len(self.keys), hi)
                if covers(join_keys(self.keys[lo:hi]), key, tolerance):
                    return sorted(set(self.units[lo:hi]))
            # two kept sentences in the other order: a copy swapped them, and a sentence without
            # a full stop of its own then reads as one with the next (``… AVOIDED BAYE'S THEORM …``)
            for lo in (i - 1, i):
                if lo >= 0 and lo + 2 <= len(self.keys) and covers(join_keys(self.keys[lo : lo + 2][::-1]), key, tolerance):
                    return sorted(set(self.units[lo : lo + 2]))
        return None
