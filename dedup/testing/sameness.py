"""When two sentences or paragraphs of a source are the same text, as the measurer sees them, and where a
sentence's final mark is not its end: the rules :func:`dedup.testing.make_damaged_document` keeps its truth
exact with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .sentences import is_cjk_text, normalize_sentence, split_sentences


def content_key(normalized: str) -> str:
    """The words of a sentence: letters, digits and CJK characters, case-folded (punctuation and spaces aside)."""
    return "".join(c for c in normalized.casefold() if c.isalnum())


def without_repeats(source: Sequence[list[str]]) -> list[list[str]]:
    """The source paragraphs (as sentences), each text once: a paragraph that says what an earlier one says goes.

    Pages repeat their own paragraphs (a form asks ``１７、志愿服务时间（…）``
    after ``志愿服务时间（…）``); a cleaner cannot tell that repeat from the
    damage it removes, so a truth that kept both would count its removal as a
    loss.  "Says the same" is the measurer's own sameness: the same words,
    list markers, case and punctuation aside (:func:`content_key`).
    """
    seen: set[tuple[str, ...]] = set()
    out = []
    for sents in source:
        key = tuple(content_key(normalize_sentence(s)) for s in sents)
        if sents and key not in seen:
            seen.add(key)
            out.append(sents)
    return out


#: brackets and quotes a sentence may open (their closers in the same order)
_BRACKETS = ("（《“「(【", "）》”」)】")


def ends_inside_brackets(sentence: str) -> bool:
    """Does ``sentence`` end inside a bracket it opened (``刘博（？`` of ``刘博（？–174年）``)?

    Its final mark is then not the end of a sentence: a clause inserted before it
    would land inside the bracket (``刘博（，通称松溜？–174年）``), which no copy reads.
    """
    return any(sentence.count(o) > sentence.count(c) for o, c in zip(*_BRACKETS))


def written_in_capitals(sentence: str) -> bool:
    """Two words or more, every word of two letters or more upper case (``A 0.`` is upper case to :meth:`str.isupper`)."""
    words = [w for w in re.findall(r"[A-Za-z]+", sentence) if len(w) > 1]
    return len(words) >= 2 and all(w.isupper() for w in words)


def opens_with_a_word(sentence: str) -> bool:
    """Does ``sentence`` open with a letter or digit, so that a phrase put before it reads as a page's would?

    A source sentence may open with a stray mark (``. Bayes' Theorem``, after ``… circles. .``);
    ``In the U.S. and elsewhere, i.e. in most places, . Bayes' Theorem`` is no sentence any page writes.

    >>> opens_with_a_word(". Bayes' Theorem"), opens_with_a_word("Bayes' Theorem"), opens_with_a_word("1940s")
    (False, True, True)
    """
    return sentence[:1].isalnum()


def closes_a_sentence(clause: str) -> bool:
    """Can an English clause end a sentence: no bracket or quote left open, no abbreviation last (``… patented (U.S``)?"""
    return clause.count("(") == clause.count(")") and not clause.count('"') % 2 and len(split_sentences(f"Text{clause}. Next one.")) == 2


def source_sentences(paragraph: str) -> list[str]:
    """The sentences of a source paragraph as the generator damages them: in English a piece that
    ends inside a bracket it opened goes on into the next (``… patented (U.S.`` / ``Patent 6,285,999 ).``).

    :func:`split_sentences` ends a sentence after ``U.S.`` before a capital; a phrase inserted there,
    or a swap of the two pieces, would put words inside the bracket, where no copy of a real page has them.

    >>> source_sentences("It was patented (U.S. Patent 6,285,999 ). It is assigned to Stanford.")
    ['It was patented (U.S. Patent 6,285,999 ).', 'It is assigned to Stanford.']
    """
    pieces = split_sentences(paragraph)
    if is_cjk_text(paragraph):
        return pieces  # (Chinese pages are left as they were split: their benchmark documents stay the same)
    out: list[str] = []
    for piece in pieces:
        if out and ends_inside_brackets(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
