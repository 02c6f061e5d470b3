"""Split text into blocks (paragraphs or lines) and blocks into sentences.

Spans always point into the text that was split, so a block's text is exactly
``text[block.span.start:block.span.end]`` and the whitespace between blocks
("gaps") is accounted for as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Literal

from .chardata import is_cjk
from .errors import InputError
from .model import Block, Span

Unit = Literal["paragraph", "line"]

_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_LINE = re.compile(r"[^\n]*(?:\n|$)")

#: characters that end a sentence (CJK and ASCII) ...
SENTENCE_END = frozenset("。！？!?；;…")
#: ... and those that may follow the end and still belong to the sentence
CLOSERS = frozenset("”’」』）)】》〉\"'")


@dataclass(frozen=True)
class SegmentConfig:
    """How to cut the text into blocks."""

    #: "paragraph": blocks separated by blank lines; "line": every non-blank line.
    unit: Unit = "paragraph"
    #: Most blocks one document may have (None: no limit; ``dedup-text``
    #: uses :data:`DEFAULT_MAX_BLOCKS`).
    max_blocks: int | None = None
    #: Longest block, in characters (None: no limit; ``dedup-text`` uses
    #: :data:`DEFAULT_MAX_BLOCK_CHARS`).
    max_block_chars: int | None = None


#: The command's block limit.  Memory grows by ~15 KB per block
#: (benchmarks/memory_hostile.py: 100,000 tiny paragraphs peak at 1.5 GB,
#: 92 s); a bigger "document" is a corpus: split it, use ``dedup-text corpus``.
#: The library has no default limit, so that corpus mode, which cleans
#: documents in bulk, is not stopped by one odd record.
DEFAULT_MAX_BLOCKS = 100_000
#: The command's block-length limit (a 1,000,000-character line of prose
#: peaks at ~350 MB, 30 s).  A longer block is almost always a file without
#: blank lines (use ``--unit line``) or not prose at all.
DEFAULT_MAX_BLOCK_CHARS = 1_000_000


def segment(text: str, config: SegmentConfig = SegmentConfig()) -> list[Block]:
    """Blocks of ``text`` in reading order; whitespace-only lines are gaps.

    >>> [(b.text, b.span.as_list()) for b in segment("a\\nb\\n\\n c")]
    [('a\\nb', [0, 3]), (' c', [5, 7])]
    >>> [b.kind for b in segment("# T\\nbody", SegmentConfig())]
    ['heading', 'paragraph']
    """
    blocks: list[Block] = []
    cur_start = cur_end = -1

    def flush() -> None:
        nonlocal cur_start
        if cur_start >= 0:
            blocks.append(Block(len(blocks), Span(cur_start, cur_end), text[cur_start:cur_end], "paragraph" if config.unit == "paragraph" else "line"))
        cur_start = -1

    pos = 0
    n = len(text)
    most = n if config.max_blocks is None else config.max_blocks
    while pos < n and len(blocks) <= most:  # stop early: check_limits refuses it
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        line = text[pos:line_end]
        if not line.strip():
            flush()
        elif _HEADING.match(line):
            flush()
            blocks.append(Block(len(blocks), Span(pos, line_end), line, "heading"))
        elif config.unit == "line":
            blocks.append(Block(len(blocks), Span(pos, line_end), line, "line"))
        else:
            if cur_start < 0:
                cur_start = pos
            cur_end = line_end
        pos = line_end + 1
    flush()
    check_limits(text, blocks, config)
    return blocks


def check_limits(text: str, blocks: list[Block], config: SegmentConfig = SegmentConfig()) -> None:
    """Refuse, with an actionable message, a document past the documented limits.

    Raised before any costly stage runs, so an oversized input fails in
    seconds with one line instead of exhausting memory an hour later.

    >>> check_limits("abc", segment("abc"), SegmentConfig(max_block_chars=2))
    Traceback (most recent call last):
    ...
    dedup.errors.InputError: block 0 (line 1) is 3 characters long, above the limit of 2 (is it a file without blank lines? try --unit line, or raise --max-block-chars)
    """
    if config.max_blocks is not None and len(blocks) > config.max_blocks:
        raise InputError(
            f"input has more than {config.max_blocks:,} blocks, the single-document limit "
            "(split it and use 'dedup-text corpus', or raise --max-blocks)"
        )
    if config.max_block_chars is None:
        return
    for b in blocks:
        if len(b.span) > config.max_block_chars:
            line = text.count("\n", 0, b.span.start) + 1
            hint = "is it a file without blank lines? try --unit line, or raise --max-block-chars" if config.unit == "paragraph" else "raise --max-block-chars"
            raise InputError(f"block {b.index} (line {line}) is {len(b.span):,} characters long, above the limit of {config.max_block_chars:,} ({hint})")


def gaps(text: str, blocks: list[Block]) -> list[Span]:
    """The spans between blocks (and before the first / after the last)."""
    out = []
    pos = 0
    for b in blocks:
        if b.span.start > pos:
            out.append(Span(pos, b.span.start))
        pos = b.span.end
    if pos < len(text):
        out.append(Span(pos, len(text)))
    return out


#: abbreviations after which ``.`` does not end a sentence when a Latin word or a number follows
_ABBREVIATIONS = frozenset(
    "mr mrs ms mx dr prof sr jr st mt gen col lt sgt capt cmdr rev hon gov sen rep pres supt insp messrs mme mlle "
    "vs cf viz ca approx al dept univ assn bros inc ltd co corp".split()
)
#: ... and those after which it does not end one when a number follows (``No. 5``, ``Fig. 3``)
_NUMBER_ABBREVIATIONS = frozenset("no nos vol vols p pp fig figs eq eqs art sec ch chap op ed eds jan feb mar apr jun jul aug sep sept oct nov dec".split())
#: ... and those after which it does not end one when a lowercase word follows (``etc. and``)
_LOWERCASE_ABBREVIATIONS = frozenset("etc esp incl excl resp approx min max est misc orig abbr".split())
#: a run of sentence-final punctuation with the closing quotes and brackets after it
_END_RUN = re.compile(
    "[" + re.escape("".join(sorted(SENTENCE_END))) + r"\.][" + re.escape("".join(sorted(SENTENCE_END | CLOSERS))) + r"\.]*"
)
_SPACE_AFTER_END = " \t"
#: characters that end the word before a period, scanning back from it
_WORD_BOUNDARY = frozenset(" \t\n([{\"'“‘«")
#: abbreviations are short: the scan back stops after this many characters
_LONGEST_ABBREVIATION = 12
_VISIBLE = re.compile(r"\S")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
#: a list number opening a sentence (``4. Each dimension``): its period numbers, it ends nothing
_LIST_NUMBER = re.compile(r"\s*\d{1,3}")
#: quotes and brackets a numbered item's sentence may open with (``3. "Bayes' Theorem" or …``)
_QUOTE_OPENERS = frozenset("\"'“‘([")
#: a line break before a numbered Latin list item (``… counter this is`` ⏎ ``5. Google Toolbar``) or a
#: Chinese one (``…选拔团员`` ⏎ ``４、２００９年…``): a line break alone ends nothing, but a list number at
#: the head of a line opens a sentence of its own
_LIST_ITEM_LINE = re.compile(r"\n(?=[ \t]*\d{1,3}\.[ \t]+[A-Z]|[ \t\u3000]*\d{1,3}、)")


#: texts up to this long have their sentence ranges remembered (:func:`_remembered`)
SENTENCES_MEMO_MAX_CHARS = 2_000


def _remembered(split: Callable[[str], list[tuple[int, int]]]) -> Callable[[str], list[tuple[int, int]]]:
    """``split``, remembered for the most recent short texts (~4 k); each call gets a list of its own.

    The reconstruction, completion and consensus split the same paragraphs
    again and again (news pages: 1,416 calls for 435 distinct texts).  The
    ranges depend on the text alone.
    """
    memo = lru_cache(maxsize=1 << 12)(lambda text: tuple(split(text)))

    @wraps(split)
    def remembered(text: str) -> list[tuple[int, int]]:
        return list(memo(text)) if len(text) <= SENTENCES_MEMO_MAX_CHARS else split(text)

    remembered.cache_clear = memo.cache_clear  # type: ignore[attr-defined]
    return remembered


@_remembered
def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges ``(start, end)`` of ``text``, covering it without gaps.

    A sentence ends after a run of sentence-final punctuation (``。！？；…``,
    ``! ? ;``) and any closing quotes or brackets, plus the spaces after it.
    An ASCII ``.`` ends one only before a space, a line break or the end (so
    ``1.84亿``, ``3.5`` and ``e.g.`` inside a word do not split), and not
    after an abbreviation when a Latin word or number follows (``Dr. Smith``,
    ``e.g. Simula``, ``U.S. Army``, ``No. 5``, ``J. R. Tolkien``, ``etc. and``).
    ``!`` or ``?`` between two Latin characters (``?q=1``) ends nothing.  A
    line break alone never ends a sentence, except before a numbered item
    (``5. Google``) at the head of the next line.

    >>> t = "一是甲。乙“丙！”丁"
    >>> [t[a:b] for a, b in sentences(t)]
    ['一是甲。', '乙“丙！”', '丁']
    >>> t = "Dr. Smith met Mr. J. R. Jones, e.g. at No. 5 on 3.5 acres. He left."
    >>> [t[a:b] for a, b in sentences(t)]
    ['Dr. Smith met Mr. J. R. Jones, e.g. at No. 5 on 3.5 acres. ', 'He left.']
    >>> t = "A cut copy ends in the\\n5. Next item."
    >>> [t[a:b] for a, b in sentences(t)]
    ['A cut copy ends in the', '\\n5. Next item.']
    """
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END_RUN.finditer(text):
        start = _split_list_lines(text, start, m.start(), out)
        if not _ends_here(text, m.start(), m.end(), start):
            continue
        j = m.end()
        while j < n and text[j] in _SPACE_AFTER_END:
            j += 1
        out.append((start, j))
        start = j
    if start < n:
        start = _split_list_lines(text, start, n, out)
        out.append((start, n))
    return out


