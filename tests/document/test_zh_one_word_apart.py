"""Chinese documents: sentences one word apart are two sentences (brief h-zh4, issue 13).

Each test is the minimal shape of a document of ``benchmarks/quality_clean.py
--sets zh,zh-issue13`` that the cleaner got wrong, shown failing on the code
before its fix; :func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

from dedup.invariant import covers

OFFICE = "一是作品名称：安全驾驶－－这是汽车系列之不要把你的汽车当成办公室"
RESTAURANT = "二是作品名称：安全驾驶－－这是汽车系列之不要把你的汽车当成餐厅"
AUTHOR = "三是作者：肖永鸿、罗豫、李国成／中山大学"


def test_two_list_items_one_word_apart_both_stay() -> None:
    """``…当成办公室`` and ``…当成餐厅``: a word replaced by another word is new content, not a typo.

    The covering rule allowed two characters of the sentence unmatched, so
    ``餐厅`` opposite ``办公`` read as a typo and the second item went as a
    duplicate of the first (zh document 16, zh-issue13 document 170: 16 % and
    13 % CER, two sentences lost each).
    """
    doc = "\n\n".join([OFFICE, AUTHOR, RESTAURANT, OFFICE, RESTAURANT]) + "\n"
    assert paragraphs(clean_checked(doc)) == [OFFICE, AUTHOR, RESTAURANT]


def test_a_replaced_word_is_not_covered_but_a_typo_is() -> None:
    """The predicate itself: two adjacent characters that are a word, opposite another word, are not a typo."""
    kept = "安全驾驶这是汽车系列之不要把你的汽车当成办公室"
    assert not covers(kept, "安全驾驶这是汽车系列之不要把你的汽车当成餐厅")
    assert covers(kept, "安全驾驶这是汽车系列之不要把你的汽车当成办公宝")  # one character: a typo
    assert covers("推进义务教育优质均衡发展办好人民满意的教育", "推进义务教肓优质均衡发展办好人民满意的教育")


def test_a_copy_with_one_typo_still_goes() -> None:
    """The rule leaves typo copies alone: ``经废`` for ``经费`` is the same sentence, and goes."""
    p = "一是所需经费由自治区各级财政补助为主，切实加强经费保障。"
    doc = "\n\n".join([p, AUTHOR, "二是" + p[2:].replace("经费保障", "经废保障")]) + "\n"
    assert paragraphs(clean_checked(doc)) == [p, AUTHOR]


FILM = "一是仆のヒーローアカデミア THE MOVIE ヒーローズ:ライジング"
NOVEL = "二是仆のヒーローアカデミア　THE　MOVIE　ヒーローズ : ライジング　ノベライズ　みらい文库版"


def test_a_title_and_a_longer_title_both_stay() -> None:
    """A film's title, then its novel's (the same words, then ``　ノベライズ　みらい文库版``): two titles.

    The longer one extended the first in place and went as its copy, so the
    film's title was gone (zh-issue13 documents 181 and 137: 13 % and 6 % CER).
    """
    doc = "\n\n".join([FILM, AUTHOR, NOVEL]) + "\n"
    assert paragraphs(clean_checked(doc)) == [FILM, AUTHOR, NOVEL]


def test_a_first_copy_cut_inside_a_title_is_still_completed() -> None:
    """``…ヒーローズ:ライジング　ノベラ`` first, the whole title later: the cut end is completed (no space before it)."""
    doc = "\n\n".join([NOVEL[: NOVEL.index("イズ")], AUTHOR, "三是" + NOVEL[2:]]) + "\n"
    assert paragraphs(clean_checked(doc)) == [NOVEL, AUTHOR]


PLAN = "五是黄怒波指出，计划是将一半的家产都捐给北大，１０　年内将会逐步实施这个计划。我的计划是一半的家产都捐给北大，１０　年内将会逐步实施这个计划。"


def test_a_paragraph_that_says_a_sentence_again_in_other_words_keeps_both() -> None:
    """``…指出，计划是将一半的家产…。我的计划是一半的家产…。``: the quote after the report is the page's own text.

    The second sentence differs by ``我的`` / ``将``, within the tolerance of a
    repeat anywhere in the document, and went as a repeat of the sentence
    before it in its own paragraph (zh-issue13 documents 174, 86, 288, zh 46: 4 % CER each).
    """
    doc = "\n\n".join([AUTHOR, PLAN]) + "\n"
    assert paragraphs(clean_checked(doc)) == [AUTHOR, PLAN]
    copies = "\n\n".join([PLAN, AUTHOR, "三是" + PLAN[2:]]) + "\n"
    assert paragraphs(clean_checked(copies)) == [PLAN, AUTHOR]
