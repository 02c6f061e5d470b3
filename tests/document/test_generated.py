"""Generated documents with known truth: clustering quality and character error rate.

Source paragraphs are real clean Chinese text (wiki-zh-200, used from
../shared/data/external, never shipped); the corruption follows the sample.
"""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import Levenshtein

from dedup import check, clean
from dedup.testing import load_paragraphs, make_messy_document, pair_scores


@pytest.fixture(scope="module")
def wiki(external):
    return load_paragraphs(external / "wiki-zh-200" / "wiki_zh_200.txt", min_chars=30)


def _labels(report):
    return [("c", b["cluster"]) if b["cluster"] is not None else ("u", b["unit"]) for b in report.blocks]


def test_cluster_precision_recall_and_cer(wiki):
    truth_labels, predicted, errors, total = [], [], 0, 0
    cuts_whole = cuts = 0
    for seed in range(60):
        rng = random.Random(seed)
        paras = rng.sample(wiki, 8)
        frags = rng.sample([p for p in wiki if p not in paras], 3)
        doc = make_messy_document(paras, seed, fragment_paragraphs=frags)
        result = clean(doc.text)
        assert check(doc.text, result.text, result.report) == []
        truth_labels += [(seed, s if s >= 0 else ("fragment", i)) for i, s in enumerate(doc.truth.block_source)]
        predicted += [(seed, lab) for lab in _labels(result.report)]
        errors += Levenshtein.distance(result.text, doc.truth.expected_text)
        total += len(doc.truth.expected_text)
        for head, tail in doc.truth.cuts:
            cuts += 1
            cuts_whole += result.report.blocks[head]["unit"] == result.report.blocks[tail]["unit"]
    precision, recall = pair_scores(truth_labels, predicted)
    cer = errors / total
    print(f"\ngenerated documents: 60, pair precision {precision:.4f}, recall {recall:.4f}, CER {cer:.4%}, cuts rejoined {cuts_whole}/{cuts}")
    assert precision >= 0.98
    assert recall >= 0.98
    assert cer <= 0.01
    assert cuts_whole / cuts >= 0.95


def test_new_content_of_continued_copies_appears_once(wiki):
    seen = 0
    for seed in range(30):
        rng = random.Random(1000 + seed)
        paras = rng.sample(wiki, 6)
        doc = make_messy_document(paras, 1000 + seed, continue_prob=0.5, variant_prob=0.0, truncate_prob=0.0, cut_prob=0.0)
        out = clean(doc.text).text
        for s in doc.truth.new_sentences:
            seen += 1
            assert out.count(s) == 1, s
    assert seen >= 10
