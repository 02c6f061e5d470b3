"""Unicode stage: ftfy stays CJK-safe, and UTF-8-read-as-GBK mojibake is undone without touching clean text."""

from __future__ import annotations

import json

import ftfy
import pytest
from hypothesis import given, strategies as st

from dedup.normalize.mojibake import badness, fix_gbk_mojibake
from dedup.normalize.unicode import UnicodeConfig, _ftfy_config, fix_unicode, rule_for
from dedup.pipeline import clean
from dedup.report import check


@pytest.fixture(scope="module")
def ftfy_cases(external):
    base = external / "ftfy-test-cases" / "tests" / "test-cases"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(base.glob("*.json"))}


@pytest.fixture(scope="module")
def wiki(external):
    return [l for l in (external / "wiki-zh-200" / "wiki_zh_200.txt").read_text(encoding="utf-8").splitlines() if l.strip()]


def test_cjk_punctuation_and_quotes_untouched():
    s = "全角，标点：（不变）“引号”——《书名》、顿号；问号？"
    assert fix_unicode(s)[0] == s


def test_negative_cases_unchanged(ftfy_cases):
    for case in ftfy_cases["negative"]:
        assert fix_unicode(case["original"])[0] == ftfy.fix_text(case["original"], config=_ftfy_config(UnicodeConfig())), case["label"]
        assert fix_gbk_mojibake(case["original"])[0] == case["original"], case["label"]


def test_every_case_ftfy_fixes_we_fix(ftfy_cases):
    cfg = _ftfy_config(UnicodeConfig())
    fixed_by_ftfy = 0
    for name, cases in ftfy_cases.items():
        for case in cases:
            expected = case.get("fixed-encoding", case["fixed"])
            if ftfy.fix_text(case["original"], config=cfg) == expected:
                fixed_by_ftfy += 1
                assert fix_unicode(case["original"])[0] == expected, (name, case["label"])
    assert fixed_by_ftfy > 100  # the comparison covered the suite, not a handful


def test_gbk_mojibake_repaired():
    s = "我区双减工作取得重要成效"
    broken = s.encode("utf-8").decode("gb18030")
    assert broken.startswith("鎴戝尯鍙屽噺")
    fixed, plan = fix_unicode(broken)
    assert fixed == s and rule_for(plan) == "unicode.gbk_mojibake"
    assert badness(broken) > 0.5 > 0.15 > badness(s)


def test_gbk_mojibake_with_lost_bytes_keeps_loss_visible():
    s = "我区双减工作取得重要阶段性成效，“双减”工作。Test 2021年，自治区党委、政府认真贯彻落实"
    broken = s.encode("utf-8").decode("gbk", errors="replace")
    fixed, _ = fix_unicode(broken)
    assert fixed.startswith("我区双减工作取得重")
    assert "\ufffd" in fixed and "Test 2021年" in fixed


def test_mojibake_paragraph_in_pipeline_is_an_edit():
    good = "自治区党委、政府认真贯彻落实党中央决策部署，把双减作为重大的政治任务。"
    doc = good.encode("utf-8").decode("gbk", errors="replace") + "\n\n另一段正常的文字，讲述别的事情。\n"
    result = clean(doc)
    assert check(doc, result.text, result.report) == []
    assert any(e.rule.startswith("unicode.") for e in result.report.edits)
    assert "治区党" in result.text and "鑷" not in result.text


def test_traditional_and_japanese_text_untouched():
    for s in ("這是一個關於國家發展的問題，我們要認真學習這些內容。", "日本語のテキストはそのままです。東京都", "한국어 텍스트는 그대로입니다"):
        assert fix_unicode(s)[0] == s


@given(data=st.data())
def test_clean_lines_never_touched_and_mojibake_round_trips(wiki, data):
    line = data.draw(st.sampled_from(wiki))
    assert fix_unicode(line)[0] == line
    # an exact (lossless) mojibake comes back exactly
    raw = line.encode("utf-8")
    if len(raw) % 2 == 0 and len(line) >= 4:
        try:
            broken = raw.decode("gb18030")
        except UnicodeDecodeError:
            return
        if broken.encode("gb18030") == raw:
            assert fix_unicode(broken)[0] == line


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_fixer_idempotent_on_arbitrary_text(s):
    once = fix_gbk_mojibake(s)[0]
    assert fix_gbk_mojibake(once)[0] == once


@given(st.text(st.sampled_from(list("双减工作取得成效鍙屽噺宸ヤ綔，。“”\u3000abc 1é\ufffd\ud800𝐀")), max_size=80) | st.text(max_size=80))
def test_badness_counts_as_character_by_character(text):
    """The badness score counted in C is the character-by-character share."""
    from dedup.normalize.mojibake import _badness_reference, badness

    assert badness(text) == _badness_reference(text)