def _split_list_lines(text: str, start: int, end: int, out: list[tuple[int, int]]) -> int:
    """End a sentence at each line break in ``text[start:end]`` that a numbered list item follows; return the new start."""
    if "\n" not in text[start:end]:
        return start
    for m in _LIST_ITEM_LINE.finditer(text, start):
        if m.start() >= end:
            break
        if text[start : m.start()].strip():
            out.append((start, m.start()))
            start = m.start()
    return start


def ends_sentence(text: str) -> bool:
    """Does ``text`` end with a finished sentence (closing quotes and brackets after the end allowed)?

    CJK and strong punctuation (``。！？；…``, ``! ? ;``) always finish one;
    in text that is not CJK an ASCII ``.`` does too, unless it ends an
    abbreviation (``… noted, e.g.`` is cut short, ``… in 1967.`` is not).

    >>> ends_sentence("他说：“好。”"), ends_sentence("It was derived in 1967."), ends_sentence("As Prof. Lee noted, e.g.")
    (True, True, False)
    >>> ends_sentence("It has to be"), ends_sentence("一是推进1.")
    (False, False)
    """
    s = text.rstrip()
    while s and s[-1] in CLOSERS:
        s = s[:-1]
    if not s:
        return False
    if s[-1] in SENTENCE_END:
        return True
    if s[-1] != "." or is_cjk(s):
        return False
    return len(s) == 1 or s[-2] == "." or not _abbreviation(s, len(s) - 1, "A")


