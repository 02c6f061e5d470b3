"""Word and character tables the repairs decide with, loaded once and lazily.

* :func:`lexicon` — jieba's ``dict.txt`` (349 046 words with corpus
  frequencies and part-of-speech tags) read directly as data.  jieba's
  tokenizer is never imported: parsing the file with one ``str.split`` takes
  about 0.3 s, and it happens only the first time a repair needs a word.
* :func:`opencc_tables` — OpenCC's traditional→simplified character table
  (``TSCharacters.txt``) and the set of characters that are valid simplified
  Chinese, read from the files shipped with ``opencc-python-reimplemented``.

Both are cached per process, so a corpus run pays for them once, and on disk
(:mod:`dedup.tablecache`), so that a start-up does not parse them again: building a
dict of 349 k words alone took ~0.15 s of the ~0.7 s a small document cost.
The words are stored in buckets by their first two characters and a bucket is
parsed only when a word of it is asked for: a news page asks for ~6 % of them.
"""

from __future__ import annotations

import array
import importlib.util
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import tablecache
from .chardata import HAN_CLASS

#: a run of CJK ideographs (the characters the lexicon knows about)
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")


def _package_file(package: str, *parts: str) -> str:
    """Path of a data file inside an installed package, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package!r} is not installed; it is a dependency of dedup")
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


class Lexicon:
    """Word → (frequency, part of speech), with the few queries repairs need.

    >>> lx = Lexicon(["建立", "政府"], ["23118", "23452"], ["v", "n"])
    >>> "建立" in lx, lx.freq("政府"), lx.freq("立政"), lx.pos("建立")
    (True, 23452, 0, 'v')
    """

    def __init__(self, words: Sequence[str], freqs: Sequence[str], tags: Sequence[str]) -> None:
        # word -> (frequency, tag); frequencies stay strings until asked for:
        # converting 349k ints at load time would double the start-up cost for nothing
        self._rows: dict[str, tuple[str, str]] = dict(zip(words, zip(freqs, tags)))
        self._freqs = freqs

    def _row(self, word: str) -> tuple[str, str] | None:
        return self._rows.get(word)

    @property
    def index(self) -> Mapping[str, tuple[str, str]]:
        """Every word (all of them parsed: prefer :meth:`known` and ``in``)."""
        return self._rows

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._row(word) is not None

    def __len__(self) -> int:
        return len(self._rows)

    def freq(self, word: str) -> int:
        """Corpus frequency of ``word`` (0 if it is not a word)."""
        row = self._row(word)
        return 0 if row is None else int(row[0])

    def pos(self, word: str) -> str:
        """jieba's part-of-speech tag of ``word`` ('' if it is not a word)."""
        row = self._row(word)
        return "" if row is None else row[1]

    def total(self) -> int:
        """The sum of the frequencies of every entry of the dictionary (a word listed twice counts twice)."""
        return sum(map(int, self._freqs))

    def known(self, words: Collection[str]) -> set[str]:
        """The members of ``words`` that are words of the lexicon."""
        return set(words) & self._rows.keys()

    def words_ending_at(self, text: str, end: int, lengths: range = range(2, 5), min_freq: int = 1) -> list[str]:
        """Words of ``text`` that end exactly at ``end`` (exclusive)."""
        return [text[end - n : end] for n in lengths if end - n >= 0 and self.freq(text[end - n : end]) >= min_freq]

    def words_starting_at(self, text: str, start: int, lengths: range = range(2, 5), min_freq: int = 1) -> list[str]:
        """Words of ``text`` that start exactly at ``start``."""
        return [text[start : start + n] for n in lengths if start + n <= len(text) and self.freq(text[start : start + n]) >= min_freq]

    def covers(self, text: str, start: int, end: int, lengths: range = range(2, 5), min_freq: int = 1) -> list[str]:
        """Words of ``text`` that contain the whole range ``[start, end)``."""
        out = []
        for n in lengths:
            for a in range(max(0, end - n), min(start, len(text) - n) + 1):
                w = text[a : a + n]
                if a <= start and a + n >= end and self.freq(w) >= min_freq:
                    out.append(w)
        return out

    def crosses(self, text: str, boundary: int, lengths: range = range(2, 4), min_freq: int = 1) -> list[str]:
        """Words of ``text`` that straddle ``boundary`` (a character on each side)."""
        out = []
        for n in lengths:
            for a in range(max(0, boundary - n + 1), boundary):
                if a + n <= len(text) and self.freq(text[a : a + n]) >= min_freq:
                    out.append(text[a : a + n])
        return out


