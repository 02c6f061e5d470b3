"""The damaged-document generator and the content-loss measurer of dedup.testing (issue 13's instrument).

The truth must be self-consistent (what a perfect cleaner prints measures as
perfect, every truth sentence comes from the source and can be read in the
messy text), and the measurer must be able to fail: a deleted sentence, a
dropped clause or a duplicated sentence is caught; a typo left in, a marker
renumbered or a cut left open is not called a loss.
"""

from __future__ import annotations

import dataclasses
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.testing import (
    DAMAGE_CLASSES,
    DocumentTruth,
    counts_as_sentence,
    damaged_documents,
    damaged_set,
    make_damaged_document,
    measure,
    messy_documents,
    normalize_sentence,
    split_sentences,
    synthetic_english_paragraphs,
    synthetic_paragraphs,
    wiki_zh_paragraphs,
)

LANGS = ("zh", "en")
#: classes that change no source sentence (so every truth sentence is a source sentence)
NO_TRANSFORM = tuple(c for c in DAMAGE_CLASSES if c not in ("extend", "abbrev", "caps", "speaker", "fragment"))


def _rejoined(doc) -> str:
    """The messy text with every planted cut joined again (what a perfect stitcher reads)."""
    blocks = doc.text.rstrip("\n").split("\n\n")
    joins = {h: j for h, _t, j in doc.truth.cuts}
    out, i = [], 0
    while i < len(blocks):
        b = blocks[i]
        while i in joins:
            b += joins[i] + blocks[i + 1]
            i += 1
        out.append(b)
        i += 1
    return "\n\n".join(out)


def _check_truth(doc, source: list[str] | None = None) -> None:
    t = doc.truth
    blocks = doc.text.rstrip("\n").split("\n\n")
    assert len(blocks) == len(t.block_source) == len(t.block_kind)
    assert t.expected_text == "\n\n".join(t.paragraphs) + "\n"
    assert t.sentences == tuple(s for p in t.paragraphs for s in split_sentences(p))
    for c in t.corruptions:
        assert c.kind in DAMAGE_CLASSES
        assert -1 <= c.block < len(blocks) and -1 <= c.paragraph < len(t.paragraphs)
    for h, tail, _j in t.cuts:
        assert (t.block_kind[h], t.block_kind[tail]) == ("cut-head", "cut-tail") and tail == h + 1
    # a perfect cleaner's output is measured as perfect
    q = measure(t, t.expected_text)
    assert q.lost == () and q.near_duplicates == () and q.contained == () and q.errors == 0
    # every truth sentence can be read in the messy text once cuts are joined,
    # unless a repair class touched its paragraph (外交交, 爲)
    readable = " ".join(normalize_sentence(p) for p in _rejoined(doc).split("\n\n"))
    repaired = {c.paragraph for c in t.corruptions if c.kind in ("double", "trad")}
    for p_i, p in enumerate(t.paragraphs):
        for s in split_sentences(p):
            assert normalize_sentence(s) in readable or p_i in repaired, s
    if source is not None:
        src = {normalize_sentence(s) for p in source for s in split_sentences(p)}
        for s in t.sentences:
            assert normalize_sentence(s) in src, s


@pytest.mark.parametrize("lang", LANGS)
def test_same_seed_same_document(lang):
    paras = synthetic_paragraphs(3, 5) if lang == "zh" else synthetic_english_paragraphs(3, 5)
    a, b = (make_damaged_document(paras, 11, language=lang) for _ in range(2))
    assert a == b
    assert make_damaged_document(paras, 12, language=lang).text != a.text


@given(st.sampled_from(LANGS).flatmap(lambda lang: damaged_documents(lang)))
def test_truth_is_self_consistent_on_generated_text(doc):
    _check_truth(doc)


@given(st.data())
def test_truth_sentences_come_from_the_source(data):
    lang = data.draw(st.sampled_from(LANGS))
    seed = data.draw(st.integers(0, 10**6))
    paras = synthetic_paragraphs(seed, 4, min_chars=30, max_chars=150) if lang == "zh" else synthetic_english_paragraphs(seed, 4)
    doc = make_damaged_document(paras, seed, language=lang, classes=NO_TRANSFORM)
    _check_truth(doc, paras)


def test_truth_is_self_consistent_on_real_text(external):
    for lang in LANGS:
        for doc in damaged_set(external, lang, 40, seed=5):
            _check_truth(doc)
        for doc in damaged_set(external, lang, 10, seed=6, classes=NO_TRANSFORM):
            _check_truth(doc)


