"""Repairs with evidence: the sample's three typos, reduplication kept, consensus, and no harm to clean text."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, strategies as st

from dedup.draft import Draft, apply_edits
from dedup.normalize.stitch import Unit
from dedup.pipeline import Config, clean
from dedup.repair import RepairConfig, consensus, repair_text, repair_units
from dedup.repair.majority import consensus_repairs
from dedup.report import check
from dedup.segment import segment

ALLOWED_REPAIRS = {
    ("repair.variant_char", "內", "内"),
    ("repair.doubled_char", "立", ""),
    ("repair.dropped_char", "", "实"),
}


def _all_edits(edits):
    for e in edits:
        yield from _all_edits(e.subsumes)
        yield e


def _doc_draft(paragraphs: list[str], config: RepairConfig = RepairConfig()) -> tuple[str, Draft]:
    text = "\n\n".join(paragraphs) + "\n"
    units = [Unit(b.index, (b.index,), b.span, b.kind) for b in segment(text)]
    draft = Draft(text)
    repair_units(draft, units, config)
    return text, draft


# -- the sample -------------------------------------------------------------


def test_sample_three_typos_repaired_with_evidence(seed_bytes):
    result = clean(seed_bytes)
    out = result.text
    assert "主要内容" in out and "主要內容" not in out
    assert "建立政府财政投入为主" in out and "建立立" not in out
    assert "继续贯彻落实中央" in out and "贯彻落中央" not in out
    report = json.loads(result.report.to_json())
    kept = [e for e in report["edits"] if e["rule"].startswith("repair.")]
    by_rule = {e["rule"]: e for e in kept}
    assert set(by_rule) == {"repair.variant_char", "repair.doubled_char", "repair.dropped_char"}
    assert by_rule["repair.variant_char"]["evidence"]["word"] == "内容"
    assert by_rule["repair.doubled_char"]["evidence"]["word"] == "建立"
    assert by_rule["repair.dropped_char"]["evidence"]["word"] == "贯彻落实"
    assert by_rule["repair.dropped_char"]["evidence"]["word_elsewhere"] >= 1


def test_sample_changes_nothing_else(seed_bytes):
    """Every edit is stitching, dedup, layout, or exactly one of the three repairs."""
    text = seed_bytes.decode("utf-8")
    result = clean(seed_bytes)
    for e in _all_edits(result.report.edits):
        family = e.rule.split(".")[0]
        if family in ("stitch", "dedup", "layout"):
            continue
        assert (e.rule, e.before, e.after) in ALLOWED_REPAIRS, e
    assert check(text, result.text, result.report) == []
    assert apply_edits(text, result.report.edits) == result.text


def test_repair_off_changes_no_character(seed_bytes):
    import dataclasses

    result = clean(seed_bytes, config=dataclasses.replace(Config(), repair=RepairConfig(mode="off")))
    assert "建立立" in result.text
    assert not any(e.rule.startswith("repair.") for e in _all_edits(result.report.edits))


# -- doubled characters and words -------------------------------------------


def test_doubled_safe_mode():
    assert repair_text("建立立政府财政投入为主")[0] == "建立政府财政投入为主"
    assert repair_text("see the the report")[0] == "see the report"
    assert repair_text("加强政府政府监管")[0] == "加强政府监管"
    for text in ("发改委体改司司长孔泾源", "中国渔船琼琼海090", "从2010年年底到去年", "她也现在在后悔"):
        assert repair_text(text)[0] == text


@pytest.mark.parametrize(
    "text",
    ["我们常常见面", "南理工大学大学城校区", "局经侦支队支队长", "他天天锻炼", "谢谢大家", "我们研究研究这个问题", "你看看这里", "使用用户数据", "会议议程安排", "上海海关查获", "一届届领导班子", "编织袋厂厂房整洁", "哈哈哈", "明明白白地说"],
)
def test_reduplication_and_word_junctions_kept(text):
    assert repair_text(text)[0] == text


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [("建立立政府财政投入为主", "建立政府财政投入为主"), ("加强政府政府监管", "加强政府监管"), ("see the the report", "see the report"), ("今天他他们的工作很忙", "今天他们的工作很忙")],
)
def test_doubled_removed_in_aggressive_mode(broken, fixed):
    out, edits = repair_text(broken, RepairConfig(mode="aggressive"))
    assert out == fixed
    assert all(e.rule in ("repair.doubled_char", "repair.doubled_word") and e.reason for e in edits)


# -- dropped characters -------------------------------------------------------


def test_dropped_needs_evidence_elsewhere_in_document():
    ok = ["认真贯彻落实中央精神，推动工作落实。", "继续贯彻落中央部署。"]
    _, draft = _doc_draft(ok)
    assert "继续贯彻落实中央部署" in draft.text
    # the same sentence alone has no evidence
    assert repair_text("继续贯彻落中央部署。")[0] == "继续贯彻落中央部署。"
    # 完全落实 is not 全面落实 minus 面
    _, draft = _doc_draft(["全面落实中央精神，推动工作落实。", "完全落实中央部署。"])
    assert "完全落实中央部署" in draft.text


# -- variants ----------------------------------------------------------------


def test_variant_in_simplified_document_converted():
    paras = ["自治区政府教育督导委员会把这项工作作为主要內容，建立常态化督导机制。", "我们要认真学习这些内容，这是关于国家发展的重要问题。"]
    _, draft = _doc_draft(paras)
    assert "主要内容" in draft.text
    (edit,) = draft.edits()
    assert edit.rule == "repair.variant_char" and edit.evidence["document_simplified_chars"] > edit.evidence["document_traditional_chars"]


def test_traditional_document_never_converted_unless_asked():
    trad = ["這是一個關於國家發展的問題，我們要認真學習這些內容。", "政府會繼續推動這項工作，讓學生減輕負擔。"]
    text, draft = _doc_draft(trad)
    assert draft.text == text
    _, draft = _doc_draft(trad, RepairConfig(variants="to_simplified"))
    assert "这是一个关于国家发展的问题" in draft.text


# -- consensus ---------------------------------------------------------------


def test_consensus_majority_wins_and_markers_do_not_vote():
    copies = ["三是推进义务教育优质均衡发展。", "五是推进义务教育优质均衡发展。"]
    (r,) = consensus_repairs("四是推进义务教肓优质均衡发展。", copies)
    assert (r.start, r.end, r.after) == (7, 8, "育")
    assert r.evidence["witnesses"] == 3


def test_consensus_tie_changes_nothing():
    copies = ["推进义务教育优质均衡发展。", "推进义务教肓优质均衡发展。", "推进义务教育优质均衡发展。"]
    assert consensus_repairs("推进义务教肓优质均衡发展。", copies) == []


def test_consensus_through_the_draft():
    paras = ["一是推进义务教肓优质均衡发展，助力政策落实。", "二是推进义务教育优质均衡发展，助力政策落实。", "三是推进义务教育优质均衡发展，助力政策落实。"]
    text = "\n\n".join(paras)
    units = [Unit(b.index, (b.index,), b.span, b.kind) for b in segment(text)]
    draft = Draft(text)
    consensus(draft, units, [0, 1, 2], 0, 7)
    assert draft.current(units[0].span.start, units[0].span.end) == "一是推进义务教育优质均衡发展，助力政策落实。"
    (e,) = draft.edits()
    assert e.rule == "repair.consensus" and e.evidence["cluster"] == 7


def test_consensus_in_pipeline_fixes_first_copy():
    p = "自治区成立由二十二个成员单位组成的工作联席会议机制，明确部门工作职责，合力推进工作落实。"
    typo = p.replace("职责", "职债")
    doc = "\n\n".join([typo, "另外一段完全不同的文字内容，讲述别的事情和别的安排。", p, p]) + "\n"
    result = clean(doc)
    assert p in result.text and typo not in result.text
    assert any(e.rule == "repair.consensus" for e in _all_edits(result.report.edits))
    assert check(doc, result.text, result.report) == []


# -- no harm on clean text (hypothesis over real clean corpora) --------------


@pytest.fixture(scope="module")
def clean_sentences(external):
    """Error-free text: wiki-zh-200 lines and the acc_rmrb / acc_xxqg news sentences."""
    wiki = (external / "wiki-zh-200" / "wiki_zh_200.txt").read_text(encoding="utf-8").splitlines()
    public = external / "macro-correct-csc" / "macro_correct" / "corpus" / "text_correction" / "public"
    acc = [d["original_text"] for name in ("acc_rmrb", "acc_xxqg") for d in json.loads((public / f"{name}.tet.json").read_text(encoding="utf-8"))]
    return [s for s in wiki if s.strip()] + acc


@given(data=st.data())
def test_safe_mode_leaves_clean_text_unchanged(clean_sentences, data):
    k = data.draw(st.integers(1, 12))
    start = data.draw(st.integers(0, len(clean_sentences) - k))
    paras = clean_sentences[start : start + k]
    text, draft = _doc_draft(paras)
    assert draft.text == text, [(e.rule, e.before, e.after) for e in draft.edits()]


def _plant(rng: random.Random, text: str) -> str:
    """Double one Han character or drop one, somewhere in ``text``."""
    idx = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if not idx:
        return text
    i = rng.choice(idx)
    return text[: i + 1] + text[i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i + 1 :]


@given(data=st.data())
def test_repair_idempotent_and_replayable(clean_sentences, data):
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    start = data.draw(st.integers(0, len(clean_sentences) - 6))
    paras = [_plant(rng, s) if rng.random() < 0.5 else s for s in clean_sentences[start : start + 6]]
    text, draft = _doc_draft(paras, RepairConfig(mode=data.draw(st.sampled_from(["safe", "aggressive"]))))
    assert apply_edits(text, draft.edits()) == draft.text
    once = draft.text
    _, again = _doc_draft(once.rstrip("\n").split("\n\n"))
    assert again.text == once
    result = clean(text)
    assert check(text, result.text, result.report) == []


# -- plug-in correctors ------------------------------------------------------


class _FakeCorrector:
    """Proposes 职责 for 职债, like a model would."""

    name = "fake"

    def corrections(self, text):
        from dedup.repair.plugins import Correction

        i = text.find("职债")
        return [Correction(i + 1, i + 2, "责", 0.95)] if i >= 0 else []


def test_plugin_corrector_runs_only_when_named():
    from dedup.repair.plugins import register_corrector

    register_corrector("fake", _FakeCorrector)
    text = "明确部门工作职债，合力推进。"
    assert repair_text(text)[0] == text
    out, edits = repair_text(text, RepairConfig(correctors=("fake",)))
    assert out == "明确部门工作职责，合力推进。"
    assert [e.rule for e in edits] == ["repair.model.fake"]


def test_unknown_corrector_is_a_usage_error():
    from dedup.errors import UsageError

    with pytest.raises(UsageError):
        repair_text("建立政府", RepairConfig(correctors=("no-such-model",)))


def test_default_pipeline_imports_no_tokenizer_or_model(seed_bytes, tmp_path):
    """jieba's dictionary is read as data; jieba, pycorrector and torch are never imported."""
    import subprocess
    import sys

    code = (
        "import sys; from dedup.pipeline import clean; "
        f"clean(open({str(tmp_path / 's.txt')!r}, 'rb').read()); "
        "print(sorted(m for m in ('jieba', 'pycorrector', 'torch', 'opencc') if m in sys.modules))"
    )
    (tmp_path / "s.txt").write_bytes(seed_bytes)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
