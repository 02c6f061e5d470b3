"""Rejoin paragraphs that were cut mid-sentence across a blank line.

``…切实加强经费保`` / ``障。民办学校…`` is one paragraph: the first block ends
without sentence-final punctuation and the junction ``保障`` is a word the
document itself uses elsewhere.  A join needs evidence, strongest first:

1. the first block ends inside a bracket or quote left open
   (``…速度扩大。据《`` / ``经济参考报》报道…``);
2. another copy in the document reads straight across the cut, in any script:
   ``经费保障``, ``the Free Software Foundation`` (joined with a space),
   ``entities`` (a word cut inside: joined with nothing);
3. the next block cannot open a sentence (it starts with ``，`` or ``)``), or
   the cut is inside a number (``1`` / ``.2万亿``, ``19`` / ``67``);
4. CJK: the junction is a word the document uses elsewhere, or the first
   block ends with a comma;
5. English: the next block starts with a lowercase word, or the first one ends
   with a comma.  (Not a last word like ``the``: a copy truncated there is
   followed by a new paragraph, and gluing the two would hide both.)  In
   capitals, where case says nothing, a long block whose last words and the
   next block's first words are all capitals goes on.  A word cut inside (``STRUCT`` / ``URE OF``) joins
   when neither half is a word of the document and together they are one it writes, a typo aside.

CJK text joins with nothing, two Latin words with a space (or with nothing
when the document spells the two halves as one word).  A short block (a
title), a finished sentence, a next block that starts a list item, or a wide
gap (two or more blank lines) never joins, except by rule 1 or 2.  Where it
can be wrong: a title longer than ``min_chars`` without punctuation, followed
by a paragraph whose first character forms a word with the title's last one.

The evidence is looked up in the text as stitched so far, until nothing more
joins, so stitching stitched text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..chardata import HAN_CLASS, char_class
from ..draft import Draft
from ..fingerprint.keys import LIST_MARKERS_ONLY, strip_marker
from ..model import Block, Span, Unit  # noqa: F401  (Unit lived here: its dedup.normalize.stitch path keeps working)
from ..segment import CLOSERS, SENTENCE_END, sentences
from ..textindex import SubstringCounts
from ._cut_copies import EXTENSION_LOOK, attested_by_a_cut_copy, attested_into_an_extension, cut_alike, ends_where_n_goes_on, extended_core, tag_opens_paragraphs
from ._cut_sides import after_words, in_capitals, opens_after_a_tag, opens_with_a_tag, short_rest, word_across

#: scripts written without spaces between words (Hangul is not one: Korean puts spaces between words)
_CJK = re.compile(f"[{char_class(((0x3040, 0x30FF),))}{HAN_CLASS}]")  # kana and Han
_SOFT_END = frozenset("，,、")
_CANNOT_START = frozenset("，,、。.；;：:）)】」』”’》〉!！?？…%")
#: opening bracket -> its closer (a cut right after one leaves it open)
_PAIRS = {"《": "》", "“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〈": "〉", "‘": "’", "[": "]"}
_CLOSER_OF = {v: k for k, v in _PAIRS.items()}
_TYPOGRAPHIC_OPENERS = frozenset("《“「『（【〈‘")
_CN_DIGITS = frozenset("〇零一二三四五六七八九十百千万两")
#: ASCII quotes open and close with the same character
_SAME_QUOTES = frozenset("\"'")
#: a gap that is a single line break (line mode): the cut reads across it as a space
_ONE_BREAK = re.compile(r"[ \t\u3000]*\n?[ \t\u3000]*")
_BLANK_LINES = re.compile(r"[ \t\u3000]*\n(?:[ \t\u3000]*\n)+[ \t\u3000]*")
_WS_RUN = re.compile(r"\s+")
#: the characters of each side of a cut that the rules read (bounded, so a long paragraph costs nothing)
_SIDE = 512
_LATIN_WORD_END = re.compile(r"[A-Za-z\u00c0-\u024f]+$")
_LATIN_WORD_START = re.compile(r"^[A-Za-z\u00c0-\u024f]+")
_LEADING_NUMBER = re.compile(r"[.．,，]?\d+")


@dataclass(frozen=True)
class StitchConfig:
    """When two blocks are one paragraph."""

    enabled: bool = True
    #: blocks shorter than this (titles, bylines) never continue into the next
    min_chars: int = 16
    #: a gap with more blank lines than this is a real break
    max_blank_lines: int = 1
    #: times the junction (last char + first char) must occur elsewhere in the document
    min_evidence: int = 1
    #: characters on each side of a cut that another copy must read straight across (CJK)
    attest_chars: int = 4
    #: the same for other scripts, where characters carry less (``the Free`` / ``Software``)
    attest_chars_latin: int = 8


def _is_cjk(c: str) -> bool:
    return _CJK.match(c) is not None


def _is_latin(c: str) -> bool:
    """A letter or digit of a script that puts spaces between words."""
    return c.isalnum() and not _is_cjk(c)


def _finished(p: str) -> bool:
    """Does ``p`` end with a finished sentence (closing quotes and brackets after its end allowed)?

    An ASCII period counts as an end: a cut right after one is a cut between sentences.
    """
    k = len(p)
    while k and p[k - 1] in CLOSERS:
        k -= 1
    return k > 0 and (p[k - 1] in SENTENCE_END or p[k - 1] in ".:：")


def _left_open(p: str, n: str) -> str | None:
    """The bracket or quote ``p`` leaves open at its end, or None.

    ``…据《`` / ``经济参考报》报道`` qualifies (``《“「『（【〈‘`` at the very
    end need no closer in ``n``: nothing ends with them); so does ``…据《经济参``
    / ``考报》报道`` when ``p`` ends mid-sentence and ``n`` closes the bracket
    (ASCII brackets and quotes need that closer too: code ends with ``(``).  Only ``p``'s last sentence is
    read, so an unclosed quotation in an earlier one (a quoted passage that
    spans paragraphs) does not count.
    """
    last = p[-1]
    if last in _SAME_QUOTES:
        opens = len(p) == 1 or p[-2].isspace() or p[-2] in _PAIRS
        return last if opens and last in n[:200] else None
    if last in _TYPOGRAPHIC_OPENERS:
        return last  # nothing ends with 《 or “: the next block goes on, however far away its closer
    if last in _PAIRS:
        return last if _closes(n, last) else None
    if _finished(p):
        return None
    a, _ = sentences(p)[-1]
    stack: list[str] = []
    for c in p[a:]:
        if c in _PAIRS:
            stack.append(c)
        elif c in _CLOSER_OF and stack and stack[-1] == _CLOSER_OF[c]:
            stack.pop()
    return stack[-1] if stack and _closes(n, stack[-1]) else None


def _closes(n: str, opener: str) -> bool:
    """Does ``n`` close ``opener`` (within its first 200 characters) before opening another?"""
    closer = _PAIRS[opener]
    for c in n[:200]:
        if c == closer:
            return True
        if c == opener:
            return False
    return False


class _Reading:
    """The document as copies are compared: lowercased, blank lines as NUL, other whitespace runs as one space.

    A copy hard-wrapped at another point or written in capitals still reads
    ``the free software``; a blank line never reads as a space, so a cut
    cannot attest itself.  After the first few look-ups a sorted array of
    hashes of every :data:`_GRAM`-character stretch answers most of them
    (those that are not there) without a scan of the whole text.
    """

    def __init__(self, text: str) -> None:
        self.text = _WS_RUN.sub(" ", _BLANK_LINES.sub("\x00", text)).lower()
        self._lookups = 0
        self._grams: Any = None
        self._counts: SubstringCounts | None = None

    def count(self, needle: str) -> int:
        """Occurrences of ``needle`` (folded and lowercased like the text), as ``str.count`` says, from one index."""
        if self._counts is None:
            self._counts = SubstringCounts(self.text)
        return self._counts.count(needle)

    def find(self, needle: str, start: int = 0) -> int:
        if start == 0 and not self._may_hold(needle):
            return -1
        return self.text.find(needle, start)

    def _may_hold(self, needle: str) -> bool:
        """False only if ``needle`` certainly does not occur (its first or last stretch is nowhere)."""
        self._lookups += 1
        if len(needle) < _GRAM or self._lookups <= _INDEX_AFTER or len(self.text) < 4 * _GRAM:
            return True
        import numpy as np

        if self._grams is None:
            cp = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
            h = np.zeros(len(cp) - _GRAM + 1, dtype=np.uint64)
            for j in range(_GRAM):  # the same polynomial hash as _gram_hash, wrapping at 2**64
                h = h * np.uint64(_PRIME) + cp[j : len(cp) - _GRAM + 1 + j]
            self._grams = np.unique(h)
        for piece in (needle[:_GRAM], needle[-_GRAM:]):
            x = np.uint64(_gram_hash(piece))
            i = int(np.searchsorted(self._grams, x))
            if i == len(self._grams) or self._grams[i] != x:
                return False
        return True


#: stretch length of the look-up index, and the look-ups after which it is built
_GRAM, _INDEX_AFTER, _PRIME = 8, 64, 1_000_003


def _gram_hash(piece: str) -> int:
    h = 0
    for c in piece:
        h = (h * _PRIME + ord(c)) & 0xFFFFFFFFFFFFFFFF
    return h


@lru_cache(maxsize=2)
def _reading(document: str) -> _Reading:
    return _Reading(document)


@lru_cache(maxsize=2)
def _document_counts(document: str) -> SubstringCounts:
    """``document.count`` for many junctions, from one index of the document (see :mod:`dedup.textindex`)."""
    return SubstringCounts(document)


def _occurrences(across: str, reading: str, gap: str, joiner: str) -> int:
    """How often ``reading`` reads ``across``, not counting the cut itself.

    The cut reads as ``across`` only when its gap is a single line break (line
    mode) and the joiner a space: then one more occurrence is needed.
    """
    own = 1 if joiner == " " and _ONE_BREAK.fullmatch(gap) else 0
    return max(0, _reading(reading).count(_WS_RUN.sub(" ", across).lower()) - own)


def _attested(p: str, n: str, reading: str, gap: str, config: StitchConfig, joiners: tuple[str, ...] | None = None) -> dict | None:
    """Another copy reads straight across the cut (case aside): which joiner, and the text it reads.

    Around CJK text ``attest_chars`` characters on each side, then one
    fewer (a typo next to the cut in the other copy); elsewhere
    ``attest_chars_latin``.
    """
    last, first = p[-1], n[0]
    cjk = any(_is_cjk(c) for c in p[-config.attest_chars :] + n[: config.attest_chars])
    if not cjk and len(p) <= config.attest_chars_latin:
        p = p[strip_marker(p, LIST_MARKERS_ONLY) :] or p  # ``4. In t`` / ``he U.S.``: copies renumber, ``In the U.S.`` attests
    if joiners is None:
        joiners = ("",) if _is_cjk(last) and _is_cjk(first) else ("", " ")
    for want in (config.attest_chars, config.attest_chars - 1) if cjk else (config.attest_chars_latin,):
        k = min(want, len(p), len(n))
        if k < 2:
            return None
        kn = k if cjk else _latin_reach(k, want, len(n))
        best: tuple[int, str, str] | None = None
        for joiner in joiners:
            across = p[-k:] + joiner + n[:kn]
            if not cjk and len(across.strip()) < 8:
                continue  # a few Latin letters read across prove nothing
            found = _occurrences(across, reading, gap, joiner)
            # a tie goes to the space: Latin cuts fall between words more often than inside one
            if found and (best is None or found >= best[0]):
                best = (found, joiner, across)
        if best is not None:
            return {"joiner": best[1], "attested_by": best[2]}
        if k < want:
            return None  # a side is shorter than asked: a shorter look proves no more
    return None


def _attested_undoubled(p: str, n: str, reading: str, gap: str, config: StitchConfig) -> dict | None:
    """:func:`_attested`, once a CJK character doubled right at the cut is read once (``…太子左`` / ``卫卫率，…``).

    A copy cut there and damaged there too reads ``左卫卫率``, which no other
    copy reads; the copy that attests the cut reads ``左卫率``.  The doubled
    character stays: the join only removes the gap, and the repairs see it next.
    """
    for q, m in _undoubled(p, n):
        found = _attested(q, m, reading, gap, config, joiners=("",))
        if found is not None:
            return found
    return None


def _undoubled(p: str, n: str) -> list[tuple[str, str]]:
    """The sides of a cut with one CJK character doubled at it read once: in ``n``'s head, across, in ``p``'s tail."""
    out = []
    if len(n) > 1 and _is_cjk(n[0]) and (n[1] == n[0] or p[-1] == n[0]):
        out.append((p, n[1:]))
    if len(p) > 1 and _is_cjk(p[-1]) and p[-2] == p[-1]:
        out.append((p[:-1], n))
    return out


def _latin_reach(k: int, want: int, available: int) -> int:
    """Characters of the block after a Latin cut to read across it, when ``k`` are read before it.

    A short side (``1. Our`` / ``survey team …``: ``Our`` once its list number
    goes) is made up for on the other, so that what another copy must read
    straight across is still ``2 * want`` characters long (``Our survey team``).
    """
    return min(available, 2 * want - k)


def _number_cut(p: str, n: str) -> bool:
    """Is the cut inside a number: ``…面积190`` / ``0平方米``, ``…达到1`` / ``.2万亿``, ``…1.`` / ``2万亿``?

    ``…in 2019.`` / ``5 people`` is two sentences: a number that goes on must
    not stop at a space.
    """
    last, first = p[-1], n[0]
    if not (last.isdigit() or (last in ".．,，" and p[-2:-1].isdigit())):
        return False
    if first in ".．,，" and not last.isdigit():
        return False
    digits = _LEADING_NUMBER.match(n)
    return digits is not None and (digits.end() == len(n) or not n[digits.end()].isspace() or last.isdigit())


def _latin_joiner(p: str, n: str, reading: str) -> str:
    """``""`` if the document writes the two halves of the cut as one word (``inter`` / ``national``), else ``" "``."""
    a, b = _LATIN_WORD_END.search(p, max(0, len(p) - 64)), _LATIN_WORD_START.match(n)
    if not a or not b:
        return " "
    text = _reading(reading)
    whole, apart = (a.group() + b.group()).lower(), (a.group() + " " + b.group()).lower()
    if _has_word(text, apart):
        return " "
    return "" if _has_word(text, whole) or _typo_of_a_word(text, a.group().lower(), b.group().lower()) else " "


def _has_word(reading: _Reading, word: str) -> bool:
    """Does ``word`` occur in the lowercased reading with no letter right before or after it?"""
    text = reading.text
    i = reading.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not text[i - 1].isalpha()) and (j == len(text) or not text[j].isalpha()):
            return True
        i = reading.find(word, i + 1)
    return False


#: a word cut inside and mistyped is read as one only when it is at least this long
_TYPO_WORD = 5


def _typo_of_a_word(reading: _Reading, head: str, tail: str) -> bool:
    """Are the two halves of a Latin cut one word with a typo: neither half a word the document writes
    anywhere but at this cut, and the two together one character away from a word it writes
    (``THE DT`` / ``CISION``, ``DECISION``)?

    A copy cut inside a word it also mistyped is attested by no copy (none reads ``DTCISION``), and
    joined with a space it is two words no other copy has, so the sentence reads as new content.
    """
    whole = head + tail
    counts = _latin_words(reading.text)
    if len(whole) < _TYPO_WORD or counts.get(head, 0) > 1 or counts.get(tail, 0) > 1:
        return False
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    words = [w for w in counts if abs(len(w) - len(whole)) <= 1 and w not in (head, tail)]
    return bool(words) and process.extractOne(whole, words, scorer=Levenshtein.distance, score_cutoff=1) is not None


@lru_cache(maxsize=2)
def _latin_words(text: str) -> dict[str, int]:
    """How often each Latin word occurs in a (lowercased) reading."""
    from collections import Counter

    return dict(Counter(re.findall(r"[a-z\u00c0-\u024f]+", text)))


#: characters two blocks must begin with alike for the second to be the first printed again
_REPEAT_HEAD = 12


def _copy_begins(prev: str, nxt: str) -> bool:
    """Does ``nxt`` begin as ``prev`` does: the same paragraph printed again, not its continuation?

    A line without final punctuation repeated (``…男子５０００米`` twice) looks
    like a cut, and numbers repeat enough that a few characters read across
    it somewhere (``００米２３日``); the second half of a real cut never opens
    with the words the paragraph opened with.  Nor is a block shorter than that, which ``prev`` opens with, its rest
    (``. Bayes' Theorem`` / ``. Ba``: a copy of it, cut, whose first mark cannot open a sentence).
    """
    a, b = prev.lstrip(), nxt.strip()
    return (len(a) >= _REPEAT_HEAD and a[:_REPEAT_HEAD] == b[:_REPEAT_HEAD]) or (3 <= len(b) < _REPEAT_HEAD and a.startswith(b))


def _read_on_otherwise(p: str, n: str, reading: str, config: StitchConfig) -> bool:
    """Does another copy read on from ``p``'s end, and never into ``n``? (CJK)

    ``…我们也`` / ``在一周活动…`` where a whole copy reads ``…我们也在东风…``:
    the text after the cut is known and is not ``n``, so ``p`` is a copy cut
    short, and a junction word (``也在``) proves nothing.  The end read is
    ``attest_chars + 2`` characters, long enough to be that copy's.
    """
    k = config.attest_chars + 2
    if len(p) < k:
        return False
    text = _reading(reading).text
    tail, head = _WS_RUN.sub(" ", p[-k:]).lower(), n[:3].lower()
    on = 0
    i = _reading(reading).find(tail)
    while i >= 0:
        after = text[i + len(tail) : i + len(tail) + 3]
        if len(after) == len(head) and sum(a != b for a, b in zip(after, head)) <= 1:
            return False  # that copy reads into ``n`` (a typo allowed: ``丧母合制`` for ``丧母服制``)
        if ends_where_n_goes_on(text[i + len(tail) : i + len(tail) + EXTENSION_LOOK], n):
            return False  # that copy reads into ``n`` and ends its sentence where ``n`` goes on: ``n`` extends it
        if after and after[0] not in "\x00 ":
            on += 1
        i = text.find(tail, i + 1)
    return on > 0


#: an unfinished last sentence this many words long is one paragraph's own, not a phrase many sentences share
_OWN_SENTENCE_WORDS = 5


def _latin_read_on_otherwise(p: str, n: str, reading: str, config: StitchConfig) -> bool:
    """:func:`_read_on_otherwise` for Latin text: does another copy read on from ``p``'s end into a word
    that is not ``n``'s first (a typo allowed), and none into ``n``?

    ``… dependant on certain`` / ``this is a powerful mechanism …`` where a whole copy reads ``… on
    certain criteria``: ``p`` is a copy cut short, followed by another paragraph; a lowercase first
    word (or capitals on both sides) is then no evidence that the sentence goes on.  What is read is
    ``p``'s whole unfinished last sentence (at least ``2 * attest_chars_latin`` characters and
    ``_OWN_SENTENCE_WORDS`` words), so that only a copy of that sentence counts, not a phrase another
    sentence shares (``The city council`` / ``reviewed …`` beside ``The city council extended …``).
    """
    word = _LATIN_WORD_START.match(n)
    spans = sentences(p)
    last_sentence = p[spans[-1][0] :].strip() if spans else ""
    if len(last_sentence) < 2 * config.attest_chars_latin or len(last_sentence.split()) < _OWN_SENTENCE_WORDS or word is None:
        return False
    # with the end of the sentence before it: a copy of this paragraph, not a sentence of another that
    # begins alike (``THE MUSEUM BOARD ABANDONED THE NEW …`` beside ``The museum board abandoned the``)
    start = max(strip_marker(p, LIST_MARKERS_ONLY), spans[-1][0] - 2 * config.attest_chars_latin)
    reading_ = _reading(reading)
    text, tail, head = reading_.text, _WS_RUN.sub(" ", p[start:].strip()).lower(), word.group()[:4].lower()
    on = 0
    i = reading_.find(tail)
    while i >= 0:
        after = text[i + len(tail) : i + len(tail) + len(head) + 1]
        after = after[1:] if after[:1] == " " else after  # between words, or inside one (``pl`` / ``aces``)
        if len(after) >= len(head) and sum(a != b for a, b in zip(after, head)) <= 1:
            return False  # that copy reads into ``n``
        if after[:1].isalpha():
            on += 1
        i = text.find(tail, i + 1)
    return on > 0


def join_reason(prev: str, nxt: str, gap: str, document: str, config: StitchConfig = StitchConfig()) -> dict | None:
    """Why ``prev`` and ``nxt`` are one paragraph, or None.

    The answer's ``joiner`` is what replaces the gap (``""`` or ``" "``);
    ``junction`` is the last character, the joiner and the first character.

    >>> doc = "加强经费保障。切实加强经费保\\n\\n障。民办学校"
    >>> join_reason("切实加强经费保切实加强经费保切实加强", "障。民办学校", "\\n\\n", doc) is None
    True
    >>> join_reason("所需经费由自治区各级财政补助为主切实加强经费保", "障。民办学校", "\\n\\n", doc)["junction"]
    '保障'
    >>> doc = "It is published by the Free Software Foundation. x\\n\\nIt is published by the Free\\n\\nSoftware Foundation. If"
    >>> join_reason("It is published by the Free", "Software Foundation. If", "\\n\\n", doc)["junction"]
    'e S'
    >>> join_reason("城镇化正以前所未有的速度扩大。据《", "经济参考报》报道，随着", "\\n\\n", "")["why"]
    "previous block ends inside '《', left open"
    """
    p, n = prev.rstrip()[-_SIDE:], nxt.lstrip()[:_SIDE]
    if not p or not n or gap.count("\n") - 1 > config.max_blank_lines:
        return None
    last, first = p[-1], n[0]

    def joined(joiner: str, why: str, **evidence: object) -> dict:
        return {"junction": last + joiner + first, "joiner": joiner, **evidence, "why": why}

    opened = _left_open(p, n)
    if opened is not None:
        joiner = " " if _is_latin(last) and _is_latin(first) and not (last.isdigit() and first.isdigit()) else ""
        if joiner:  # ``(as in the`` / ``Free Software Foundation)``: between words, unless the document says otherwise
            joiner = (_attested(p, n, document, gap, config) or {"joiner": _latin_joiner(p, n, document)})["joiner"]
        return joined(joiner, f"previous block ends inside '{opened}', left open")
    if _copy_begins(prev, nxt) or (_is_latin(last) and opens_with_a_tag(p, n)):
        return None
    finished = _finished(p)
    if finished and not _number_cut(p, n) and not (last in ".．" and first.isdigit()):
        return None
    # a list item starts here (a speaker-like colon does not count); even a copy reading across
    # proves nothing, as copies that merge two items are common, unless a number or a Latin word
    # goes on (十 / 五、十六, the se / t. Google)
    goes_on = last.isdigit() or last in _CN_DIGITS or (last.isalpha() and first.isalpha() and not _is_cjk(last) and not _is_cjk(first))
    if strip_marker(n, LIST_MARKERS_ONLY) > 0 and not goes_on:
        return None
    if not goes_on and tag_opens_paragraphs(n, _reading(document)):
        return None  # (a copy that merges two lines reads across: ``…小学发言人：第八站``)
    # another copy in the document reads straight across the cut: the strongest evidence
    # (after a finished sentence only a decimal point counts: a copy that merges two paragraphs proves nothing)
    attested = _attested(p, n, document, gap, config, joiners=("",) if finished else None)
    if attested is None and not finished:
        attested = _attested_undoubled(p, n, document, gap, config)
    if attested is None and not finished:
        attested = attested_by_a_cut_copy(p, n, _reading(document), config.attest_chars) or attested_into_an_extension(p, n, _reading(document), config.attest_chars_latin)
    if attested is not None:
        why = "another copy, cut elsewhere, reads across the cut" if "⏎" in attested["attested_by"] else "another copy in the document reads straight across the cut"
        return joined(attested["joiner"], why, attested_by=attested["attested_by"])
    if finished and not _number_cut(p, n):
        return None
    if strip_marker(n, LIST_MARKERS_ONLY) > 0:
        return None
    if len(p) < config.min_chars:
        return None
    if first in _CANNOT_START:
        return joined("", "next block starts with punctuation that cannot open a sentence")
    if _number_cut(p, n):
        return joined("", "the cut is inside a number")
    if _is_cjk(last) and _is_cjk(first):
        junction = last + first
        count = _document_counts(document).count(junction)
        if count >= config.min_evidence and not _read_on_otherwise(p, n, document, config):
            return joined("", "the junction is a word the document uses elsewhere", occurrences_elsewhere=count)
        word = word_across(p, n)
        if word is not None and strip_marker(n) == 0 and not _read_on_otherwise(p, n, document, config):
            return joined("", "a common word of the lexicon reads across the cut", word=word)
        core = extended_core(p, _reading(document), config.attest_chars)
        if core is not None and strip_marker(n) == 0 and not _opens_a_paragraph(n, document) and not _read_on_otherwise(p, n, document, config):
            return joined("", "the previous block extends a sentence another copy ends, and is cut inside the extension", extends=core)
        if cut_alike(p, n, _reading(document), config.attest_chars) and strip_marker(n) == 0 and not _read_on_otherwise(p, n, document, config):
            return joined("", "another copy is cut short at the same point, and no copy reads on from it otherwise")
        # an unfinished sentence alone is no evidence: a truncated copy ends like that too,
        # and gluing it to the next paragraph would hide both
        return None
    if last in _SOFT_END and (_is_cjk(first) or first.isalpha()) and not (_is_cjk(first) and _read_on_otherwise(p, n, document, config)):
        return joined(" " if last == "," and _is_latin(first) else "", "previous block ends with a comma")
    if _is_latin(last) and first.isalpha() and _latin_read_on_otherwise(p, n, document, config):
        return None  # a truncated copy (``… dependant on certain``): the whole one says what follows, and it is not ``n``
    if _is_latin(last) and first.isalpha() and unicodedata.category(first) == "Ll":
        return joined(_latin_joiner(p, n, document), "next block starts with a lowercase word")
    head, tail = _LATIN_WORD_END.search(p[-64:]), _LATIN_WORD_START.match(n)  # a cut inside a word (``1. CHARACTERISE STRUCT`` / ``URE OF …``)
    if head and tail and _typo_of_a_word(_reading(document), head.group().lower(), tail.group().lower()):
        return joined("", "the cut is inside a word: neither half is a word of the document, together they are one it writes (a typo aside)")
    if _is_latin(last) and first.isalpha() and in_capitals(p, n, after_words(p, short_rest(n, _reading(document)))) and not _opens_a_paragraph(n, document):
        return joined(_latin_joiner(p, n, document), "both blocks are written in capitals (where case says nothing) and the sentence goes on")
    return None


def _opens_a_paragraph(n: str, document: str) -> bool:
    """Does ``n`` start as a paragraph does: with a speaker tag, or as another block of the document starts?

    A truncated copy in capitals followed by the next copy of a paragraph in
    capitals is two paragraphs, and the later one shows it by starting as
    one of them starts (its other copies, its first occurrence).
    """
    if strip_marker(n) > 0:
        return True  # ``MODERATOR: …``, ``Q: …``
    opening = _WS_RUN.sub(" ", n[:_OPENING]).lower()
    if len(opening) >= _OPENING // 2 and opens_after_a_tag(opening, _reading(document).text):
        return True
    return len(opening) >= _OPENING // 2 and _reading(document).count("\x00" + opening) + _reading(document).text.startswith(opening) > 1


#: the characters of a block's start compared with the other blocks' starts
_OPENING = 24


def stitch(document: str, blocks: Sequence[Block], draft: Draft, config: StitchConfig = StitchConfig()) -> list[Unit]:
    """Group blocks into units, recording each join as a ``stitch.cut_paragraph`` edit.

    ``document`` is the input ``blocks`` index into; the evidence is read in
    the draft's current text, again after every round of joins until a round
    joins nothing (a join can make the text another cut needs: ``Free
    Software`` read across one cut attests the same cut elsewhere).
    """
    joined: set[int] = set()  # k: blocks[k] and blocks[k + 1] are one paragraph
    if config.enabled:
        todo: set[int] | None = None  # None: every pair
        while True:
            fresh = _join_round(document, blocks, draft, config, joined, todo)
            if not fresh:
                break
            todo = _worth_another_look(blocks, draft, joined, fresh)
    units: list[Unit] = []
    group: list[Block] = []
    for k, b in enumerate(blocks):
        if group and (k - 1) in joined:
            group.append(b)
            continue
        if group:
            units.append(_unit(len(units), group))
        group = [b]
    if group:
        units.append(_unit(len(units), group))
    return units


def _unit(index: int, group: Sequence[Block]) -> Unit:
    kind = "heading" if group[0].kind == "heading" else group[0].kind
    return Unit(index, tuple(b.index for b in group), Span(group[0].span.start, group[-1].span.end), kind)


def _join_round(document: str, blocks: Sequence[Block], draft: Draft, config: StitchConfig, joined: set[int], todo: set[int] | None) -> list[int]:
    """One pass over the gaps (all, or those in ``todo``); returns the gaps it joined."""
    reading = draft.text
    fresh: list[int] = []
    start = 0  # first block of the current group
    for k in range(1, len(blocks)):
        prev, b = blocks[k - 1], blocks[k]
        if (k - 1) in joined:
            continue
        if (todo is None or (k - 1) in todo) and b.kind != "heading" and prev.kind != "heading" and blocks[start].kind != "heading":
            gap = document[prev.span.end : b.span.start]
            before, after = _sides(blocks, draft, joined, start, k)
            reason = join_reason(before, after, gap, reading, config)
            if reason is not None:
                draft.replace(
                    prev.span.end,
                    b.span.start,
                    reason["joiner"],
                    rule="stitch.cut_paragraph",
                    reason=f"paragraph cut mid-sentence at '{reason['junction']}': {reason['why']}",
                    evidence=reason,
                    confidence=0.9,
                )
                joined.add(k - 1)
                fresh.append(k - 1)
                continue
        start = k
    return fresh


#: characters on each side of a junction in which a join can make evidence for another gap
_WINDOW = 32


def _sides(blocks: Sequence[Block], draft: Draft, joined: set[int], start: int, k: int) -> tuple[str, str]:
    """The paragraph before gap ``k - 1`` (from block ``start``) and the one after it, as joined so far.

    Only their last and first :data:`_SIDE` visible characters matter to
    :func:`join_reason`, so only that much is read: a chain of many joins
    stays linear.
    """
    # read whole stretches at once (block borders are edit borders), doubling until enough is read
    j, want = k - 1, _SIDE
    while True:
        while j > start and blocks[k - 1].span.end - blocks[j].span.start < want:
            j -= 1
        before = draft.current(blocks[j].span.start, blocks[k - 1].span.end)
        if j == start or len(before.rstrip()) >= _SIDE:
            break
        want *= 2
    j, want = k, _SIDE
    while True:
        while j in joined and blocks[j].span.end - blocks[k].span.start < want:
            j += 1
        after = draft.current(blocks[k].span.start, blocks[j].span.end)
        if j not in joined or len(after.lstrip()) >= _SIDE:
            break
        want *= 2
    return before, after


def _worth_another_look(blocks: Sequence[Block], draft: Draft, joined: set[int], fresh: list[int]) -> set[int]:
    """Gaps whose evidence the last round's joins may have changed.

    A join changes the text only around its junction, so a gap needs another
    look only if its own junction characters occur there, or if a join grew
    the paragraph on either side of it (length, open brackets and the
    closing ones after count).
    """
    group_start: list[int] = []  # first block of the paragraph each block is in
    for k in range(len(blocks)):
        group_start.append(group_start[k - 1] if k and (k - 1) in joined else k)
    windows = []
    for k in fresh:
        before, after = _sides(blocks, draft, joined, group_start[k], k + 1)
        windows.append(before[-_WINDOW:] + draft.current(blocks[k].span.end, blocks[k + 1].span.start) + after[:_WINDOW])
    around = "\x00".join(windows)
    # the junctions those windows hold: adjacent characters, and characters one space or break apart
    junctions = {around[i : i + 2] for i in range(len(around) - 1)}
    junctions.update(around[i] + around[i + 2] for i in range(len(around) - 2) if around[i + 1] in " \n")
    group_end = [0] * len(blocks)  # last block of the paragraph each block is in
    for k in reversed(range(len(blocks))):
        group_end[k] = group_end[k + 1] if k in joined else k
    grown = set()
    for k in fresh:
        grown.add(group_end[k + 1])
        if group_start[k] > 0:
            grown.add(group_start[k] - 1)
    todo = set()
    for k in range(len(blocks) - 1):
        if k in joined:
            continue
        if k in grown:
            todo.add(k)
            continue
        p = draft.current(blocks[k].span.start, blocks[k].span.end).rstrip()
        n = draft.current(blocks[k + 1].span.start, blocks[k + 1].span.end).lstrip()
        if p and n and p[-1] + n[0] in junctions:
            todo.add(k)
    return todo