def test_every_class_is_planted_in_both_languages(external):
    """Each failure class (of its script) shows up in generated documents, in Chinese and in English."""
    wiki = wiki_zh_paragraphs(external, min_chars=30)
    for lang in LANGS:
        seen: set[str] = set()
        for seed in range(60):
            rng = random.Random(seed)
            paras = rng.sample(wiki, 5) if lang == "zh" else synthetic_english_paragraphs(seed, 5)
            seen |= make_damaged_document(paras, seed, language=lang).truth.kinds()
        other = {"caps", "linebreak", "abbrev"} if lang == "zh" else {"trad"}
        assert seen == set(DAMAGE_CLASSES) - other, set(DAMAGE_CLASSES) - other - seen


def test_planted_cut_classes_look_as_named():
    doc = make_damaged_document(["今年以来投资扩大。据《经济参考报》报道，2013年投资达到1.2万亿元，比上年增长百分之十二。全年完成计划任务。"] * 1, 0, classes=("cut-bracket",), cut_rate=1.0)
    (h, t, j), = doc.truth.cuts
    head = doc.text.split("\n\n")[h]
    assert head.endswith("《") and j == ""
    doc = make_damaged_document(["The project was published by the Free Software Foundation in Boston. It was widely used."], 0, language="en", classes=("cut-latin",), cut_rate=1.0)
    (h, t, j), = doc.truth.cuts
    blocks = doc.text.rstrip("\n").split("\n\n")
    assert blocks[h][-1].isalpha() and blocks[t][0].isalpha()


def test_extended_copy_puts_the_longer_sentence_in_the_truth():
    paras = synthetic_paragraphs(9, 4)
    for seed in range(40):
        doc = make_damaged_document(paras, seed, classes=("repeat", "extend"))
        ext = [c for c in doc.truth.corruptions if c.kind == "extend"]
        if not ext:
            continue
        p = doc.truth.paragraphs[ext[0].paragraph]
        assert p not in paras  # the truth says more than the first copy
        assert p in doc.text.split("\n\n")[1:] or p + "\n" in doc.text  # and a later copy prints it whole
        return
    pytest.fail("no extended copy planted in 40 seeds")


def test_no_fragment_says_the_extension_clause_again():
    """Extension clauses and fragments come from the same pool of unrelated paragraphs: a fragment
    that says the clause again made the truth say it twice (73 of 400 of these documents), and a
    cleaner that said it once was counted as losing a sentence."""
    for seed in range(120):
        doc = make_damaged_document(synthetic_paragraphs(seed, 4), seed, classes=("repeat", "extend", "fragment"))
        ext = [c for c in doc.truth.corruptions if c.kind == "extend"]
        if not ext:
            continue
        clause = ext[0].detail.split("…", 1)[1][1:-1]  # ``X。 → …，clause。``
        fragments = [b for b, kind in zip(doc.text.rstrip("\n").split("\n\n"), doc.truth.block_kind) if kind == "fragment"]
        assert fragments and not any(clause in f for f in fragments), (seed, clause)


def test_no_extension_lands_inside_a_bracket():
    """``刘博（？–174年）`` splits after ``？``; extending that "sentence" wrote ``刘博（，通称松溜？–174年）``
    into the truth, a reading no copy has and no cleaner can produce."""
    para = "刘博（？–174年），为汉章帝之孙，河间孝王刘开之子，东汉第4代任城王。"
    seen = 0
    for seed in range(60):
        doc = make_damaged_document([para, "第二段讲的是另外一件完全不同的事情，和上面没有关系。"], seed, classes=("repeat", "extend"))
        seen += any(c.kind == "extend" for c in doc.truth.corruptions)
        assert "刘博（？–174年）" in doc.truth.paragraphs[0], seed
    assert seen  # the other sentences are still extended


def test_a_page_that_repeats_its_own_paragraph_has_it_once_in_the_truth():
    """A form asks ``志愿服务时间（…）`` three times, numbered otherwise (``Ｈ．``, ``１７、``, none), and
    ``１５、１、是否…`` beside ``１、是否…``: a cleaner cannot tell those repeats from damage, and the truth
    counted them as distinct (zh-issue13 documents 14, 38, 82 of the benchmark: up to 47 % CER and a lost
    sentence each for the one copy the cleaner kept)."""
    page = [
        "助医基金志愿者报名表",
        "１５、１、是否参加过公益活动？２、曾经参加过那些公益活动？",
        "１、是否参加过公益活动？２、曾经参加过那些公益活动？",
        "Ｈ．志愿服务时间（可注明上午、下午或全天）",
        "１７、志愿服务时间（可注明上午、下午或全天）",
        "志愿服务时间（可注明上午、下午或全天）",
    ]
    for seed in range(10):
        truth = make_damaged_document(page, seed, classes=("repeat",)).truth
        assert len(truth.paragraphs) == 3, truth.paragraphs
        assert measure(truth, "\n\n".join([page[0], page[1], page[4]]) + "\n").lost == ()


