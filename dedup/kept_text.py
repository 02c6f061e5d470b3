"""What the reconstruction has kept so far: every kept sentence, in reading order, with a 3-gram
index to find those like a new one (:class:`KeptText`), and the keys of every unit but a few, read
only when asked (:class:`AllBut`).  Used by :mod:`dedup.reconstruct`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat

from .invariant import Tolerance, join_keys
from .invariant import remembered_covers as covers  # (the merge asks again for each copy of a sentence: about 40 % of its questions on news-sized documents)


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
        #: gram -> the kept sentences that have it, in order: a gram with one is the tuple ``(i,)``, shared by
        #: every gram first seen in sentence ``i`` (most grams of a long document: no list each), else a list
        self.index: dict[str, list[int] | tuple[int, ...]] = {}
        #: the grams whose postings outgrew MAX_POSTINGS (few): the queries read every other posting,
        #: looked up in C (``map``), not gram by gram
        self._closed: set[str] = set()
        #: ``len(self._grams(self.keys[i]))`` per kept sentence, kept current by ``add`` and ``extend``
        self._n: list[int] = []
        self._sizes: dict[str, int] = {}
        self._last: tuple[str, set[str]] | None = None
        #: bumped by every change, so a query's answer is reused only while nothing changed
        self._version = 0
        self._contained: tuple[str, float, int, list[int]] | None = None
        #: the grams of the sentence in hand and their postings (``()`` when none), fetched once while
        #: nothing changes: candidates, contained_in and add read the same ones (:meth:`_postings`)
        self._looked: tuple[str, int, list[str], list[list[int] | tuple[int, ...]]] | None = None

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

    def _postings(self, key: str) -> tuple[list[str], list[list[int] | tuple[int, ...]]]:
        """``key``'s grams (in set order) and their postings, looked up once per sentence and
        version: a lookup in a dict of a million grams is a cache miss, and three methods ask in turn."""
        looked = self._looked
        if looked is None or looked[0] != key or looked[1] != self._version:
            # (set order, which follows PYTHONHASHSEED: ``candidates`` sorts by the gram where order
            # matters, and nothing else depends on it)
            grams = list(self._key_grams(key))
            looked = self._looked = (key, self._version, grams, list(map(self.index.get, grams, repeat(()))))
        return looked[2], looked[3]

    def add(self, key: str, unit: int) -> None:
        i = len(self.keys)
        self.keys.append(key)
        self.units.append(unit)
        grams, posts = self._postings(key)
        self._n.append(len(grams))
        self._version += 1
        index, closed, full = self.index, self._closed, self.MAX_POSTINGS + 1
        alone = (i,)  # the posting of every gram seen first here, shared (see ``index``)
        for g, p in zip(grams, posts):
            if not p:  # (() when the gram has none)
                index[g] = alone
            elif isinstance(p, tuple):
                index[g] = [p[0], i]  # a second posting: the gram gets a list of its own
                if full == 2:
                    closed.add(g)
            else:
                p.append(i)
                if len(p) == full:
                    closed.add(g)

    def _post(self, grams: Iterable[str], i: int) -> None:
        """Append kept sentence ``i`` to the postings of ``grams``; a posting that outgrows MAX_POSTINGS is ``_closed``."""
        self._version += 1
        index, closed, full = self.index, self._closed, self.MAX_POSTINGS + 1
        alone = (i,)
        for g in grams:
            p = index.get(g)
            if p is None:
                index[g] = alone
            elif isinstance(p, tuple):
                index[g] = [p[0], i]
                if full == 2:
                    closed.add(g)
            else:
                p.append(i)
                if len(p) == full:
                    closed.add(g)

    def first_unit(self, key: str) -> int | None:
        """The unit of the earliest kept sentence that reads ``key`` now, or None (``list.index``: a scan in C)."""
        try:
            return self.units[self.keys.index(key)]
        except ValueError:
            return None

    def candidates(self, key: str, limit: int = 6) -> list[int]:
        """Kept sentences sharing most of ``key``'s rarest 3-grams, best first."""
        grams, posts = self._postings(key)
        # the sort's keys are made in C (posting lengths by ``map``); the sort is stable, as before
        sizes = list(map(len, posts))
        if sizes.count(0) >= self.PROBES:
            return []  # the PROBES rarest grams are all unseen, so none is a probe: the answer below, without its sorts
        # rarest first, ties broken by the gram (not set order, which follows PYTHONHASHSEED); both sorts stable
        by_gram = sorted(range(len(grams)), key=grams.__getitem__)
        rarest = sorted(by_gram, key=sizes.__getitem__)[: self.PROBES]
        probes = [grams[j] for j in rarest if 0 < sizes[j] <= self.MAX_POSTINGS]
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
                self._n[i] = self._gram_count(new_key)
                self._post(self._grams(new_key) - self._grams(key), i)
                return
        self.add(new_key, unit)

    def contained_in(self, key: str, share: float = 0.6, limit: int = 6) -> list[int]:
        """Kept sentences most of whose 3-grams ``key`` has (those it may say all of), longest first."""
        return self._contained_all(key, share)[:limit]

    def _contained_all(self, key: str, share: float) -> list[int]:
        """Every answer of :meth:`contained_in`, longest first; remembered until the kept text changes
        (the merge asks it twice of one sentence: to extend a kept one, then for kept ones in another order)."""
        last = self._contained
        if last is not None and last[0] == key and last[1] == share and last[2] == self._version:
            return last[3]
        # postings of at most MAX_POSTINGS entries, fetched and counted in C: the same counts as before
        grams, posts = self._postings(key)
        closed = self._closed
        votes: Counter[int] = Counter(chain.from_iterable(posts if not closed else (p for g, p in zip(grams, posts) if g not in closed)))
        n = self._n  # len(self._grams(self.keys[i])), looked up by position
        keys = self.keys
        hits = sorted((i for i, v in votes.items() if v >= share * n[i]), key=lambda i: (-len(keys[i]), i))
        self._contained = (key, share, self._version, hits)
        return hits

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