def _ends_here(text: str, i: int, j: int, start: int) -> bool:
    """Does the punctuation run ``text[i:j]`` end the sentence that began at ``start``?"""
    run = text[i:j]
    strong = [c for c in run if c in SENTENCE_END]
    if strong and (not all(c in "!?" for c in strong) or not _latin_before(text, i)):
        return True  # CJK punctuation, ``;``, ``…``, or ``!?`` in CJK text: always an end
    if not strong and i + run.count(".") - 1 <= start:
        return False  # a period that opens the sentence ends nothing
    if j == len(text):
        return True
    if text[j] not in " \n\t":
        if strong:  # ``Yahoo!Inc`` and ``?q=1`` go on; ``Thank you!"他说`` ends
            return len(run) > len(strong) or not _LATIN_OR_DIGIT.match(text[j])
        return False  # 3.5, e.g.x, U.S.A: inside a word
    if strong:
        return True
    nxt = _next_visible(text, j)
    if run == "." and nxt in _QUOTE_OPENERS and _LIST_NUMBER.fullmatch(text, start, i):
        return False  # ``3. "Bayes' Theorem" …``: a list number before a quote numbers the sentence too
    if not nxt or not _LATIN_OR_DIGIT.match(nxt):
        return True  # the end, CJK and other text: the period behaves as before
    if run == "." and _LIST_NUMBER.fullmatch(text, start, i):
        return False  # ``4. Each dimension …``: a renumbered copy's marker is folded into its sentence's key
    return not _abbreviation(text, i, nxt)