def test_an_english_extension_never_glues_two_sentences():
    """The clause a copy is extended with ends the sentence it extends: words cut from
    ``… patented (U.S. Patent 6,285,999).`` as ``, and has been patented (U.S.`` left a bracket
    open and an abbreviation at the end, so the truth read the extended sentence and the next as
    one (the cleaner then could not be right: en-0065, en-0159 of the benchmark)."""
    from dedup.segment import sentences

    paras = synthetic_english_paragraphs(6, 3)
    pool = ["The method is widely used and has been patented (U.S. 6,285,999). It works."] * 6 + synthetic_english_paragraphs(4, 9)
    planted = 0
    for seed in range(60):
        doc = make_damaged_document(paras, seed, classes=("repeat", "extend"), fragment_paragraphs=pool)
        for c in doc.truth.corruptions:
            if c.kind == "extend":
                planted += 1
                # read as the cleaner reads (``U.S.`` before a capital ends no sentence there)
                assert len(sentences(doc.truth.paragraphs[c.paragraph])) == len(sentences(paras[c.paragraph])), c
    assert planted >= 20


@pytest.mark.parametrize("lang", LANGS)
def test_an_extension_says_something_the_paragraph_does_not(lang):
    """A later copy that "says more" with a clause its paragraph already has (``…, and the decision
    was final, and 5.8 million people were affected, and the decision was final.``) adds nothing, and
    the cleaner rightly does not insert words its paragraph says already (en-generated-0250)."""
    paras = synthetic_english_paragraphs(6, 3) if lang == "en" else synthetic_paragraphs(6, 3)
    pool = [p + " " for p in paras]  # fragments whose clauses come from the paragraphs themselves
    planted = 0
    for seed in range(80):
        doc = make_damaged_document(paras, seed, classes=("repeat", "extend"), fragment_paragraphs=pool)
        for c in doc.truth.corruptions:
            if c.kind == "extend":
                clause = c.detail.split(" → …", 1)[1][:-1].removeprefix(", and ").removeprefix("，")
                if clause not in ("the farmers' income rose", "确保农民增收"):  # the fallbacks
                    planted += 1
                assert clause.casefold() not in paras[c.paragraph].casefold(), c
    assert planted >= 10


def test_an_extension_is_in_capitals_only_after_a_sentence_in_capitals():
    """``A 0.`` (clough's ``A 0. 5 probability …``) is upper case to :meth:`str.isupper` and was
    extended with ``, AND WORLD WARS AND SO ON``: a clause in capitals inside a sentence in
    lowercase, which no copy of a real page shows (en-0226)."""
    paras = ["The probability is expressed as a number between 0 and 1. A 0. 5 probability is an even chance. It is often used."]
    pool = synthetic_english_paragraphs(6, 9)
    seen = set()
    for seed in range(200):
        doc = make_damaged_document(paras * 3, seed, classes=("repeat", "extend"), fragment_paragraphs=pool)
        for c in doc.truth.corruptions:
            if c.kind == "extend":
                head, clause = c.detail.split(" → …", 1)
                seen.add(head.endswith("A 0."))
                assert not clause.isupper(), c
    assert seen == {True, False}


def test_an_english_sentence_cut_at_an_abbreviation_is_not_extended():
    """clough writes ``… has been patented (U.S. Patent 6,285,999 ).``; split at ``(U.S.``, the
    generator extended that piece into ``… patented (U.S, and that have already been defined.
    Patent 6,285,999 ).``, a truth no copy of a real page reads like (en-0039: CER 12 %)."""
    paras = ["The name is a trademark, and the process has been patented (U.S. 6,285,999 ). It is widely used by many people."]
    pool = synthetic_english_paragraphs(6, 9)
    for seed in range(120):
        doc = make_damaged_document(paras * 3, seed, classes=("repeat", "extend"), fragment_paragraphs=pool)
        for c in doc.truth.corruptions:
            if c.kind == "extend":
                assert not c.detail.split(" → ", 1)[0].endswith("(U.S."), c
                assert doc.truth.paragraphs[c.paragraph].count("(") == doc.truth.paragraphs[c.paragraph].count(")")



