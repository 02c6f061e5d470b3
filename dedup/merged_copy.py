"""A copy cut short and merged with the next paragraph, read as one sentence.

A truncated copy that lost the blank line after it runs into the next
paragraph: ``… based on computer MODERATOR: PAGERANK (PR) REFERS TO BOTH …``,
or in Chinese ``…最佳服装设计（作`` ⏎ ``二是2013年：…香港艺术节）`` (an
unclosed bracket, no full stop: one sentence).  Its one "sentence" is the
beginning of a kept sentence followed by the whole of another kept one; every
word of it is in the output, in those two.  Exact keys only, as
:func:`dedup.invariant.made_of`: a word of its own makes it new content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .fingerprint.keys import KeyConfig, strip_marker

#: the beginning is at least this many words (a short one begins many sentences) ...
MIN_HEAD_WORDS = 3
#: ... and the whole sentence after it this many (``MODERATOR: 1.``, the tag and number of a list item, is two)
MIN_WHOLE_WORDS = 2
#: in Chinese, the beginning and the whole sentence after it are each at least this many characters of key
MIN_CJK_CHARS = 8
#: a list marker between the two (``…设计作二是2013年…``: the next paragraph's, which its key drops)
_MARKERS = KeyConfig(strip_markers=True, strip_speaker=False)


def cut_then_whole(key: str, whole: Callable[[str], bool], beginning_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """``(A, B)`` when the Latin sentence key ``key`` is the beginning of kept key A, a space, then kept key B whole.

    ``whole(s)``: is ``s`` a kept sentence key; ``beginning_of(h)``: a kept key that
    begins with ``h`` and a space, or None.  The longest B is tried first.

    >>> kept = ["based on computer science and physics", "moderator pagerank refers to both"]
    >>> cut_then_whole("as we saw based on computer moderator pagerank refers to both", kept.__contains__, lambda h: None)
    >>> cut_then_whole("based on computer moderator pagerank refers to both", kept.__contains__, lambda h: next((k for k in kept if k.startswith(h + " ")), None))
    ('based on computer science and physics', 'moderator pagerank refers to both')
    """
    if " " not in key:
        return _cjk_cut_then_whole(key, whole, beginning_of)
    spaces = [i for i, c in enumerate(key) if c == " "]
    for n, j in enumerate(spaces):
        head, b = key[:j], key[j + 1 :]
        if n + 1 < MIN_HEAD_WORDS or len(spaces) - n < MIN_WHOLE_WORDS:
            continue
        if whole(b):
            a = beginning_of(head)
            if a is not None and a != b:
                return a, b
    return None


def _cjk_cut_then_whole(key: str, whole: Callable[[str], bool], beginning_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """:func:`cut_then_whole` for a CJK key: split anywhere, a list marker after the split skipped.

    >>> kept = ["王磊2002年最佳服装设计作品堕落鸟剧场组合", "2013年最佳舞台设计作品野猪"]
    >>> begins = lambda h: next((k for k in kept if k.startswith(h) and k != h), None)
    >>> _cjk_cut_then_whole("王磊2002年最佳服装设计作二是2013年最佳舞台设计作品野猪", kept.__contains__, begins)
    ('王磊2002年最佳服装设计作品堕落鸟剧场组合', '2013年最佳舞台设计作品野猪')
    >>> _cjk_cut_then_whole("王磊2002年最佳服装设计作二是2013年最佳舞台设计作品野猪了", kept.__contains__, begins) is None
    True
    """
    for j in range(MIN_CJK_CHARS, len(key) - MIN_CJK_CHARS + 1):
        b = key[j:]
        for rest in (b, b[strip_marker(b, _MARKERS) :]):
            if len(rest) >= MIN_CJK_CHARS and whole(rest):
                a = beginning_of(key[:j])
                if a is not None and a != rest:
                    return a, rest
    return None


def begins_with(k: str, head: str) -> bool:
    """Does kept key ``k`` go on from ``head`` (Latin: a word boundary after it; CJK: anywhere)?"""
    return k.startswith(head + " ") if " " in head else k.startswith(head) and len(k) > len(head)


def among(keys: Iterable[str]) -> tuple[Callable[[str], bool], Callable[[str], str | None]]:
    """:func:`cut_then_whole`'s two questions, asked of a few keys (the output sentences of some units)."""
    kept = sorted(set(keys))
    present = set(kept)
    return present.__contains__, lambda head: next((k for k in kept if begins_with(k, head)), None)
