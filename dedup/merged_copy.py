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

from .fingerprint.keys import LIST_MARKERS_ONLY, strip_marker

#: the beginning is at least this many words (a short one begins many sentences) ...
MIN_HEAD_WORDS = 3
#: ... and the whole sentence after it this many (``MODERATOR: 1.``, the tag and number of a list item, is two)
MIN_WHOLE_WORDS = 2
#: in Chinese, the beginning and the whole sentence after it are each at least this many characters of key
MIN_CJK_CHARS = 8


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
        return None  # a CJK key: cut_then_whole_cjk
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


def begins_with(k: str, head: str) -> bool:
    """Does kept key ``k`` go on from ``head`` (Latin: a word boundary after it; CJK: anywhere)?"""
    return k.startswith(head + " ") if " " in head else k.startswith(head) and len(k) > len(head)


def among(keys: Iterable[str]) -> tuple[Callable[[str], bool], Callable[[str], str | None]]:
    """:func:`cut_then_whole`'s two questions, asked of a few keys (the output sentences of some units)."""
    kept = sorted(set(keys))
    present = set(kept)
    return present.__contains__, lambda head: next((k for k in kept if begins_with(k, head)), None)


#: in a CJK key (no spaces) the beginning is at least this many characters (two or three words), unless
#: the next item's list marker stands after it: then it may be as short as the cut left it (``定额络绎不绝三是…``) ...
MIN_HEAD_CHARS = MIN_CJK_CHARS
#: ... and the whole sentence after it this many
MIN_WHOLE_CHARS = 4
#: the longest list marker looked for between the two (``（十二）``, ``十二是``)
_MAX_MARKER = 6


def cut_then_whole_cjk(key: str, kept: Iterable[str]) -> tuple[str, str] | None:
    """``(A, B)`` when the CJK sentence key ``key`` is the beginning of kept key A, then kept key B whole.

    The next paragraph's list marker may stand between them (``…出炉大脑五是短缺…``): a
    sentence key drops a marker only where it leads, and the merged copy's second
    paragraph lost its lead.  The marker is also the evidence that a new item began
    there, so the beginning before it may be short (the last sentence of a copy cut
    a few characters in); without one it is at least :data:`MIN_HEAD_CHARS`.  Exact
    keys only: a character of its own makes ``key`` new content.

    >>> kept = ["书本建议称得上知识他们出炉大脑舰船", "短缺滚落巧匠秭归国内外"]
    >>> cut_then_whole_cjk("书本建议称得上知识他们出炉大脑五是短缺滚落巧匠秭归国内外", kept)
    ('书本建议称得上知识他们出炉大脑舰船', '短缺滚落巧匠秭归国内外')
    >>> cut_then_whole_cjk("书本建议称得上知识他们出炉大脑还有短缺滚落巧匠秭归国内外", kept) is None
    True
    >>> cut_then_whole_cjk("书本建议三是短缺滚落巧匠秭归国内外", kept), cut_then_whole_cjk("书本建议短缺滚落巧匠秭归国内外", kept)
    (('书本建议称得上知识他们出炉大脑舰船', '短缺滚落巧匠秭归国内外'), None)
    >>> cut_then_whole_cjk("王磊2002年最佳服装设计作二是2013年最佳舞台设计作品野猪", ["王磊2002年最佳服装设计作品堕落鸟剧场组合", "2013年最佳舞台设计作品野猪"])
    ('王磊2002年最佳服装设计作品堕落鸟剧场组合', '2013年最佳舞台设计作品野猪')
    """
    if " " in key:
        return None
    kept = sorted(set(kept))
    for b in sorted((k for k in kept if len(k) >= MIN_WHOLE_CHARS and k != key and key.endswith(k)), key=len, reverse=True):
        cut = len(key) - len(b)
        for i in range(cut, max(0, cut - _MAX_MARKER), -1):
            if i == cut and i < MIN_HEAD_CHARS:
                continue  # no marker between: a short beginning begins many sentences
            if i < cut and strip_marker(key[i:], LIST_MARKERS_ONLY) != cut - i:
                continue  # what stands between the two is no list marker
            head = key[:i]
            a = next((k for k in kept if k.startswith(head) and k != b), None)
            if a is not None:
                return a, b
    return None