def test_no_phrase_swap_or_drop_lands_inside_an_english_bracket():
    """en-0119 (--en 300): ``… patented (U.S. Patent 6,285,999 ).`` split at ``(U.S.``; the generator
    put ``IN THE U.S. AND ELSEWHERE, …`` after ``(U.S.`` and swapped ``Patent 6,285,999 ).`` with the
    next sentence, so truth and copies read ``(U.S. NEVERTHELESS, …``: words inside the bracket that no
    page has (the cleaner kept that copy's sentence, counted as a part beside the whole)."""
    para = ("A trademark of Google has the name PageRank and this process has been patented (U.S. Patent 6,285,999 ). "
            "Nevertheless, the patent is assigned to Stanford University and not to Google. Google has exclusive license rights on the patent.")
    others = synthetic_english_paragraphs(3, 2)
    planted = 0
    for seed in range(80):
        doc = make_damaged_document([para, *others], seed, language="en", classes=("repeat", "abbrev", "swap", "drop", "caps"))
        planted += any(c.paragraph == 0 and c.kind in ("abbrev", "swap", "drop") for c in doc.truth.corruptions)
        for text in (doc.truth.expected_text, doc.text):
            flat = re.sub(r"\s+", "", text.casefold())
            assert all(flat.startswith("patent", m.end()) for m in re.finditer(re.escape("(u.s."), flat)), (seed, text)
    assert planted > 20


def test_no_phrase_goes_before_a_sentence_that_opens_with_a_stray_mark():
    """en-0484 (--en 600 --seed 11): clough's ``… inner circles. .`` / ``Bayes' Theorem`` splits into a sentence
    ``. Bayes' Theorem``; the generator put ``In the U.S. and elsewhere, i.e. in most places,`` before it, and the
    truth read ``… in most places, . Bayes' Theorem``, a sentence no page writes (measured as lost)."""
    paras = ["The best way is to join the Campus Crusade for Bayes in high school or college. . Bayes' Theorem",
             *synthetic_english_paragraphs(3, 2)]
    planted = 0
    for seed in range(60):
        doc = make_damaged_document(paras, seed, language="en", classes=("repeat", "abbrev"))
        planted += sum(c.kind == "abbrev" for c in doc.truth.corruptions)
        assert ", ." not in doc.truth.expected_text, (seed, doc.truth.expected_text)
    assert planted > 30


# --- the measurer can fail -------------------------------------------------------------------------

ZH = ("一是推进义务教育优质均衡发展，助力双减政策有效落实。优质均衡是解决择校热的治本之策。\n\n"
      "二是拓展监管领域，加强对校外教育的全方位管理。我们要统筹教育、人社、民政等部门，规范管理所有培训机构。\n")
EN = ("1. The committee reviewed the annual budget after a long debate. Dr. Alvarez did not approve the plan for the northern bridge.\n\n"
      "The railway company published the timetable for winter trains, e.g. for the U.S. lines.\n")


def _truth(text: str, lang: str) -> DocumentTruth:
    paras = tuple(text.strip().split("\n\n"))
    sents = tuple(s for p in paras for s in split_sentences(p))
    return DocumentTruth(lang, paras, text, sents, (), (), (), ())


def test_measurer_catches_a_deleted_sentence_and_a_dropped_clause():
    t = _truth(ZH, "zh")
    q = measure(t, ZH.replace("优质均衡是解决择校热的治本之策。", ""))
    assert q.lost == ("优质均衡是解决择校热的治本之策。",) and q.sentences == 4 and q.cer > 0
    q = measure(t, ZH.replace("，助力双减政策有效落实", ""))  # X，确保农民增收。→ X。
    assert q.lost == ("一是推进义务教育优质均衡发展，助力双减政策有效落实。",)
    e = _truth(EN, "en")
    q = measure(e, EN.replace(" not", ""))
    assert q.lost == ("Dr. Alvarez did not approve the plan for the northern bridge.",)
    q = measure(e, EN.replace("The railway company published the timetable for winter trains, e.g. for the U.S. lines.", ""))
    assert len(q.lost) == 1


def test_measurer_catches_a_duplicated_sentence():
    t = _truth(ZH, "zh")
    q = measure(t, ZH + "\n优质均衡是解决择校热的治本之策。\n")
    assert q.lost == () and q.near_duplicates == (("优质均衡是解决择校热的治本之策。", "优质均衡是解决择校热的治本之策。"),)
    q = measure(t, ZH + "\n优质均衡是解决择校热的根本之策。\n")  # a near copy (one character)
    assert len(q.near_duplicates) == 1
    e = _truth(EN, "en")
    q = measure(e, EN + "\nThe committee reviewed the annual budget after a long debate!\n")
    assert len(q.near_duplicates) == 1


