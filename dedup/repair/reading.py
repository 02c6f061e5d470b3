"""How well a Han run reads: the lexicon's best segmentation of it and its cost.

The doubled-character and doubled-word repairs compare two readings of the
same spot, the text as it is and the text with one copy removed, the way
jieba segments: a word costs ``log(total) - log(frequency)`` (a character the
lexicon does not know costs as much as a word seen once) and the best
segmentation is the cheapest path through the run.  Lexicon words the
document itself uses elsewhere are cheaper (:class:`DocumentNgrams`): the
document's own vocabulary is evidence of what its text says.

Only a window of characters around the spot is segmented, so the cost of a
candidate does not grow with the document.

>>> from dedup.lexicon import lexicon
>>> best_reading("建立立政府", lexicon()).words
('建立', '立', '政府')
>>> best_reading("建立政府", lexicon()).words
('建立', '政府')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from ..lexicon import HAN_RUN, Lexicon

#: longest word the segmentation tries (jieba's dictionary has longer ones, but
#: a window of a few characters around one spot needs no more)
MAX_WORD = 5
#: characters of context kept on each side of a spot
WINDOW = 8
#: how much a document word counts, per occurrence, on top of its lexicon frequency
DOC_WEIGHT = 200


@dataclass(frozen=True)
class Reading:
    """One segmentation of a text: its words and its total cost (lower reads better)."""

    words: tuple[str, ...]
    cost: float

    def word_at(self, index: int) -> tuple[int, str]:
        """(start, word) of the word covering character ``index``."""
        pos = 0
        for w in self.words:
            if pos <= index < pos + len(w):
                return pos, w
            pos += len(w)
        raise IndexError(index)


class DocumentNgrams:
    """Counts of the document's Han n-grams (2 to ``MAX_WORD`` characters).

    Repairs ask it how often the document writes a string instead of scanning
    the document for every candidate.  The counts of each length are built
    on first use, once per document: a document with no candidate for a
    repair never pays for them.

    >>> DocumentNgrams("外交部发言人说，外交部").count("外交部")
    2
    """

    def __init__(self, document: str) -> None:
        self._runs = HAN_RUN.findall(document)
        self._by_length: dict[int, Counter[str]] = {}
        self._contexts: dict[int, Counter[str]] = {}
        # a long document answers count and contexts from sorted tables of its runs (same
        # answers): Counters of every n-gram string cost seconds per megabyte
        han = self._han = sum(map(len, self._runs))
        self._table = _RunTable(self._runs) if han > TABLE_ABOVE else None
        # a short document answers the few strings it is asked about by scanning its runs
        # (same answers): four tables of contexts cost more than all its questions
        self._scan = _RunTable(self._runs, _ScanIndex) if han <= SCAN_BELOW else None
        #: answers the repairs derive from this document alone, by question: the copies of a
        #: repeated paragraph ask the same ones (the same doubled spot in the same window)
        self.memo: dict[object, object] = {}

    def counter(self, n: int) -> Mapping[str, int]:
        """Every Han n-gram of length ``n`` with its count (overlapping occurrences count)."""
        counts = self._by_length.get(n)
        if counts is None:
            counts = Counter(run[a : a + n] for run in self._runs for a in range(len(run) - n + 1))
            self._by_length[n] = counts
        return counts

    def count(self, text: str) -> int:
        """How many times the document writes ``text`` (0 for strings of other lengths)."""
        n = len(text)
        if n < 2 or n > MAX_WORD:
            return 0
        if self._table is not None and n not in self._by_length:
            return self._table.count(text)
        if self._scan is not None and n not in self._by_length:
            return self._scan.count(text)
        return self.counter(n).get(text, 0)

    def lexicon_counts(self, lexicon: Lexicon, n: int) -> dict[str, int]:
        """Every word of ``lexicon`` of ``n`` characters the document writes, with its count (as :meth:`counter` has it)."""
        if self._table is None and n not in self._by_length:
            table = _lexicon_key_table(lexicon, n, build=_COUNTED_HAN[0] >= KEY_TABLE_AFTER_HAN)
            if table is not None:
                return self._hashed_lexicon_counts(lexicon, n, table)
            _COUNTED_HAN[0] += self._han
        if self._table is None or n in self._by_length:
            grams = self.counter(n)
            return {w: grams[w] for w in lexicon.known(grams.keys())}  # the lexicon parses only the buckets asked for
        words, keys = _lexicon_words(lexicon, n)
        return self._table.found(words, keys, n)

    def _hashed_lexicon_counts(self, lexicon: Lexicon, n: int, table: Any) -> dict[str, int]:
        """:meth:`lexicon_counts` without a Counter of every n-gram: the same words and counts.

        Every n-gram of the runs is hashed at once (numpy, the keys of
        :func:`_ngram_hashes`) and looked up among the hashes of the
        lexicon's words of that length; only the n-grams whose hash is a word's
        hash are cut out as strings, counted, and checked against the lexicon
        itself (so a hash collision changes nothing).  A news page holds a few
        hundred such n-grams among thousands.  ``table``: :func:`_lexicon_key_table`.
        """
        import numpy as np

        joined = "\x00" + "\x00".join(self._runs) + "\x00"  # NUL: no Han n-gram crosses a run's edge
        if len(joined) < n:
            return {}
        if not len(table):
            return {}
        keys = _ngram_hashes(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), n)
        at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        grams = Counter(joined[p : p + n] for p in np.flatnonzero(table[at] == keys).tolist())
        return {w: grams[w] for w in lexicon.known(grams.keys()) if "\x00" not in w}

    def contexts(self, text: str) -> int:
        """In how many different contexts (the character before and after) the document writes ``text``.

        Evidence that keeps a text as it is counts contexts, not occurrences:
        the copies of a repeated paragraph say one thing once, and removing
        them (deduplication) must not change what the rest of the document
        proves, or cleaning the cleaned text would repair more.

        >>> DocumentNgrams("陌陌说。陌陌说。我和陌陌").contexts("陌陌")
        2
        """
        n = len(text)
        if n < 2 or n > MAX_WORD:
            return 0
        if self._table is not None:
            return self._table.contexts(text)
        if self._scan is not None:
            return self._scan.contexts(text)
        counts = self._contexts.get(n)
        if counts is None:
            seen: set[str] = set()
            for run in self._runs:
                padded = "^" + run + "$"
                seen.update(padded[a : a + n + 2] for a in range(len(run) - n + 1))
            counts = Counter(w[1:-1] for w in seen)
            self._contexts[n] = counts
        return counts.get(text, 0)


#: Han characters above which :class:`DocumentNgrams` answers from :class:`_RunTable`
TABLE_ABOVE = 50_000
#: Han characters up to which :class:`DocumentNgrams` answers counts and contexts by scanning
#: (:class:`_ScanIndex`): a question costs one ``str.find`` pass over at most this much text
SCAN_BELOW = 10_000


class _ScanIndex:
    """What :class:`_RunTable` asks of its index, answered by ``str.find`` over the text: for short documents.

    Building :class:`~dedup.textindex.SubstringCounts` (or a Counter of every
    n-gram and its contexts) costs more than a short document's questions do.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def starts(self, needle: str) -> Any:
        """Every position where ``needle`` starts, overlapping occurrences too, ascending (a numpy array)."""
        import numpy as np

        found = []
        find = self.text.find
        at = find(needle) if needle else -1
        while at >= 0:
            found.append(at)
            at = find(needle, at + 1)
        return np.array(found, dtype=np.int64)


