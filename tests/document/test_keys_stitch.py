"""Matching keys ignore markers and form; stitching needs evidence."""

from __future__ import annotations

import pytest

from dedup import clean
from dedup.fingerprint.keys import matching_key, strip_marker
from dedup.normalize.stitch import join_reason


@pytest.mark.parametrize(
    "text,rest",
    [("一是甲", "甲"), ("二、甲", "甲"), ("(一)甲", "甲"), ("（三）甲", "甲"), ("1. 甲", "甲"), ("2、甲", "甲"), ("第一，甲", "甲"), ("①甲", "甲"), ("记者:甲", "甲"), ("1.84亿元", "1.84亿元"), ("第一时间", "第一时间"), ("十是", "十是")],
)
def test_markers(text, rest):
    assert text[strip_marker(text) :] == rest


def test_key_folds_width_case_punctuation_and_markers():
    assert matching_key("四是ＡＢＣ，推进。") == matching_key("三是abc推进")
    assert matching_key("(1) The cat, sat!") == "the cat sat"


def test_stitch_needs_evidence():
    doc = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥保障。\n"
    long_head = "所需经费由自治区各级财政补助为主切实加强经费保"
    assert join_reason(long_head, "障。民办学校", "\n\n", doc) is not None
    assert join_reason(long_head, "障。民办学校", "\n\n\n\n", doc) is None  # two blank lines: a real break
    assert join_reason(long_head, "一是民办学校", "\n\n", doc) is None  # a list item starts
    assert join_reason(long_head + "。", "障。民办学校", "\n\n", doc) is None  # a finished sentence
    assert join_reason("短标题保", "障。民办学校", "\n\n", doc) is None  # a title is not a cut paragraph


def test_english_cut_joins_with_a_space():
    text = "The committee met on Monday and agreed that the budget\n\nwould be reviewed again in March.\n"
    result = clean(text)
    assert result.text == "The committee met on Monday and agreed that the budget would be reviewed again in March.\n"
    assert [e.rule for e in result.report.edits if e.rule.startswith("stitch")] == ["stitch.cut_paragraph"]


def test_english_near_duplicates_use_word_shingles():
    a = "The quick brown fox jumps over the lazy dog near the river bank today."
    b = "The quick brown fox jumped over the lazy dog near the river bank today."
    result = clean(f"{a}\n\n{b}\n\nSomething else entirely different here.\n")
    clusters = result.report.to_dict()["clusters"]
    assert [c["members"] for c in clusters] == [[0, 1]] and clusters[0]["pairs"][0]["accepted"]
    # clustered, but removed only if the kept sentence covers it: "jumped" is no typo of "jumps"
    # (ratio 73 < dedup.invariant.TYPO_RATIO), so both stay — nothing lost beats one repeat fewer
    assert result.text == f"{a}\n\n{b}\n\nSomething else entirely different here.\n"


def test_line_mode_dedups_lines_and_keeps_line_breaks():
    text = "甲乙丙丁戊己庚辛壬癸子丑。\n寅卯辰巳午未申酉戌亥。\n甲乙丙丁戊己庚辛壬癸子丑。\n\n天地玄黄宇宙洪荒日月盈昃。\n"
    from dedup import Config
    from dedup.segment import SegmentConfig

    result = clean(text, config=Config(segment=SegmentConfig(unit="line")))
    assert result.text == "甲乙丙丁戊己庚辛壬癸子丑。\n寅卯辰巳午未申酉戌亥。\n\n天地玄黄宇宙洪荒日月盈昃。\n"


def test_headings_are_never_removed():
    text = "# 标题\n\n正文第一段落的内容在这里出现一次。\n\n# 标题\n\n正文第一段落的内容在这里出现一次。\n"
    result = clean(text)
    assert result.text == "# 标题\n\n正文第一段落的内容在这里出现一次。\n\n# 标题\n"


def test_a_stitched_latin_copy_has_the_key_of_the_whole():
    """``…by the Free`` / ``Software Foundation…`` stitched (a copy reads across) keys like the whole, so they cluster."""
    from dedup.draft import Draft
    from dedup.normalize.stitch import stitch
    from dedup.segment import segment

    whole = "It is published by the Free Software Foundation. If the program is modified,\nthe notice must stay."
    i = whole.index("Free ") + 4
    doc = f"{whole}\n\n{whole[:i]}\n\n{whole[i + 1 :]}\n"
    blocks = segment(doc)
    draft = Draft(doc)
    units = stitch(doc, blocks, draft)
    keys = [matching_key(draft.current(u.span.start, u.span.end)) for u in units]
    assert keys == [matching_key(whole)] * 2
