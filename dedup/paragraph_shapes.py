"""What a paragraph's text looks like, for the sentence-level merge (:mod:`dedup.reconstruct`): a title
a longer title goes on from, the marks a removed copy leaves, Latin words keyed as English inside Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .chardata import HAN_CLASS
from .fingerprint.keys import KeyConfig
from .invariant import remembered_is_cjk as is_cjk
from .invariant import remembered_sentence_key as sentence_key
from .segment import ends_sentence

#: a Han character
_HAN = re.compile(f"[{HAN_CLASS}]")


def longer_title(kept: str, paragraph: str, sentence: str, inserts: Sequence[tuple[int, str]]) -> bool:
    """Is ``sentence`` a longer title than the title ``kept``, not its cut-off end (CJK)?

    ``仆のヒーローアカデミア THE MOVIE ヒーローズ:ライジング`` (a paragraph of its
    own, no sentence end) and later ``…ライジング　ノベライズ　みらい文库版``: the
    page names the film, then its novel.  A first copy cut short is cut
    between two characters of a word; words that go on after a space, from a
    title to a title that does not end a sentence either, are another title.
    """
    if len(inserts) != 1 or not is_cjk(kept) or paragraph.strip() != kept.strip():
        return False
    at, words = inserts[0]
    return at >= len(kept.rstrip()) and words[:1].isspace() and not ends_sentence(kept) and not ends_sentence(sentence)


def marks_left(rest: Sequence[str], keys: KeyConfig) -> bool:
    """Is what a paragraph's removed sentences leave only marks and list markers, no word (``－？`` of ``刘佗（？－？）``)?

    ``？`` ends a sentence even inside ``（？－？）``, so a copy whose every
    sentence goes leaves the pieces between them; printed alone they say nothing.
    """
    return any(r.strip() for r in rest) and not any(sentence_key(r, keys) for r in rest)


def latin_words_in_chinese(key: str) -> bool:
    """Is ``key`` mostly Latin words with Han characters among them (``沙托讷夫 châteauneuf ʃatonœf 是法国``)?

    Its words keep their spaces, as in English; the paragraph it was cut
    from is mostly Chinese, and its key (the kept text) has none: read
    without them, the 3-grams of the index find it.
    """
    return " " in key and not is_cjk(key) and _HAN.search(key) is not None


def introduces_a_list(paragraph: str) -> bool:
    """Does ``paragraph`` end with a colon (``…也参与了认捐（仅为部分）：``), the items to follow?

    Such a paragraph is finished without a full stop: a first copy cut short
    inside its last sentence is completed from it.
    """
    return paragraph.rstrip().endswith(("：", ":"))


def merged_inside(inserts: Sequence[tuple[int, str]], kept: str) -> bool:
    """Does a Chinese copy's alignment with the kept sentence ``kept`` open a line inside it?

    ``inserts`` are (position in ``kept``, words) the copy adds.  A copy that merged
    the next paragraph (``…篇章`` ⏎ ``记者：大作文章…``) aligned with a kept sentence a
    completion made whole (``…篇章文革。…``) puts the line break *inside* it, and its
    other words between the kept characters (``文章…革``): it extends nothing.

    >>> merged_inside([(6, "\\n记者：大作"), (7, "章深秋意旨")], "游戏曾子墨篇章文革")
    True
    >>> merged_inside([(9, "\\n四是在地堡")], "游戏曾子墨篇章文革"), merged_inside([(6, "，确保农民增收")], "游戏曾子墨篇章文革")
    (False, False)
    """
    return is_cjk(kept) and any(at < len(kept) and words[:1] == "\n" for at, words in inserts)