class _RunTable:
    """:class:`DocumentNgrams`' count and contexts from one :class:`~dedup.textindex.SubstringCounts` of the runs
    (or, for a short document, a :class:`_ScanIndex` of them).

    The runs are joined by NUL, which stands for both ``^`` and ``$`` of a run's
    edges (a Han n-gram never holds it), so an occurrence's neighbours are its
    context.  Answers are remembered.
    """

    def __init__(self, runs: list[str], index: Any = None) -> None:
        from ..textindex import SubstringCounts

        self._index = (index or SubstringCounts)("\x00" + "\x00".join(runs) + "\x00")
        self._counts: dict[str, int] = {}
        self._contexts: dict[str, int] = {}

    def count(self, text: str) -> int:
        """Overlapping occurrences of ``text`` inside the runs."""
        found = self._counts.get(text)
        if found is None:
            found = self._counts[text] = len(self._index.starts(text)) if HAN_RUN.fullmatch(text) else 0
        return found

    def found(self, words: Sequence[str], keys: Any, n: int) -> dict[str, int]:
        """The ``words`` (all ``n`` characters; ``keys`` their table keys) the runs hold, with counts."""
        import numpy as np

        out = {}
        for i in np.flatnonzero(self._index.may_hold(keys, n)).tolist():
            c = self.count(words[i])
            if c:
                out[words[i]] = c
        return out

    def contexts(self, text: str) -> int:
        """Different (character before, character after) pairs around ``text`` inside the runs."""
        found = self._contexts.get(text)
        if found is None:
            if HAN_RUN.fullmatch(text):
                joined, n = self._index.text, len(text)
                found = len({(joined[a - 1], joined[a + n]) for a in self._index.starts(text).tolist()})
            else:
                found = 0
            self._contexts[text] = found
        return found