#: buckets of :class:`BucketedLexicon` (a power of two): a news page touches ~6 % of them
_BUCKETS = 1 << 16


def _bucket(word: str) -> int:
    """The bucket of ``word``: a function of its first two characters, the same in every process."""
    return (ord(word[0]) * 40503 + (ord(word[1]) if len(word) > 1 else 0)) & (_BUCKETS - 1)


class BucketedLexicon(Lexicon):
    """A :class:`Lexicon` whose words are parsed bucket by bucket, when a word of the bucket is first asked for.

    ``text`` holds every bucket in turn, ``offsets`` where each starts; a
    bucket is three ``\\t``-separated lists (words, frequencies, tags) joined
    by ``\\n``.  Answers are those of the full lexicon: a word can only be in
    its own bucket, and a bucket keeps the dictionary's order (the last of a
    word's entries wins, as in a dict built from the whole file).
    """

    def __init__(self, text: str, offsets: Sequence[int], total: int, size: int) -> None:
        self._rows = {}
        self._text = text
        self._offsets = offsets
        self._parsed = bytearray(len(offsets) - 1)
        self._total = total
        self._size = size
        #: two-character prefixes whose bucket is known to be parsed (a set difference
        #: then finds the new ones of a batch, instead of a bucket hash per prefix)
        self._parsed_prefixes: set[str] = set()

    def _parse(self, b: int) -> None:
        chunk = self._text[self._offsets[b] : self._offsets[b + 1]]
        if chunk:
            words, freqs, tags = (part.split("\t") for part in chunk.split("\n"))
            self._rows.update(zip(words, zip(freqs, tags)))
        # marked only once its words are in: a thread (dask's workers) that sees the mark
        # finds them, one that does not parses the bucket again, to the same values
        self._parsed[b] = 1

    def _row(self, word: str) -> tuple[str, str] | None:
        row = self._rows.get(word)
        if row is None and word:
            b = _bucket(word)
            if not self._parsed[b]:
                self._parse(b)
                row = self._rows.get(word)
        return row

    @property
    def index(self) -> Mapping[str, tuple[str, str]]:
        for b in range(len(self._parsed)):
            if not self._parsed[b]:
                self._parse(b)
        return self._rows

    def __len__(self) -> int:
        return self._size

    def total(self) -> int:
        return self._total

    def known(self, words: Collection[str]) -> set[str]:
        # many words (a long document's n-grams): parse everything once and intersect in C
        if len(words) > 50_000:
            return set(words) & self.index.keys()
        self._parse_buckets_of(words)
        return set(words) & self._rows.keys()

    def _parse_buckets_of(self, words: Collection[str]) -> None:
        """Parse every bucket a word of ``words`` could be in (one per distinct first two characters).

        A word can only be in its own bucket, so once these are parsed one C-level
        set intersection answers :meth:`known` (a lookup per word cost ~0.3 s per news page set).
        """
        parsed = self._parsed
        prefixes = {w[:2] for w in words if w}
        prefixes -= self._parsed_prefixes
        for prefix in prefixes:
            b = _bucket(prefix)
            if not parsed[b]:
                self._parse(b)
        # only now: a thread that reads the set mid-way finds buckets already parsed
        self._parsed_prefixes = self._parsed_prefixes | prefixes


def _bucketed(words: Sequence[str], freqs: Sequence[str], tags: Sequence[str]) -> tuple[str, bytes, int, int]:
    """What :class:`BucketedLexicon` is made of: (text, offsets as bytes, total frequency, distinct words)."""
    rows: list[list[tuple[str, str, str]]] = [[] for _ in range(_BUCKETS)]
    for w, f, t in zip(words, freqs, tags):
        rows[_bucket(w)].append((w, f, t))
    parts = ["\n".join("\t".join(column) for column in zip(*r)) if r else "" for r in rows]
    offsets = array.array("q", [0])
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return "".join(parts), offsets.tobytes(), sum(map(int, freqs)), len(set(words))


