"""Evidence a cut's two sides give by themselves: a common word read across it, capitals on both sides.

Shared by :mod:`dedup.normalize.stitch` when no copy of the paragraph reads
across the cut.
"""

from __future__ import annotations

import re
from typing import Any

from ..fingerprint.keys import LIST_MARKERS_ONLY, strip_marker

#: how common (jieba frequency) a word read across a CJK cut must be to join it without a copy's evidence
MIN_WORD_FREQ = 100


def word_across(p: str, n: str) -> str | None:
    """A common word of the lexicon that the cut splits (``…涉及水利、林`` / ``业、农业…``: ``林业``), or None.

    A paragraph printed once has no copy to read across its cut, and the
    junction may be a word the page uses nowhere else.  A truncated copy
    followed by the next paragraph rarely makes a common word across the gap
    (the next one opens with a list marker or a speaker tag, which never
    join: measured on the quality benchmark's Chinese sets, 23 cuts joined and
    none wrongly).  Words of 2 to 4 characters, each side at least one.
    """
    from ..lexicon import lexicon  # (only here: loaded when a CJK cut has no other evidence)

    words = lexicon().crosses(p[-3:] + n[:3], len(p[-3:]), range(2, 5), MIN_WORD_FREQ)
    return max(words, key=len) if words else None


#: capitals carry no case: a block this long in capitals, cut mid-sentence, goes on into the next in capitals
_MIN_CAPITALS_CHARS = 40
_CAPITALS_WORDS = 4


def in_capitals(p: str, n: str, after_words: int = _CAPITALS_WORDS) -> bool:
    """Are both sides of a cut written in capitals (``… DYNAMIC PROGRAMMING IS A METHOD OF`` / ``SOLVING PROBLEMS …``)?

    There the lowercase word that shows a sentence going on cannot be seen;
    a block long enough not to be a title, whose last words and the next
    block's first ``after_words`` words are all capitals, is read as one paragraph cut.
    """
    before = [w for w in re.findall(r"[^\W\d_]+", p[-200:]) if len(w) > 1][-_CAPITALS_WORDS:]
    after = [w for w in re.findall(r"[^\W\d_]+", n[:200]) if len(w) > 1][:_CAPITALS_WORDS]
    return len(p) >= _MIN_CAPITALS_CHARS and len(before) == _CAPITALS_WORDS and len(after) >= after_words and all(w.isupper() for w in before + after)


#: English words no sentence ends with (an article, a preposition, a conjunction)
_NEVER_LAST = frozenset("the a an of to and or but nor in on at by for from with into onto than as".split())
_LAST_WORD = re.compile(r"([A-Za-z]+)\s*$")


def after_words(p: str, rest: int = 0) -> int:
    """How many capital words the block after ``p`` must open with to read on from it.

    One when ``p`` ends with a word no sentence ends with (``… ON BEHALF OF
    THE`` / ``WHOLE REGION.``): the sentence cannot stop there, so a short
    rest of it in capitals is enough; ``rest`` when the block after is a short
    finished rest (:func:`short_rest`); else :data:`_CAPITALS_WORDS`.
    """
    m = _LAST_WORD.search(p)
    return 1 if m is not None and m.group(1).lower() in _NEVER_LAST else rest or _CAPITALS_WORDS


#: one sentence and its final mark, nothing after it
_ONE_FINISHED = re.compile(r"[^.!?]+[.!?]")


def short_rest(n: str, read: Any) -> int:
    """How many words ``n`` has when it is the short, finished rest of a sentence in capitals, else 0.

    ``… MEANS FINDING AN ACCEPTABLE PLAN`` / ``OF ACTION.``, ``… THE ALREADY
    EXISTING`` / ``CLASSES.``: a copy cut a word or two before its full stop
    leaves fewer words than :func:`in_capitals` asks for, yet a block that is
    nothing but a few capital words and a full stop is no paragraph of its
    own, unless the page prints it so elsewhere: another block of ``read``
    (stitching's reading of the document, blocks parted by NUL) opening with
    it makes it a line the page repeats (``THANK YOU.``).
    """
    s = n.strip()
    words = [w for w in re.findall(r"[^\W\d_]+", s) if len(w) > 1]
    if not (1 <= len(words) < _CAPITALS_WORDS) or not _ONE_FINISHED.fullmatch(s) or not all(w.isupper() for w in words):
        return 0
    folded = " ".join(s.split()).lower()
    return len(words) if read.count("\x00" + folded) + read.text.startswith(folded) <= 1 else 0


def opens_with_a_tag(p: str, n: str) -> bool:
    """Does the block ``n`` after a cut open with a speaker tag (``MODERATOR: …``, ``Q: …``; Latin script)?

    A tag opens a paragraph: a copy that reads across into it (``… based on
    computer MODERATOR: PAGERANK …``) merged two paragraphs and attests
    nothing.  Written as a tag is, capital first (``http://`` is no tag), and
    after a lowercase word, or in capitals after a word that is not:
    ``… in Dynamic`` / ``Programming: 1. …`` is a name going on.

    >>> opens_with_a_tag("based on computer", "MODERATOR: PAGERANK (PR) REFERS"), opens_with_a_tag("based on", "science, mathematics")
    (True, False)
    >>> opens_with_a_tag("see", "http://x.org"), opens_with_a_tag("four steps in Dynamic", "Programming: 1. Characterise")
    (False, False)
    >>> opens_with_a_tag("LIKE THE GENERAL ALGORITHM", "BELOW: PR(A) = …"), opens_with_a_tag("There are", "MODERATOR: 1. CHARACTERISE")
    (False, True)
    >>> opens_with_a_tag("OF A HYPERLINKED SET", "MODERATOR: Inheritance is a method of forming new classes")
    True
    """
    n = n.lstrip()
    end = strip_marker(n)
    if not n[:1].isupper() or end <= strip_marker(n, LIST_MARKERS_ONLY):
        return False
    word = n[:end].split(":")[0].split("：")[0].strip()
    last = (p.split()[-1:] or [""])[0]
    # (in capitals on both sides a word and a colon may be the sentence going on: ``… ALGORITHM`` / ``BELOW:``,
    # unless the case changes after it: ``… HYPERLINKED SET`` / ``MODERATOR: Inheritance is …`` is a tag)
    return last[:1].islower() or (word.isupper() and (not last.isupper() or _not_in_capitals(n[end:])))


def _not_in_capitals(text: str) -> bool:
    """Are the first words of ``text`` (two letters or more, up to :data:`_CAPITALS_WORDS`) not all capitals?"""
    words = [w for w in re.findall(r"[^\W\d_]+", text[:200]) if len(w) > 1][:_CAPITALS_WORDS]
    return bool(words) and not all(w.isupper() for w in words)




def opens_after_a_tag(opening: str, text: str) -> bool:
    """Does another block of ``text`` (blocks parted by NUL: stitching's reading of the document) open with ``opening`` after a speaker tag or list marker?

    A copy that dropped its tag (``BAYE'S THEORM …`` beside ``Q: BAYE'S THEORM …``) opens as its other copies
    do once their tags are read: a paragraph, not the rest of the block before it.
    """
    i = text.find(opening)
    while i >= 0:
        start = text.rfind("\x00", 0, i) + 1
        if start < i and strip_marker(text[start : i + len(opening)]) == i - start:
            return True
        i = text.find(opening, i + 1)
    return False
