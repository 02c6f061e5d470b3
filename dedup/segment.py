"""Split text into blocks (paragraphs or lines) and blocks into sentences.

Spans always point into the text that was split, so a block's text is exactly
``text[block.span.start:block.span.end]`` and the whitespace between blocks
("gaps") is accounted for as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

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


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges ``(start, end)`` of ``text``, covering it without gaps.

    A sentence ends after a run of sentence-final punctuation and any closing
    quotes or brackets; for ASCII ``.`` only when a space or the end follows
    (so ``1.84亿`` and ``e.g.`` inside a word do not split).

    >>> t = "一是甲。乙“丙！”丁"
    >>> [t[a:b] for a, b in sentences(t)]
    ['一是甲。', '乙“丙！”', '丁']
    """
    out: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        end_here = c in SENTENCE_END or (c == "." and (i + 1 == n or text[i + 1] in " \n\t") and i > start)
        if end_here:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in CLOSERS):
                j += 1
            while j < n and text[j] in " \t":
                j += 1
            out.append((start, j))
            start = i = j
            continue
        i += 1
    if start < n:
        out.append((start, n))
    return out