@lru_cache(maxsize=8)
def _lexicon_words(lexicon: Lexicon, n: int) -> tuple[tuple[str, ...], Any]:
    """The lexicon's words of ``n`` characters and their table keys (once per process).

    For the default lexicon the words come from the disk cache
    (:func:`~dedup.lexicon.words_of_length`), sorted: only the set of
    words matters (the vocabulary is sorted by word).
    """
    from ..lexicon import lexicon as default_lexicon
    from ..lexicon import words_of_length
    from ..textindex import word_keys

    cached = default_lexicon.cache_info().currsize and lexicon is default_lexicon()
    words = words_of_length(n) if cached else tuple(w for w in lexicon.index if len(w) == n)
    return words, word_keys(words, n)


#: Han characters a process counts with Counters (the vocabulary of short documents) before it builds
#: the default lexicon's key table when it is not on disk yet: the build parses the whole lexicon
#: once (~1 s), which this much text repays; a run on one small document never pays it
KEY_TABLE_AFTER_HAN = 2_000_000
_COUNTED_HAN = [0]
#: key tables held by this process, by (lexicon, length)
_KEY_TABLES: dict[tuple[int, int], tuple[Lexicon, Any]] = {}


def _lexicon_key_table(lexicon: Lexicon, n: int, *, build: bool = True) -> Any:
    """The sorted, distinct :func:`_ngram_hashes` of the lexicon's words of ``n`` characters.

    Held once per process.  For the default lexicon the table is kept on disk
    (~0.7 MB for four characters: loading it costs ~1 ms); when it is not
    there yet it is made only if ``build`` (else None: the caller counts
    with Counters).  Another lexicon's table is made from its words.
    """
    import numpy as np

    from ..lexicon import lexicon as default_lexicon
    from ..lexicon import table_key

    held = _KEY_TABLES.get((id(lexicon), n))
    if held is not None and held[0] is lexicon:
        return held[1]

    def keys_of(words: Sequence[str]) -> Any:
        if not words:
            return np.zeros(0, dtype=np.uint64)
        codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).reshape(len(words), n)
        return np.unique(_ngram_hashes(codes, n, axis=1))

    if default_lexicon.cache_info().currsize and lexicon is default_lexicon():
        from .. import tablecache

        key = table_key(n, __file__)  # this file: how the words are hashed
        stored = tablecache.load(f"lexicon-keys-{n}", key)
        if stored is None:
            # the words on disk (a long document listed them) make the table cheap (~40 ms)
            words = _lexicon_words(lexicon, n)[0] if build else _stored_words(n)
            if words is None:
                return None
            stored = keys_of(words).tobytes()
            tablecache.store(f"lexicon-keys-{n}", key, stored)
        table = np.frombuffer(stored, dtype=np.uint64)
    else:
        table = keys_of([w for w in lexicon.index if len(w) == n])
    if len(_KEY_TABLES) >= 8:
        _KEY_TABLES.clear()
    _KEY_TABLES[(id(lexicon), n)] = (lexicon, table)
    return table


