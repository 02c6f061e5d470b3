"""The document's own words as evidence: a word a copy misspells twice is still that word.

The content invariant (:mod:`dedup.invariant`) takes a word of a copy for a
typo of the word opposite it when the two are alike (rapidfuzz ratio
``TYPO_RATIO``).  Two typos in one word (``mrlnion`` opposite ``million``)
fall below that ratio, and a looser ratio would let real words replace each
other (``mission`` / ``million``).  The document itself says which it is:
a word it writes nowhere else, opposite a word it writes (in the copy opposite),
one or two letters apart, is that word misspelt, and the copies agree.

The evidence is the document being cleaned (or checked): :func:`document_words`
names it for the duration of a run, so that every :func:`dedup.invariant.covers`
the reconstructor and :func:`dedup.check` ask sees the same counts.  Without
it (a bare ``covers``), no word is a typo by evidence: the stricter answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property, lru_cache, wraps
from typing import Any, TypeVar

from rapidfuzz.distance import Levenshtein

R = TypeVar("R")

#: words shorter than this are too easily another word one or two letters away (``bat`` / ``cap``)
MIN_LENGTH = 6
#: at most this many letters changed, added or dropped
MAX_EDITS = 2
#: the document writes the word opposite at least this often (the copy opposite is the document writing it)
MIN_WRITTEN = 1

#: a Latin-script word of a casefolded text (matching keys fold case, so the counts must too)
_WORD = re.compile(r"[a-z\u00df-\u024f]+")


class Vocabulary:
    """How often the document writes each Latin-script word (casefolded, NFKC), counted once when first asked."""

    def __init__(self, text: str) -> None:
        self._text = text

    @cached_property
    def counts(self) -> Counter[str]:
        """word -> occurrences in the whole document."""
        return Counter(_WORD.findall(unicodedata.normalize("NFKC", self._text).casefold()))


_CURRENT: ContextVar[Vocabulary | None] = ContextVar("dedup_document_words", default=None)


@contextmanager
def document_words(text: str) -> Iterator[Vocabulary]:
    """Make ``text`` the document whose words are evidence while the block runs."""
    vocabulary = Vocabulary(text)
    token = _CURRENT.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _CURRENT.reset(token)


def remembered_per_document(function: Callable[..., R], maxsize: int) -> Callable[..., R]:
    """``function`` remembered (``lru_cache``) per document named by :func:`document_words`.

    For a function whose answer reads the document's words: the cache keys on
    the document too (its :class:`Vocabulary`, held by the cache, so no other
    document takes its identity), and never answers one document from another.
    """
    cached = lru_cache(maxsize=maxsize)(lambda _document, *args, **kwargs: function(*args, **kwargs))

    @wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> R:
        return cached(_CURRENT.get(), *args, **kwargs)

    return remembered


def misspelt_word(word: str, candidates: Iterable[str]) -> str | None:
    """The word of ``candidates`` that ``word`` misspells, on the document's evidence, or None.

    ``word`` (a word of a copy, as in its matching key) must be at least
    MIN_LENGTH letters and written once only in the document; the candidate
    (a word of the text opposite) at most MAX_EDITS letters away, as long
    within one letter, and written by the document (MIN_WRITTEN).  When two
    candidates qualify equally the evidence is ambiguous: None.

    >>> with document_words("5.5 million people. 4.2 million people. 5.5 mrlnion people."):
    ...     misspelt_word("mrlnion", ["5", "million", "people"])
    'million'
    >>> with document_words("the mission of the million. the mission."):
    ...     misspelt_word("mission", ["million"]) is None
    True
    >>> misspelt_word("mrlnion", ["million"]) is None  # no document named: no evidence
    True
    """
    vocabulary = _CURRENT.get()
    if vocabulary is None or len(word) < MIN_LENGTH or not _WORD.fullmatch(word):
        return None
    counts = vocabulary.counts
    if counts[word] > 1:
        return None  # the document writes it elsewhere too: a word of its own, not a slip of one copy
    best: list[tuple[int, str]] = []
    for c in set(candidates):
        if c == word or len(c) < MIN_LENGTH or abs(len(c) - len(word)) > 1 or counts[c] < MIN_WRITTEN or not _WORD.fullmatch(c):
            continue
        d = Levenshtein.distance(word, c, score_cutoff=MAX_EDITS)
        if d <= MAX_EDITS:
            best.append((d, c))
    best.sort()
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]