def _name_before(text: str, k: int) -> bool:
    """Does a name part (a capitalised word, an initial, a title) or the start of the text precede ``k``?"""
    k2 = k
    # a single line break is a hard wrap, read as a space (``… given⏎B. It is``); a blank line starts anew
    while k2 > 0 and (text[k2 - 1] in " \t" or (text[k2 - 1] == "\n" and text[k2 - 2 : k2 - 1] not in ("\n", ""))):
        k2 -= 1
    if k2 == 0 or text[k2 - 1] in "\n([\"'“‘":
        return True
    if text[k2 - 1] in ".":
        k2 -= 1  # an initial or a title before: "J. R.", "Mr. J."
    k1 = k2
    while k1 > 0 and text[k1 - 1].isalpha():
        k1 -= 1
    before = text[k1:k2]
    return bool(before) and before[0].isupper() and (len(before) == 1 or before[1:].islower())


def _latin_before(text: str, i: int) -> bool:
    return i > 0 and _LATIN_OR_DIGIT.match(text[i - 1]) is not None


def _next_visible(text: str, j: int) -> str:
    """The first non-whitespace character at or after ``j`` ('' if none)."""
    m = re.compile(r"\S").search(text, j)
    return m.group() if m else ""


def _abbreviation(text: str, i: int, nxt: str) -> bool:
    """Is the word before the period at ``i`` an abbreviation, given the next visible character?"""
    k = i
    while k > 0 and i - k <= _LONGEST_ABBREVIATION and text[k - 1] not in _WORD_BOUNDARY:
        k -= 1
    word = text[k:i]
    if not word or word.endswith("."):
        return False  # an ellipsis, or nothing: an end
    if len(word) == 1 and word.isalpha() and word.isupper() and nxt.isupper():
        return _name_before(text, k)  # an initial (J. R. Tolkien, John F. Kennedy), not "page B. Google"
    if "." in word and all(part.isalpha() for part in word.split(".")):
        return True  # U.S, e.g, i.e, Ph.D, a.m
    w = word.lower()
    if w in _ABBREVIATIONS:
        return True
    if nxt.isdigit():
        return w in _NUMBER_ABBREVIATIONS
    # before a lowercase word only: "etc. and", "Fig. shows" (sloppy "links. the more" still ends)
    return nxt.islower() and (w in _LOWERCASE_ABBREVIATIONS or w in _NUMBER_ABBREVIATIONS)
