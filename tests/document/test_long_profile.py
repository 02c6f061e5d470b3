"""Regression tests for what the long profile of the content invariant found (issue 13, 10,000 examples a language).

Each test is the minimal shape of one falsifying example of
``test_property_invariant_on_damaged_*`` (tests/document/test_nothing_lost.py),
run with ``HYPOTHESIS_PROFILE=long``; the docstring says which run found it.
"""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check

# -- en, long profile at 5,000 on 2f55db9 (example 4,180) ---------------------------------------

EARLIER = (
    "The weather service recorded a report on rural broadband by counting every household. "
    "Our survey team measured a plan for the northern bridge at a cost nobody had expected, and a second meeting was set for June."
)
CAPS_HEAD = "4. THE OLD LIGHTHOUSE KEEPER REPAIRED A STUDY OF MIGRATING GEESE BY COUNTING EVERY HOUSEHOL"
CAPS_TAIL = "D. OUR SURVEY TEAM MEASURED A PLAN FOR THE NORTHERN BRIDGE AT A COST NOBODY HAD EXPECTED."
CAPS_WHOLE = "2. THE OLD LIGHTHOUSE KEEPER REPAIRED A STUDY OF MIGRATING GEESE BY COUNTING EVERY HOUSEHOLD. OUR SURVEY TEAM MEASURED A PLAN FOR THE NORTHERN BRIDGE AT A COST NOBODY HAD EXPECTED."


