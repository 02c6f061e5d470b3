"""The sample, end to end: the properties issue 2 asks of its cleaned output."""

from __future__ import annotations

import json
import re

import pytest
from rapidfuzz import fuzz

from dedup import check, clean
from dedup.io.read import decode

# Independent of the library's own splitter and keys: a plain reader's view.
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[是、]|记者[:：]|[^,，。:：]{2,16}[:：])")
_PUNCT = re.compile(r"[\s,，。、；;:：!！?？“”\"'（）()《》]")


def _sentences(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para or para.startswith("#"):
            continue
        for s in re.split(r"(?<=[。！？!?])", para):
            if s.strip():
                out.append(s.strip())
    return out


def _key(sentence: str) -> str:
    return _PUNCT.sub("", _ORDINAL.sub("", sentence))


@pytest.fixture(scope="module")
def result(seed_bytes):
    return clean(seed_bytes)


@pytest.fixture(scope="module")
def source(seed_bytes) -> str:
    return decode(seed_bytes).text


def test_report_accounts_for_everything(result, source):
    assert check(source, result.text, result.report) == []
    # the JSON round trip is what users read
    data = json.loads(result.report.to_json())
    assert data["schema"] == "dedup.report/1"
    assert len(data["blocks"]) == 76  # the count of blank-line paragraphs


def test_no_sentence_twice(result):
    keys = [_key(s) for s in _sentences(result.text)]
    keys = [k for k in keys if len(k) >= 4]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, sorted(dupes)[:3]


def test_every_input_sentence_survives(result, source):
    out_keys = [_key(s) for s in _sentences(result.text)]
    out_all = "".join(out_keys)
    missing = []
    for s in _sentences(source):
        k = _key(s)
        if len(k) < 2 or k in out_keys or k in out_all:
            continue  # present, or a truncated fragment of a present sentence
        best = max(fuzz.ratio(k, o) for o in out_keys)
        if best < 90:  # a repaired typo differs by a character or two
            missing.append(s)
    assert not missing, missing[:3]


def test_cut_paragraphs_are_whole(result):
    assert "切实加强经费保障。" in result.text
    assert "自主学习平台,组织优教师" in result.text
    assert "经费保\n" not in result.text and "平台,组\n" not in result.text


def test_ordinal_copies_collapse(result):
    assert result.text.count("推进义务教育优质均衡发展") == 1
    assert result.text.count("保障方式。所需经费") == 1
    assert result.text.count("拓展监管领域") == 1
    assert result.text.count("保障范围。全区所有义务教育阶段中小学校") == 1
    assert result.text.count("关键措施。在落实") == 1


def test_unique_continuation_kept_once(result):
    assert result.text.count("自治区、盟市、旗县三级全部建立监督举报平台") == 1
    assert result.text.count("民办学校参照公办义务教育阶段学校课后服务经费保障基本标准执行") == 1


def test_trailing_fragments_present(result):
    for needle in ("一台电动牵引重卡", "## 内蒙古面向全球推广冰雪旅游", "把铝锭加工成铝轮毂", "面对这种现状,怎么办?必须改!", "亩均贡献、环保"):
        assert result.text.count(needle) == 1, needle


def test_reading_order_kept(result):
    order = ["# 我区双减工作", "一、加强组织领导", "二、提升教育教学水平", "三、加大治理力度", "八是保障方式", "切实减轻学生负担", "记者:“双减”工作课后服务经费", "12月30日,一台电动", "面对这种现状"]
    pos = [result.text.index(n) for n in order]
    assert pos == sorted(pos)


def test_removed_blocks_name_their_original(result):
    removed = [b for b in result.report.blocks if b["fate"] == "removed"]
    assert len(removed) >= 30
    for b in removed:
        assert b["duplicate_of_blocks"], b
        assert all(d < b["id"] for d in b["duplicate_of_blocks"])