def test_measurer_catches_half_of_a_cut_copy_beside_the_whole():
    e = _truth(EN, "en")
    q = measure(e, EN + "\nDr. Alvarez did not approve the plan\n")
    assert q.lost == () and q.near_duplicates == ()
    assert q.contained == (("Dr. Alvarez did not approve the plan", "Dr. Alvarez did not approve the plan for the northern bridge."),)
    t = _truth(ZH, "zh")
    assert len(measure(t, ZH + "\n我们要统筹教育、人社、民政等部门\n").contained) == 1
    assert measure(t, ZH).contained == ()


def test_measurer_does_not_call_a_repair_or_an_open_cut_a_loss():
    t = _truth(ZH, "zh")
    for out in (
        ZH.replace("优质均衡", "优质均衡", 1).replace("择校热", "择校热"),
        ZH.replace("治本", "治木"),  # a typo left in
        ZH.replace("二是", "三是"),  # a marker renumbered
        ZH.replace("一是", ""),  # a marker dropped
        ZH.replace("全方位管理", "全方位\n\n管理"),  # a cut left open
        ZH.replace("，", ",").replace("教育", "教 育"),  # width and whitespace
    ):
        q = measure(t, out)
        assert q.lost == () and q.near_duplicates == (), out
    e = _truth(EN, "en")
    q = measure(e, EN.replace("northern bridge", "northren\nbridge"))
    assert q.lost == () and q.errors > 0


def test_measurer_truth_pairs_are_not_counted():
    text = "甲地今年的粮食产量比去年增长了百分之五。\n\n乙地今年的粮食产量比去年增长了百分之六。\n"
    t = make_damaged_document(text.strip().split("\n\n"), 0, classes=()).truth
    assert t.near_duplicates == ((0, 1),)
    assert measure(t, text).near_duplicates == ()
    assert len(measure(t, text + "\n乙地今年的粮食产量比去年增长了百分之六。\n").near_duplicates) >= 1
    # one output sentence cannot stand for both twins: dropping either is a loss
    assert measure(t, "乙地今年的粮食产量比去年增长了百分之六。\n").lost == ("甲地今年的粮食产量比去年增长了百分之五。",)
    assert measure(t, "甲地今年的粮食产量比去年增长了百分之五。\n").lost == ("乙地今年的粮食产量比去年增长了百分之六。",)
    # (built by hand: the generator now says a source's repeated paragraph once)
    same = dataclasses.replace(_truth("甲地今年的粮食产量增长了百分之五。\n\n甲地今年的粮食产量增长了百分之五。\n", "zh"), near_duplicates=((0, 1),))
    # a sentence repeated verbatim in the source is one text: one copy holds it, none loses both
    assert measure(same, "甲地今年的粮食产量增长了百分之五。\n").lost == ()
    assert len(measure(same, "乙地。\n").lost) == 2
    assert measure(same, same.expected_text).near_duplicates == ()
    punct = make_damaged_document(["安全驾驶：这是汽车系列之不要把你的汽车当成餐厅。", "安全驾驶－－这是汽车系列之不要把你的汽车当成餐厅。"], 0, classes=()).truth
    assert measure(punct, "安全驾驶：这是汽车系列之不要把你的汽车当成餐厅。\n").lost == ()
    label = make_damaged_document(["安全驾驶这是汽车系列之不要把你的汽车当成餐厅。", "作品名称：安全驾驶这是汽车系列之不要把你的汽车当成餐厅。"], 0, classes=()).truth
    assert measure(label, "安全驾驶这是汽车系列之不要把你的汽车当成餐厅。\n").lost == ("作品名称：安全驾驶这是汽车系列之不要把你的汽车当成餐厅。",)


@given(st.sampled_from(LANGS).flatmap(lambda lang: damaged_documents(lang)), st.randoms(use_true_random=False))
@settings(max_examples=40)
def test_any_deleted_truth_sentence_is_reported_lost(doc, rnd):
    t = doc.truth
    norm = [normalize_sentence(s) for s in t.sentences]
    in_pairs = {i for p in t.near_duplicates for i in p}
    cands = [i for i, s in enumerate(t.sentences) if counts_as_sentence(s) and i not in in_pairs and sum(n.count(norm[i]) for n in norm) == 1]
    if not cands:
        return
    i = rnd.choice(cands)
    out = t.expected_text.replace(t.sentences[i], "", 1)
    assert t.sentences[i] in measure(t, out).lost


def test_messy_documents_routes_to_the_damaged_generator():
    from hypothesis import find

    doc = find(messy_documents(language="en"), lambda d: len(d.truth.paragraphs) >= 2)
    assert doc.truth.language == "en"
    old = find(messy_documents(), lambda d: True)
    assert not hasattr(old.truth, "language")