def _read_dictionary(path: str) -> tuple[list[str], list[str], list[str]]:
    with open(path, encoding="utf-8") as f:
        toks = f.read().split()
    # every line is "word freq pos": three whitespace-free fields
    return toks[0::3], toks[1::3], toks[2::3]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """jieba's dictionary as a :class:`Lexicon` (loaded on first use, then cached, also on disk).

    From the disk cache it is a :class:`BucketedLexicon`; where no cache can
    be kept, the whole dictionary is parsed as before (bucketing costs more
    than it saves in one run).
    """
    path = _package_file("jieba", "dict.txt")
    key = (tablecache.files_key([path, __file__]), _BUCKETS)  # this file: how the buckets are made
    stored = tablecache.load("lexicon", key)
    if stored is None:
        stored = _bucketed(*_read_dictionary(path))
        if not tablecache.store("lexicon", key, stored):
            return Lexicon(*_read_dictionary(path))
    text, offsets, total, size = stored
    starts = array.array("q")
    starts.frombytes(offsets)
    return BucketedLexicon(text, starts, total, size)


def words_of_length(n: int) -> tuple[str, ...]:
    """The words of :func:`lexicon` of exactly ``n`` characters, sorted (kept on disk beside it).

    A long document's vocabulary is looked up word by word in its n-gram table;
    listing the words from the lexicon itself would parse every bucket (~0.8 s a run).
    """
    return tablecache.cached(f"lexicon-words-{n}", _words_key(n), lambda: tuple(sorted(w for w in lexicon().index if len(w) == n)))


def stored_words_of_length(n: int) -> tuple[str, ...] | None:
    """:func:`words_of_length` when it is on disk already, else None (nothing is parsed)."""
    stored = tablecache.load(f"lexicon-words-{n}", _words_key(n))
    return None if stored is None else tuple(stored)


def _words_key(n: int) -> tuple[object, ...]:
    """The disk-cache key of :func:`words_of_length`: the dictionary file, this file, the buckets, ``n``."""
    return table_key(n)


def table_key(n: int, *sources: str) -> tuple[object, ...]:
    """A disk-cache key for a table made from the lexicon's words of ``n`` characters (and the code in ``sources``)."""
    return (tablecache.files_key([_package_file("jieba", "dict.txt"), __file__, *sources]), _BUCKETS, n)


@dataclass(frozen=True)
class OpenCCTables:
    """OpenCC's character tables, as the variant repair needs them."""

    #: traditional (or variant) character → its simplified forms, standard first
    to_simplified: Mapping[str, tuple[str, ...]]
    #: characters that are valid in simplified Chinese (never converted)
    simplified: frozenset[str]
    #: simplified characters whose traditional form differs (说, 这, 们 ...):
    #: seeing them is evidence that a document is written in simplified Chinese
    simplified_only: frozenset[str]


def _read_table(path: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            if key and values:
                out[key] = values.split()
    return out


@lru_cache(maxsize=1)
def opencc_tables() -> OpenCCTables:
    """Read OpenCC's ``TSCharacters.txt`` and ``STCharacters.txt`` (cached, also on disk)."""
    sources = _opencc_sources()
    to_simp, simplified, simp_only = tablecache.cached("opencc", tablecache.files_key([*sources, __file__]), lambda: _opencc_fields(*sources))
    return OpenCCTables(to_simp, simplified, simp_only)


def _opencc_sources() -> list[str]:
    """OpenCC's traditional→simplified and simplified→traditional character tables."""
    return [_package_file("opencc", "dictionary", "TSCharacters.txt"), _package_file("opencc", "dictionary", "STCharacters.txt")]


def _opencc_fields(ts_path: str, st_path: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str], frozenset[str]]:
    """The fields of :class:`OpenCCTables`, from the two table files."""
    ts = _read_table(ts_path)
    st = _read_table(st_path)
    simplified = set(st) | {c for vs in ts.values() for c in vs}
    to_simp = {t: tuple(vs) for t, vs in ts.items() if t not in simplified}
    simp_only = frozenset(s for s, vs in st.items() if s not in vs and s not in ts)
    return to_simp, frozenset(simplified), simp_only
