"""Chinese documents: cuts whose copies are damaged right at the cut (brief h-zh4, issue 13).

Minimal shapes of documents of ``benchmarks/quality_clean.py --sets zh`` that
the cleaner got wrong, each shown failing on the code before its fix;
:func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

GUARD = "一是弟陈徽，太子左卫率，淮南王司马允讨赵王司马伦，曾集结东宫兵在宫内响应淮南王。"
FISH = "二是鲑形目鲑科的一种，被IUCN列为次级保育类动物。"


def test_a_cut_with_a_character_doubled_right_after_it_is_rejoined() -> None:
    """``…太子左`` / ``卫卫率，…``: the whole copy reads ``左卫率`` across the cut once ``卫卫`` is read once.

    No copy read ``左卫卫率``, so the cut stayed and the paragraph was printed
    in two (zh document 9: 9 % CER).  The doubled ``卫`` itself is the repairs'
    business (one copy against one: no majority), so it is read once here.
    """
    cut = GUARD.index("卫")
    doc = "\n\n".join([GUARD[:cut], GUARD[cut] + GUARD[cut:], FISH, "三是" + GUARD[2:], FISH]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert [p.replace("卫卫", "卫") for p in out] == [GUARD, FISH]


WATER = "二是谢克昌委员说，饮用水安全方面涉及水利、林业、农业、环保、建设、国土等多个行政管理部门，这些部门之间信息难共享。"
LAW = "三是朱永新委员说，“我们现在还没有关于饮用水安全的法律。”"


def test_a_paragraph_printed_once_is_rejoined_across_a_common_word() -> None:
    """``…涉及水利、林`` / ``业、农业…``, printed once: ``林业`` is a common word, the cut is rejoined.

    No copy reads across the cut and the page writes ``林业`` nowhere else, so
    the paragraph stayed in two (zh document 264, zh-sample-like 5: ``…无足`` / ``够…``).
    """
    cut = WATER.index("业")
    doc = "\n\n".join([FISH, WATER[:cut], WATER[cut:], LAW]) + "\n"
    assert paragraphs(clean_checked(doc)) == [FISH, WATER, LAW]


def test_a_truncated_copy_before_a_speaker_stays_apart() -> None:
    """``…回到家中帮`` / ``主持人：…``: a common word read across (``帮主``) is no evidence before a speaker tag."""
    head = "四是据知情人介绍，当天下午警方带着他回到家中帮忙整理证据，随后又将他送回了派出所。"
    doc = "\n\n".join([head[: head.index("忙")], "主持人：" + LAW[2:], FISH]) + "\n"
    assert paragraphs(clean_checked(doc)) == [head[: head.index("忙")], "主持人：" + LAW[2:], FISH]


SEATS = "与将军生活起居之处“奥”距离最近的席次是溜间、雁间、菊间广缘、帝鉴间以及主要由谱代大名入座的席位。"
RANK = "论官位和石高，大廊下和大广间的亲藩、外样大名是要超过前者的，但他们与将军的亲疏则要远于谱代大名们。"


def test_a_swapped_copy_keeps_its_speaker_tag_before_the_second_sentence() -> None:
    """``发言人：X。Y。`` kept, a copy ``发言人：Y。X。``: the tagged ``Y`` is the kept ``Y``, and the copy goes.

    The tag made ``发言人：Y`` say more than the kept ``Y``, so it stayed as a
    near-duplicate (zh document 285: 8 % CER); the rule that lets the tag go
    with the copy when the kept paragraph opens with it was English only.
    """
    doc = "\n\n".join(["发言人：" + SEATS + RANK, FISH, "发言人：" + RANK + SEATS, FISH]) + "\n"
    assert paragraphs(clean_checked(doc)) == ["发言人：" + SEATS + RANK, FISH]


ANNIVERSARY = "６、纪念国际人道法签订６０周年"


def test_copies_renumbered_before_the_item_number_do_not_vote_it_in_again() -> None:
    """``６、纪念…`` and two copies ``四是６、纪念…``: the first keeps one ``６、``.

    Consensus read the copies with only ``四是`` left out and the first copy
    with ``６、`` left out, so two copies voted ``６、`` into it (zh-sample-like document 21).
    """
    doc = "\n\n".join([ANNIVERSARY, FISH, "四是" + ANNIVERSARY, "二是" + ANNIVERSARY]) + "\n"
    assert paragraphs(clean_checked(doc)) == [ANNIVERSARY, FISH]


PRINCE = "四是任城王刘佗（？－？）为河间贞王刘建之子，东汉第5代（末代）任城王。"


def test_a_copy_whose_sentences_all_go_leaves_no_marks_behind() -> None:
    """``七是－？）为河间…`` after the whole ``…刘佗（？－？）为河间…``: the copy goes whole, not ``七是－？）`` left.

    ``？`` ends a sentence even inside ``（？－？）``; the copy's sentences all
    went as repeats, and the pieces between them, no word, stayed as a
    paragraph (zh documents 185 and 55).
    """
    doc = "\n\n".join([PRINCE, FISH, "七是－？）" + PRINCE[PRINCE.index("为河间") :], FISH]) + "\n"
    assert paragraphs(clean_checked(doc)) == [PRINCE, FISH]


TOWN = "王磊：沙托讷夫（Châteauneuf，ʃatonœf）是法国索恩-卢瓦尔省的一个市镇，属于沙罗勒区。"


def test_a_truncated_copy_mostly_in_latin_letters_goes() -> None:
    """``沙托讷夫（Châteauneuf，ʃatonœf）是法国`` after the whole paragraph: a truncated copy, and it goes.

    Mostly Latin letters, its key kept spaces between words, as English does,
    while the kept paragraph's key has none; the 3-gram index found nothing
    like it and the copy stayed (zh document 81: 4 % CER).
    """
    doc = "\n\n".join([TOWN, FISH, TOWN[3 : TOWN.index("索恩")], FISH]) + "\n"
    assert paragraphs(clean_checked(doc)) == [TOWN, FISH]


PRIZE = "发言人：主办方从投票网友中随机抽选出３０名幸运获奖者，他们将获得价值２００元的眼霜一瓶。奖品已于２０１１年５月４日统一寄出。［详细］［卫士奖官方网站］［ＷＣＳ中国项目官方微博］"


def test_a_first_copy_cut_inside_its_closing_links_is_completed() -> None:
    """``…寄出。［详细］［卫士奖官`` first, the whole paragraph later: the links are completed at the first place.

    The whole copy's last sentence is links (``［卫士奖官方网站］［…微博］``), no
    full stop, so it was not read as a finished reading to complete from; the
    later copy's links stayed as a paragraph of their own (zh document 74: 5 % CER).
    """
    doc = "\n\n".join([PRIZE[: PRIZE.index("方网站")], FISH, PRIZE, FISH]) + "\n"
    assert paragraphs(clean_checked(doc)) == [PRIZE, FISH]