def _ngram_hashes(codes: Any, n: int, axis: int = 0) -> Any:
    """A 64-bit polynomial hash (wrapping) of every ``n``-gram of ``codes`` (code points), or of each row (``axis=1``)."""
    import numpy as np

    c = codes.astype(np.uint64)
    if axis == 1:
        cols = [c[:, j] for j in range(n)]
    else:
        m = len(codes) - n + 1
        cols = [c[j : m + j] for j in range(n)]
    keys = np.zeros(len(cols[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in cols:
            keys = keys * np.uint64(1_000_003) + col
    return keys


def _stored_words(n: int) -> tuple[str, ...] | None:
    """The default lexicon's words of ``n`` characters if they are on disk (looked for once per process)."""
    if n in _NO_STORED_WORDS:
        return None
    from ..lexicon import stored_words_of_length

    words = stored_words_of_length(n)
    if words is None:
        _NO_STORED_WORDS.add(n)
    return words


_NO_STORED_WORDS: set[int] = set()


_LAST: list[tuple[str, DocumentNgrams]] = []


def document_ngrams(document: str) -> DocumentNgrams:
    """:class:`DocumentNgrams` of ``document``, cached for the last document seen.

    The repairs of one document ask for it once per unit; the cache keeps the
    index from being rebuilt for each (the document is compared by identity
    first, then by value).
    """
    if _LAST and (_LAST[0][0] is document or _LAST[0][0] == document):
        return _LAST[0][1]
    index = DocumentNgrams(document)
    _LAST[:] = [(document, index)]
    return index


@lru_cache(maxsize=1)
def log_total(lexicon: Lexicon) -> float:
    """log of the lexicon's total frequency (computed once per process, like the tables)."""
    return math.log(lexicon.total())


def word_cost(word: str, lexicon: Lexicon, doc: DocumentNgrams | None = None, discount: Mapping[str, int] | None = None) -> float:
    """``log(total) - log(frequency)``; ``inf`` for an unknown word of several characters.

    ``discount`` lists contexts of the document's counts that are the spot
    itself (they are not evidence for themselves).  Document words are
    counted by context (:meth:`DocumentNgrams.contexts`), so that copies of
    one paragraph are one piece of evidence.
    """
    if doc is None:
        freq = lexicon.freq(word)
    else:
        # only words of the lexicon: an n-gram the document merely repeats
        # (关系的 in 中美关系的…, 中美关系的…) is no word (contexts is 0 for them)
        freq, contexts = _word_evidence(word, lexicon, doc)
        if contexts:
            seen = contexts - (discount.get(word, 0) if discount else 0)
            if seen > 0:
                freq += DOC_WEIGHT * seen
    if freq <= 0:
        if len(word) > 1:
            return math.inf
        freq = 1
    return log_total(lexicon) - math.log(freq)


def _word_evidence(word: str, lexicon: Lexicon, doc: DocumentNgrams) -> tuple[int, int]:
    """``word``'s lexicon frequency and, for a lexicon word of two or more characters, its document contexts.

    Remembered per document and lexicon: the windows of a document's doubled spots
    segment the same words again and again (~175 k costs on 5,000 paragraphs).
    """
    key = ("word_evidence", id(lexicon))
    held = cast("tuple[Lexicon, dict[str, tuple[int, int]]] | None", doc.memo.get(key))
    if held is None or held[0] is not lexicon:
        held = (lexicon, {})
        doc.memo[key] = held
    table = held[1]
    found = table.get(word)
    if found is None:
        freq = lexicon.freq(word)
        found = table[word] = (freq, doc.contexts(word) if freq > 0 and len(word) > 1 else 0)
    return found


def best_reading(text: str, lexicon: Lexicon, doc: DocumentNgrams | None = None, discount: Mapping[str, int] | None = None, rare: frozenset[str] = frozenset()) -> Reading:
    """The cheapest segmentation of ``text`` (a Han run) into lexicon words and single characters.

    Words in ``rare`` are not used (the lexicon's entry is no evidence).
    """
    n = len(text)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
    for end in range(1, n + 1):
        for k in range(1, min(MAX_WORD, end) + 1):
            w = text[end - k : end]
            c = best[end - k][0] + (math.inf if w in rare else word_cost(w, lexicon, doc, discount))
            if c < best[end][0]:
                best[end] = (c, k)
    words = []
    end = n
    while end > 0:
        k = best[end][1]
        words.append(text[end - k : end])
        end -= k
    return Reading(tuple(reversed(words)), best[n][0])


class DeferredReading(Reading):
    """``best_reading(text, lexicon)``, segmented when its words or cost are first read.

    A doubled pair the document writes elsewhere (a name, ``陌陌``) is kept
    whatever its reading says, but its spot still carries one: on a long
    document that was most of the doubled-character repair's time (12,838
    segmentations of 13,010 on the 20,000-paragraph seed document), none of
    them read.
    """

    def __init__(self, text: str, lexicon: Lexicon) -> None:  # (no dataclass fields yet: see __getattr__)
        object.__setattr__(self, "_pending", (text, lexicon))

    def __getattr__(self, name: str) -> Any:
        # called only while ``words`` and ``cost`` are not set yet
        if name not in ("words", "cost"):
            raise AttributeError(name)
        made = best_reading(*self.__dict__["_pending"])
        object.__setattr__(self, "words", made.words)
        object.__setattr__(self, "cost", made.cost)
        return getattr(made, name)


def han_window(text: str, start: int, end: int, width: int = WINDOW) -> tuple[int, int]:
    """The span of Han characters around ``text[start:end]``, at most ``width`` on each side."""
    lo = start
    while lo > 0 and start - lo < width and HAN_RUN.match(text[lo - 1]):
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < width and HAN_RUN.match(text[hi]):
        hi += 1
    return lo, hi
