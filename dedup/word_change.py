"""A word said instead of another: what tells two list items one word apart from a copy with typos.

The content invariant (:mod:`dedup.invariant`) lets scattered typos pass when
it asks whether a kept sentence covers a copy's; a run of two characters that
is a word of jieba's lexicon, opposite another word, is not a typo but new
content.  Apart from the invariant so that it imports the lexicon below it.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .fingerprint.keys import is_cjk

#: sentences longer than this are not aligned here (partial alignment is quadratic in their length)
ALIGNED_AT_MOST = 2_000


#: a run of a sentence this long or longer, opposite as many other characters, may be another word
_WORD_RUN = 2


def replaces_a_word(sentence: str, text: str) -> bool:
    """Does ``sentence`` (CJK keys) say, at one place, another word than the stretch of ``text`` most like it?

    Two list items one word apart (``…当成办公室`` / ``…当成餐厅``) differ by a
    run of two characters, which :data:`CLUSTER` (and :data:`GLOBAL` in a
    sentence of 20 characters) lets pass as scattered typos.  A typo changes,
    doubles or drops one character; two adjacent characters of the sentence
    that are a word (jieba's lexicon), opposite two or more characters of
    ``text`` that begin another word, are that other word: new content.
    Asked only once the alignment has passed, so it costs nothing on most sentences.

    >>> replaces_a_word("不要把你的汽车当成餐厅", "不要把你的汽车当成办公室")
    True
    >>> replaces_a_word("不要把你的汽车当成办公宝", "不要把你的汽车当成办公室")
    False
    """
    if len(sentence) > min(len(text), ALIGNED_AT_MOST) or not is_cjk(sentence) or " " in sentence:
        return False  # (past ALIGNED_AT_MOST the alignment is quadratic: a 50,000-character paragraph took minutes)
    al = fuzz.partial_ratio_alignment(sentence, text)
    if al is None:
        return False
    # the stretch is as long as the sentence at most: a word the sentence ends with may face a
    # longer one (``餐厅`` / ``办公室``) that it leaves outside; read a little more on each side
    short = len(sentence) - (al.dest_end - al.dest_start) + _WORD_RUN
    lo, hi = max(0, al.dest_start - short), min(len(text), al.dest_end + short)
    stretch = text[lo:hi]
    from .lexicon import lexicon  # (only here: loading the lexicon is paid by the few sentences that ask)

    words = lexicon()
    equal = [op for op in Indel.opcodes(sentence, stretch) if op.tag == "equal"]
    if not equal:
        return False
    first, last = equal[0], equal[-1]
    # before the first and after the last aligned character: as many characters of ``text`` as the run has, and one
    if _other_word(sentence[: first.src_start], stretch[: first.dest_start][-first.src_start - 1 :], words):
        return True
    if _other_word(sentence[last.src_end :], stretch[last.dest_end :][: len(sentence) - last.src_end + 1], words):
        return True
    return any(_other_word(sentence[a.src_end : b.src_start], stretch[a.dest_end : b.dest_start], words) for a, b in zip(equal, equal[1:]))


def _other_word(said: str, opposite: str, words: Any) -> bool:
    """Is ``said`` (a run of a sentence) a word, opposite ``opposite`` that begins another word?"""
    if len(said) < _WORD_RUN or len(opposite) < _WORD_RUN or said in opposite or opposite in said:
        return False
    return said in words and any(opposite[:n] in words for n in range(_WORD_RUN, len(opposite) + 1))
