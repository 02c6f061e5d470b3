"""The review pages, byte for byte: a differential test against digests of the pages as they were.

Why digests, and why these inputs.  ``dedup/review.py`` was split into the
package ``dedup/review/`` (issue 14) without changing one byte of any page.
The digests below were recorded from the pre-refactor single module
(commit 5912f3e, ``dedup/review.py``) and the refactor had to keep them.  They
are not "whatever the code prints today": a change that moves one of them
changes what users get, so it must say why in its commit message and record
the new digest there (print it with ``python tests/review/test_review_digests.py``).

The pages are built from inputs that do not depend on the cleaner, because the
cleaner's output is allowed to change independently of the page:

* the sample document from the committed example files (input, report JSON,
  cleaned output); those change only when the examples are regenerated, which
  also regenerates ``examples/seed_zh_press.review.html``, hence the check that
  the page built from them is exactly that committed file;
* a corpus report written out by hand below (ids of several types, exact and
  near copies, missing texts, markup in ids and texts, singletons, blank clusters).

The document page's histogram (the report has no ``pairs``) is recomputed with
``dedup.fingerprint.keys.matching_key``; a change to the matching key moves
digest ``document`` too, and that is a real change of the page.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dedup.io.read import read_path
from dedup.pipeline import Config
from dedup.review import ReviewConfig, best_match_scores, corpus_to_html, to_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: the example files the document digests are for (a regeneration of the examples changes them: see the module docstring)
EXAMPLE_INPUTS = {
    "seed_zh_press.txt": "0fe63eb311905f69a094dde707644244f95a3cd3568f02fd2103f8eb2431489b",
    "seed_zh_press.report.json": "aa3e8b31a54e835ad2c5a29efaf4011ac5f7939d690347234a5639204988ee84",
    "seed_zh_press.cleaned.txt": "5b200e67dc11c470dd2fe521f7704163ba7196d06a804a1ecc421f88cfe72fa9",
}

#: sha256 of each page, recorded from the pre-refactor dedup/review.py (commit 5912f3e); the two document
#: pages re-recorded when the examples were regenerated for issue 13 (the report gained evidence fields:
#: ``unit``/``duplicate_of_units`` on removals, ``joiner`` on joins, the repair rules' new evidence), and again
#: when a copy's repeat of a sentence of its own cluster became a 'near-duplicate sentence' (issue 13, h-en)
DIGESTS = {
    "document": "4ce2f970eff1002654be5d6fcc354b1c548d31192ead7bdd1a4e9ad1f8a05acd",
    "document_small_config": "ac34d42d2450fc22ba91aaa140475a890696c13fe55f744b26076422cfb3b634",
    "corpus": "50171a1697455da0776e3330542612b30f53eb18c51bf5723d39d07fcd47a50e",
    "corpus_small_config": "fa6ba8ae621d656ca52f2b856ced083c0f4e9aaa6d2fd519567c73c20acf1035",
    "best_match_scores": "38ca06cd9dd63a5c2dc9c0f9fb913c2fe3410ea47cbe278f0ee56bbc281f37c4",
}

#: bounds small enough that every truncation, excerpt and paging branch of the renderers is taken
SMALL = ReviewConfig(
    page_size=3,
    max_diff_chars=60,
    max_copies=1,
    max_pairs=2,
    max_histogram_items=40,
    bins=7,
    verify_max_chars=0,
    excerpt_chars=10,
    max_clusters=2,
    max_members=1,
    max_doc_chars=25,
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _example_document() -> tuple[dict[str, Any], str, str]:
    """The committed sample: its report (as a dict), decoded input and cleaned output."""
    decoded = read_path(str(EXAMPLES / "seed_zh_press.txt"), Config().read)
    report = json.loads((EXAMPLES / "seed_zh_press.report.json").read_text(encoding="utf-8"))
    output = (EXAMPLES / "seed_zh_press.cleaned.txt").read_bytes().decode("utf-8")
    return report, decoded.text, output


def _corpus() -> tuple[list[dict[str, Any]], dict[Any, str]]:
    """A corpus report by hand: every kind of row the corpus page distinguishes."""
    base = "各地推进义务教育优质均衡发展，扩大优质教育资源覆盖面，促进教育公平。"
    other = "The committee met on Tuesday and agreed the budget for the coming year, with two abstentions."
    rows: list[dict[str, Any]] = [
        # cluster "a": kept first, an exact copy, two near copies, one with a reason for the match
        {"id": "a0", "cluster": "a", "duplicate_of": None, "score": None},
        {"id": "a1", "cluster": "a", "duplicate_of": "a0", "score": 1.0, "match": "exact"},
        {"id": "a2", "cluster": "a", "duplicate_of": "a0", "score": 0.93, "match": "minhash+ratio"},
        {"id": "a3", "cluster": "a", "duplicate_of": "a0", "score": 0.88},
        # cluster 7 (an int key): numeric ids whose texts are keyed by string
        {"id": 70, "cluster": 7, "duplicate_of": None, "score": None},
        {"id": 71, "cluster": 7, "duplicate_of": 70, "score": 0.91},
        {"id": 72, "cluster": 7, "duplicate_of": 70, "score": 0.9},
        # a cluster whose kept row is missing: the page infers it from the copies
        {"id": "m1", "cluster": ["m", 1], "duplicate_of": "m0", "score": 0.8},
        {"id": "m2", "cluster": ["m", 1], "duplicate_of": "m0", "score": float("nan")},
        # markup in ids, cluster and text; a missing text; a boolean score
        {"id": "</script><b>x", "cluster": "<u>c</u>", "duplicate_of": None, "score": None},
        {"id": "y&<img src=z onerror=alert(1)>", "cluster": "<u>c</u>", "duplicate_of": "</script><b>x", "score": True},
        {"id": "gone", "cluster": "<u>c</u>", "duplicate_of": "</script><b>x", "score": 0.85},
        # no near-duplicate: singletons and blank clusters
        {"id": "s1", "cluster": "s1", "duplicate_of": None, "score": None, "cluster_size": 1},
        {"id": "s2", "cluster": None, "duplicate_of": None, "score": None},
        {"id": "s3", "cluster": -1, "duplicate_of": None, "score": None},
        {"id": "s4", "cluster": "", "duplicate_of": None, "score": 0.2},
    ]
    texts: dict[Any, str] = {
        "a0": base * 3,
        "a1": base * 3,
        "a2": base * 2 + base.replace("优质", "高质量"),
        "a3": "一是" + base * 3 + "二是扩大覆盖。",
        "70": other,
        "71": other.replace("Tuesday", "Wednesday"),
        72: other[:-1] + ", and one vote against.",
        "m0": "被删除的原文：" + base,
        "m1": "被删除的原文：" + base,
        "m2": "被删的原文：" + base[:-3],
        "</script><b>x": "<script>alert(3)</script>正文甲乙丙",
        "y&<img src=z onerror=alert(1)>": "<script>alert(3)</script>正文甲乙丁",
        "s1": "独立的一段。",
        "s2": "another lone one",
    }
    return rows, texts


def pages() -> dict[str, str]:
    """Every page (and the histogram's scores) whose digest is pinned, by name."""
    from dedup.testing import synthetic_paragraphs

    report, text_in, text_out = _example_document()
    rows, texts = _corpus()
    paras = synthetic_paragraphs(11, 160)
    # above exact_up_to, so the bigram-nearest candidate search is what is pinned
    scores = best_match_scores(paras + [p[:-3] + "另一结尾" for p in paras[:60]], exact_up_to=50)
    return {
        "document": to_html(report, text_in, text_out),
        "document_small_config": to_html(report, text_in, text_out, title="<i>small</i> config", config=SMALL),
        "corpus": corpus_to_html(iter(rows), texts, threshold=0.8, title="hand-made corpus"),
        "corpus_small_config": corpus_to_html(rows, lambda i: texts.get(i), threshold=None, config=SMALL),
        "best_match_scores": json.dumps(scores),
    }


def test_example_files_are_the_ones_the_digests_were_recorded_for():
    """When the examples are regenerated this fails first, pointing at the cause (not at the refactor)."""
    now = {name: _sha((EXAMPLES / name).read_bytes()) for name in EXAMPLE_INPUTS}
    assert now == EXAMPLE_INPUTS, "examples/ were regenerated: re-record DIGESTS['document*'] in a commit that says so"


def test_pages_are_byte_identical_to_the_recorded_ones():
    got = {name: _sha(page.encode("utf-8")) for name, page in pages().items()}
    assert got == DIGESTS


def test_committed_example_page_is_the_page_of_the_committed_report():
    """``examples/seed_zh_press.review.html`` regenerated from the committed report, input and output is itself."""
    report, text_in, text_out = _example_document()
    committed = (EXAMPLES / "seed_zh_press.review.html").read_bytes()
    assert to_html(report, text_in, text_out).encode("utf-8") == committed


if __name__ == "__main__":
    for name in EXAMPLE_INPUTS:
        print(f'    "{name}": "{_sha((EXAMPLES / name).read_bytes())}",')
    for name, page in pages().items():
        print(f'    "{name}": "{_sha(page.encode("utf-8"))}",')