def test_a_capitals_cut_before_an_initial_like_opening_is_accounted_for() -> None:
    """``… EVERY HOUSEHOL`` / ``D. OUR SURVEY …``, and a whole copy reading ``HOUSEHOLD. OUR SURVEY`` later.

    In the input the two halves read as one sentence (``D.`` looks like an
    initial).  Joined, they are two: the first stays in its own paragraph, the
    second goes as a repeat of the earlier paragraph, which says it (case aside)
    in a longer sentence.  Each is in the output, so the invariant holds; the
    checker used to ask the earlier paragraph for both and flagged a loss.
    """
    doc = "\n\n".join([EARLIER, CAPS_HEAD, CAPS_TAIL, CAPS_WHOLE]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    joins = [e for e in r.report.edits if e.rule == "stitch.cut_paragraph"]
    assert [(e.before, e.after) for e in joins] == [("\n\n", "")], joins  # HOUSEHOL + D: one word
    assert "EVERY HOUSEHOLD." in r.text
    folded = r.text.casefold()
    assert folded.count("our survey team measured a plan for the northern bridge at a cost nobody had expected") == 1, r.text


def test_a_sentence_of_a_joined_cut_removed_without_a_holder_is_still_flagged() -> None:
    """The checker's joined reading accepts a sentence in its own unit only if it is really there.

    The same report with the second sentence's removal pointed at a unit that
    does not say it must be flagged: the own-unit reading cannot excuse it.
    """
    doc = "\n\n".join([EARLIER, CAPS_HEAD, CAPS_TAIL, CAPS_WHOLE]) + "\n"
    r = clean(doc)
    report = r.report.to_dict()
    removed = [e for e in report["edits"] if e["rule"] == "dedup.duplicate_sentence" and e["before"].startswith("OUR SURVEY")]
    assert removed, report["edits"]
    # point the removal at the whole copy's unit, which is itself removed: nothing there says the sentence
    whole_unit = max(u["id"] for u in report["units"])
    for e in removed:
        e["evidence"] = {"duplicate_of_unit": whole_unit}
    from dedup.invariant import content_problems

    assert any("OUR SURVEY" in p or "4. THE OLD" in p for p in content_problems(doc, report)), report["edits"]


# -- zh, long profile at 10,000, --hypothesis-seed=1 (example 4,086) ----------------------------

CUT_HEAD = "书本建议称得上知识他们，火车站长沙行情构造运动赤字起用这时候，孝感市出炉大脑"
CUT_END = "舰船。紧要关头丹江口秦皇岛部属。"
NEXT = "短缺滚落巧匠秭归国内外全年袖子纪念日，用户大港换成若干叔叔必读海盗布鞋。天鹅重修巡抚莲蓬大中型羌族舰艇，河里转发对面动怒，一应二三之用。"


def test_a_chinese_copy_cut_short_and_run_into_the_next_paragraph_is_accounted_for() -> None:
    """``六是…孝感市出炉大脑五是短缺…``: a copy cut short where the first one was, merged with the next item.

    Its first "sentence" is the beginning of a kept sentence (``…大脑舰船。``),
    the next item's marker, and the next item's first sentence whole: every
    character is in the output.  The checker read that shape in English only
    (:func:`dedup.merged_copy.cut_then_whole`) and flagged a loss.
    """
    doc = "\n\n".join(["四是" + CUT_HEAD, "五是" + NEXT, "一是" + CUT_HEAD + CUT_END, "六是" + CUT_HEAD + "五是" + NEXT]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    assert r.text == "四是" + CUT_HEAD + CUT_END + "\n\n五是" + NEXT + "\n", r.text


def test_a_chinese_merged_copy_with_a_word_of_its_own_is_still_flagged() -> None:
    """A merged copy that adds a word between the two pieces is not said by them.

    ``…大脑还有短缺…`` (``还有`` is no list marker) says a word the kept text
    lacks: removing it as a repeat loses that word.
    """
    from dedup.invariant import said_by, sentence_key

    kept = [sentence_key("四是" + CUT_HEAD + "舰船。"), sentence_key(NEXT.split("。")[0] + "。")]
    assert said_by(kept, sentence_key("六是" + CUT_HEAD + "五是" + NEXT.split("。")[0] + "。"))
    assert not said_by(kept, sentence_key("六是" + CUT_HEAD + "还有" + NEXT.split("。")[0] + "。"))
    # a beginning that is no kept sentence's beginning is not this shape (the typo tolerance of
    # :func:`dedup.invariant.covers` may still accept one character, as for any copy)
    from dedup.merged_copy import cut_then_whole_cjk

    assert cut_then_whole_cjk(sentence_key("六是" + CUT_HEAD[:-2] + "小脑" + NEXT.split("。")[0] + "。"), kept) is None


# -- zh, long profile at 10,000, --hypothesis-seed=2 (example 2,555) ----------------------------

ITEM_BODY = "突兀属下七名细问克服美学，竞争力淡水湖物理学家召见定为诅咒实实在在巴里，粉丝节制为所欲为威震。"
ITEM_CUT = "定额络绎不绝"
ITEM_END = "人数。边防载入批准改革。"
NEXT_ITEM = "三是食欲逊色独唱，孙家拐变乱走来，县上成绩著称底层，心中周全同时靠山感性太史外阴简朴。"


def test_a_chinese_copy_cut_a_few_characters_into_a_sentence_and_run_into_the_next_item() -> None:
    """``…威震。定额络绎不绝`` ⏎ ``三是食欲…``: the merged copy's head is only six characters long.

    The first copy is cut after ``定额络绎不绝``, a later one is whole, and a
    third copy, cut at the same point, runs into the next item across a single
    line break.  The next item's marker ``三是`` shows where the item began, so
    the short head (the beginning of the kept ``定额络绎不绝人数。``) is said.
    """
    doc = "\n\n".join(["二是" + ITEM_BODY + ITEM_CUT, NEXT_ITEM, "三是" + ITEM_BODY + ITEM_CUT + ITEM_END, "二是" + ITEM_BODY + ITEM_CUT + "\n" + NEXT_ITEM]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    assert r.text == "二是" + ITEM_BODY + ITEM_CUT + ITEM_END + "\n\n" + NEXT_ITEM + "\n", r.text


def test_a_short_head_needs_the_marker() -> None:
    """Without a list marker after it, a six-character beginning of a kept sentence is no evidence of a merge."""
    from dedup.invariant import sentence_key
    from dedup.merged_copy import cut_then_whole_cjk

    kept = [sentence_key(ITEM_CUT + ITEM_END.split("。")[0]), sentence_key(NEXT_ITEM)]
    assert cut_then_whole_cjk(sentence_key(ITEM_CUT + NEXT_ITEM), kept) is not None  # marker 三是 between
    assert cut_then_whole_cjk(sentence_key(ITEM_CUT + NEXT_ITEM[2:]), kept) is None  # none: too short a head


# -- zh, long profile at 10,000, --hypothesis-seed=5 (example 6,017), on the merged 12bdc94 ---------

LEAD = "诗作捕捞说好，闯王放过自由人西湖杉木吴少勋动物地方。千军万马欧阳锋躬身开放客户刘亦菲，跟踪血液十八年有着重心时候阶段飞架。游戏独裁者代"
REPORTER = (
    "记者：大作文章深秋意旨。苗族师大县政府身高。生产平日男性一级大爷肃立。水族开放网络秘书针对，赵钱孙狰狞充当巴勒斯坦集散地问及招收。"
    "西侧机密名位博雅中华民族直辖市全省武官，警方人心下回分解充分，镇上顿时阐释廖锡龙面板明太子太忽然。讲话工人普遍性四位原油市中心，授权菲尼克斯族人激化第一北平累死以及。"
)
FOURTH = (
    "四是穷人词条逃走科威特研究晋国服役，交易恩爱碎裂思维大腿经受目前成祖大，等价袁承志知名人士勇于。腹腔意外科学家各司其职总参谋部权分立附有得到，讲求攻略哆嗦北京库克困扰。"
    "地域失衡采用阿拉木图汽配化工。\n五是图道多吉环绕不管，一一它们奖励高中整合五中全会纤夫。了不起庄太后姜声扬事业，二十五年参见公积金雪山尊重总产值父亲，用水宋元试想创出，"
    "世世代代余座董家标本必须农作物国际堂上。冰岛两艘烟头。法老幼体黄格选是否是恭维传统香港特区传递，结成责任炎热转过自动收入冰川。"
)


def test_a_copy_merged_with_the_next_paragraph_does_not_extend_a_completed_sentence() -> None:
    """``…篇章`` (cut) completed to ``…篇章文革。…`` by one copy; another copy ran into the next paragraph.

    That copy (``…篇章`` ⏎ ``记者：大作文章…``) aligns with the completed sentence
    by putting its line break inside it and ``章深秋意旨`` between ``文`` and
    ``革``: an "extension" that took ``文革`` apart, which ``check`` flagged.  A
    Chinese copy that opens a line inside the kept sentence extends nothing.
    """
    copy = "五是" + LEAD + "数曾子墨篇章文革。权威水洞被子植物集散地现场侵入将官，停放坏死四天考试院德"
    doc = "\n\n".join(["二是" + LEAD + "代数曾子墨篇章", copy, "二是" + LEAD + "数曾子墨篇章\n" + REPORTER, FOURTH]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    assert "篇章文革。权威水洞" in r.text and REPORTER in r.text, r.text
