"""Word and character tables the repairs decide with, loaded once and lazily.

* :func:`lexicon` — jieba's ``dict.txt`` (349 046 words with corpus
  frequencies and part-of-speech tags) read directly as data.  jieba's
  tokenizer is never imported: parsing the file with one ``str.split`` takes
  about 0.3 s, and it happens only the first time a repair needs a word.
* :func:`opencc_tables` — OpenCC's traditional→simplified character table
  (``TSCharacters.txt``) and the set of characters that are valid simplified
  Chinese, read from the files shipped with ``opencc-python-reimplemented``.

Both are cached per process, so a corpus run pays for them once.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

#: a run of CJK ideographs (the characters the lexicon knows about)
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


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
        #: word -> row; hot loops test membership on this dict directly
        self.index: dict[str, int] = dict(zip(words, range(len(words))))
        # frequencies stay strings until asked for: converting 349k ints at
        # load time would double the start-up cost for nothing
        self._freqs = freqs
        self._tags = tags

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __len__(self) -> int:
        return len(self.index)

    def freq(self, word: str) -> int:
        """Corpus frequency of ``word`` (0 if it is not a word)."""
        row = self.index.get(word)
        return 0 if row is None else int(self._freqs[row])

    def pos(self, word: str) -> str:
        """jieba's part-of-speech tag of ``word`` ('' if it is not a word)."""
        row = self.index.get(word)
        return "" if row is None else self._tags[row]

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


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """jieba's dictionary as a :class:`Lexicon` (loaded on first use, then cached)."""
    path = _package_file("jieba", "dict.txt")
    with open(path, encoding="utf-8") as f:
        toks = f.read().split()
    # every line is "word freq pos": three whitespace-free fields
    return Lexicon(toks[0::3], toks[1::3], toks[2::3])


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
    """Read OpenCC's ``TSCharacters.txt`` and ``STCharacters.txt`` (cached)."""
    ts = _read_table(_package_file("opencc", "dictionary", "TSCharacters.txt"))
    st = _read_table(_package_file("opencc", "dictionary", "STCharacters.txt"))
    simplified = set(st) | {c for vs in ts.values() for c in vs}
    to_simp = {t: tuple(vs) for t, vs in ts.items() if t not in simplified}
    simp_only = frozenset(s for s, vs in st.items() if s not in vs and s not in ts)
    return OpenCCTables(to_simp, frozenset(simplified), simp_only)
