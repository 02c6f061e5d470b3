"""The review page, checked without a browser: structure, counts, escaping, diffs, determinism.

The page is parsed with the standard library's HTML parser, so these tests
see exactly the elements a browser would build (the browser tests in
``test_review_browser.py`` then check what the script does with them).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.errors import UsageError
from dedup.io.read import read_path
from dedup.pipeline import Config, clean
from dedup.review import ReviewConfig, char_diff, corpus_sample_ids, corpus_to_html, histogram_svg, script_json, to_html
from dedup.testing import messy_documents

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"

_VOID = {"meta", "br", "img", "input", "hr", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class Tree(HTMLParser):
    """Every element with its attributes, its text (children included) and its ancestors, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        el = {"tag": tag, "attrs": dict(attrs), "text": [], "anc": [id(a) for a in self._open]}
        self.elements.append(el)
        if tag not in _VOID:
            self._open.append(el)

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": [], "anc": [id(a) for a in self._open]})

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        for el in self._open:
            el["text"].append(data)

    def find(self, tag: str | None = None, cls: str | None = None, within: dict | None = None, **attrs: str) -> list[dict]:
        out = []
        for el in self.elements:
            if tag and el["tag"] != tag:
                continue
            if cls and cls not in (el["attrs"].get("class") or "").split():
                continue
            if within is not None and id(within) not in el["anc"]:
                continue
            if any(el["attrs"].get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(el)
        return out


def parse(page: str) -> Tree:
    t = Tree()
    t.feed(page)
    t.close()
    return t


def text(el: dict) -> str:
    return "".join(el["text"])


@pytest.fixture(scope="module")
def sample():
    decoded = read_path(str(SEED), Config().read)
    result = clean(decoded, source="examples/seed_zh_press.txt")
    page = to_html(result.report, decoded.text, result.text)
    return decoded.text, result, page, parse(page)


def test_summary_counts_are_the_reports(sample):
    _, result, _, tree = sample
    stats = result.report.stats
    shown = {el["attrs"]["data-stat"]: int(text(el)) for el in tree.find(cls="n")}
    for key in ("blocks", "units", "clusters", "blocks_kept", "blocks_partly_removed", "blocks_removed", "chars_removed_as_duplicate"):
        assert shown[key] == stats[key], key
    edits = result.report.to_dict()["edits"]
    assert shown["edits"] == sum(1 for e in edits if not e["rule"].startswith("layout."))
    assert shown["layout_edits"] == sum(1 for e in edits if e["rule"].startswith("layout."))
    for rule, n in stats["edits_by_rule"].items():
        assert [int(text(el)) for el in tree.find("td", data_rule=rule)] == [n]
    # the report was re-verified against this input and output
    assert tree.find(cls="check")[0]["attrs"].get("data-check") == "ok"


def test_every_cluster_edit_and_dropped_block_is_listed(sample):
    _, result, _, tree = sample
    data = result.report.to_dict()
    assert [int(el["attrs"]["data-cluster"]) for el in tree.find("details", cls="cluster")] == [c["id"] for c in data["clusters"]]
    assert sorted(int(el["attrs"]["id"][2:]) for el in tree.find(cls="edit")) == list(range(len(data["edits"])))
    not_kept = [b["id"] for b in data["blocks"] if b["fate"] != "kept"]
    assert [int(el["attrs"]["data-block"]) for el in tree.find(cls="drop")] == not_kept
    # each cluster shows every member other than the kept one, side by side with it
    for c in data["clusters"]:
        body = tree.find(cls="cluster-body", data_cluster=str(c["id"]))[0]
        assert len(tree.find(cls="copy", within=body)) == len(c["members"]) - 1


def test_canonical_document_is_the_output_paragraph_by_paragraph(sample):
    _, result, _, tree = sample
    paras = tree.find(cls="para")
    assert paras, "no paragraphs shown"
    shown = "".join(text(p) for p in paras)
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - layout whitespace lives between the elements
    assert squeeze(shown) == squeeze(result.text)
    data = result.report.to_dict()
    for p in paras:
        if "gap" in p["attrs"]["class"]:
            continue
        u = int(p["attrs"]["data-unit"])
        members = [c["id"] for c in data["clusters"] if u in c["members"]]
        assert p["attrs"].get("data-cluster") == (str(members[0]) if members else None)


def test_copies_are_diffed_character_by_character(sample):
    text_in, result, page, tree = sample
    data = result.report.to_dict()
    # cluster 0 of the sample: the same paragraph numbered 四是 and 三是; the diff marks exactly that character
    c = next(c for c in data["clusters"] if len(c["members"]) == 2 and all(p["reason"] == "identical" for p in c["pairs"]))
    spans = [text_in[s:e] for s, e in c["member_spans"]]
    assert spans[0][1:] == spans[1][1:] and spans[0][0] != spans[1][0]
    body = tree.find(cls="cluster-body", data_cluster=str(c["id"]))[0]
    removed = [text(el) for el in tree.find("span", cls="d", within=body)]
    added = [text(el) for el in tree.find("span", cls="i", within=body)]
    assert sorted(removed + added) == sorted([spans[0][0], spans[1][0]])


def test_histogram_has_every_bin_and_the_threshold_line(sample):
    _, result, _, tree = sample
    threshold = result.report.to_dict()["config"]["match"]["threshold"]
    svg = tree.find("svg", cls="hist")[0]
    assert float(svg["attrs"]["data-threshold"]) == threshold
    bars = tree.find("rect")
    assert len(bars) == ReviewConfig().bins
    counts = [int(b["attrs"]["data-count"]) for b in bars]
    # one best-match score per non-heading paragraph
    non_heading = sum(1 for u in result.report.to_dict()["units"] if u["kind"] != "heading")
    assert sum(counts) == non_heading
    # the duplicated paragraphs score high: everything in a cluster is at or above the threshold bin... or contained
    assert sum(counts[int(threshold * len(counts)) :]) >= sum(len(c["members"]) for c in result.report.clusters) - 2
    assert len(tree.find("line", cls="thr")) == 1


def test_the_page_is_self_contained(sample):
    _, _, page, tree = sample
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "the page refers to the network"
    assert "@import" not in page and "url(" not in page
    scripts = tree.find("script")
    assert [s["attrs"].get("type") for s in scripts] == ["application/json", None]
    assert not any("src" in s["attrs"] for s in scripts)
    assert "default-src 'none'" in tree.find("meta", http_equiv="Content-Security-Policy")[0]["attrs"]["content"]
    data = json.loads(text(scripts[0]))
    assert data["stats"] == json.loads(json.dumps(sample[1].report.stats))


def test_markup_in_the_input_stays_text():
    hostile = [
        "<script>window.__pwned=1</script>一是甲乙丙丁戊己庚辛壬癸子丑寅卯。",
        '</script><img src=x onerror="window.__pwned=2">乙丙丁戊己庚辛壬癸子丑寅卯辰巳午。',
        "<u>粗体</u>&amp;&lt;丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。<!--",
    ]
    text_in = "\n\n".join(hostile + ["二是" + hostile[0][len("<script>window.__pwned=1</script>一是") :], hostile[1], hostile[2]]) + "\n"
    result = clean(text_in)
    assert result.report.clusters, "the hostile paragraphs should repeat, so they show up in diffs too"
    page = to_html(result.report, text_in, result.text, title="<script>t()</script>")
    tree = parse(page)
    assert [el["tag"] for el in tree.elements if el["tag"] in ("script", "img", "u")] == ["script", "script"]
    assert not any(k.startswith("on") for el in tree.elements for k in el["attrs"])
    shown = "".join(text(p) for p in tree.find(cls="para"))
    for h in hostile:
        assert h in shown
    assert "<script>t()</script>" in text(tree.find("title")[0])
    # the JSON for the script cannot close its element
    data_el = page.split('<script type="application/json" id="review-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data_el and ">" not in data_el


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)))  # lone surrogates become U+FFFD on the page: tested below


@given(st.recursive(st.none() | st.booleans() | st.integers() | _TEXT, lambda c: st.lists(c, max_size=4) | st.dictionaries(_TEXT, c, max_size=4), max_leaves=12))
def test_script_json_round_trips_and_has_no_markup(obj):
    dumped = script_json(obj)
    assert "<" not in dumped and ">" not in dumped and "&" not in dumped
    assert json.loads(dumped) == obj


def test_lone_surrogates_are_replaced_not_written():
    assert json.loads(script_json({"t": "a\udc80b"})) == {"t": "a\ufffdb"}
    assert char_diff("a\udc80", "a")[0] == 'a<span class="d">\ufffd</span>'


def _strip(fragment: str, drop_class: str) -> str:
    """The text of a diff fragment without the spans of ``drop_class``."""
    fragment = re.sub(rf'<span class="{drop_class}">(.*?)</span>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@given(st.text("甲乙丙丁一二三<>&\"' \n", max_size=40), st.text("甲乙丙丁一二三<>&\"' \n", max_size=40))
def test_char_diff_keeps_both_texts_and_marks_only_the_differences(a, b):
    left, right = char_diff(a, b)
    assert html.unescape(re.sub(r"<[^>]+>", "", left)) == a
    assert html.unescape(re.sub(r"<[^>]+>", "", right)) == b
    # what is left unmarked on both sides is the same common text
    assert _strip(left, "d") == _strip(right, "i")
    if a == b:
        assert 'class="' not in left + right
    assert "<" not in re.sub(r'<span class="[di]">|</span>', "", left + right)


def test_char_diff_leaves_very_long_texts_undiffed():
    left, right = char_diff("甲" * 50, "乙" * 50, max_chars=10)
    assert (left, right) == ("甲" * 50, "乙" * 50)


def test_histogram_bars_scale_to_the_largest_bin():
    svg = histogram_svg([0, 2, 4, 1], 0.5)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and heights[2] == max(heights) and heights[1] == pytest.approx(heights[2] / 2)
    assert re.findall(r'class="(bar[^"]*)"', svg) == ["bar", "bar", "bar above", "bar above"]


def test_report_for_another_input_is_refused(sample):
    text_in, result, _, _ = sample
    with pytest.raises(UsageError, match="sha256"):
        to_html(result.report, text_in + "x", result.text)
    with pytest.raises(UsageError):
        to_html({"schema": "x"}, text_in, result.text)


def test_long_lists_are_paged(sample):
    text_in, result, _, _ = sample
    page = to_html(result.report, text_in, result.text, config=ReviewConfig(page_size=4))
    tree = parse(page)
    edits = tree.find(cls="paged", data_label="edits")[0]
    n_main = sum(1 for e in result.report.to_dict()["edits"] if not e["rule"].startswith("layout."))
    assert int(edits["attrs"]["data-pages"]) == -(-n_main // 4)
    pages = [p for p in tree.find(cls="page")]
    assert sum(1 for p in pages if "off" not in p["attrs"]["class"].split()) == len(tree.find(cls="paged"))


def test_cli_page_is_byte_identical_to_the_library_under_another_hash_seed(tmp_path, sample):
    """``dedup-text --html`` in a process with a different PYTHONHASHSEED writes exactly the page built here."""
    _, _, page, _ = sample
    out = tmp_path / "review.html"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run(
        [sys.executable, "-m", "dedup.cli", "examples/seed_zh_press.txt", "-q", "-o", str(tmp_path / "out.txt"), "--html", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == page


# ---------------------------------------------------------------------------
# corpus mode


def _corpus_rows(seed: int = 3, n_docs: int = 60):
    """Report rows as corpus mode writes them, built from the generator's truth (first member kept)."""
    from rapidfuzz import fuzz

    from dedup.testing import make_corpus

    corpus = make_corpus(seed, n_docs)
    texts = {r["id"]: r["text"] for r in corpus.records}
    first: dict[int, str] = {}
    rows = []
    for r in corpus.records:
        label = corpus.truth[r["id"]]
        kept = first.setdefault(label, r["id"])
        dup = None if kept == r["id"] else kept
        rows.append({"id": r["id"], "cluster": label, "duplicate_of": dup, "score": None if dup is None else fuzz.ratio(texts[kept], r["text"]) / 100})
    return rows, texts


def test_corpus_page_shows_the_largest_clusters_first_and_bounded():
    rows, texts = _corpus_rows()
    sizes: dict[int, int] = {}
    for r in rows:
        sizes[r["cluster"]] = sizes.get(r["cluster"], 0) + 1
    multi = sorted((n for n in sizes.values() if n >= 2), reverse=True)
    assert len(multi) >= 3
    cfg = ReviewConfig(max_clusters=2, max_members=1)
    tree = parse(corpus_to_html(iter(rows), texts, threshold=0.8, config=cfg))
    shown = [int(el["attrs"]["data-size"]) for el in tree.find("details", cls="cluster")]
    assert shown == multi[:2]
    assert [len(tree.find(cls="copy", within=body)) for body in tree.find(cls="cluster-body")] == [1, 1]
    stats = {el["attrs"]["data-stat"]: int(text(el)) for el in tree.find(cls="n")}
    assert stats["documents"] == len(rows)
    assert stats["clusters"] == len(multi)
    assert stats["duplicates"] == sum(1 for r in rows if r["duplicate_of"] is not None)
    assert stats["documents_in_clusters"] == sum(multi)


def test_corpus_page_links_every_shown_document_by_id():
    rows, texts = _corpus_rows()
    page = corpus_to_html(rows, texts, threshold=0.8)
    tree = parse(page)
    ids = {el["attrs"]["id"] for el in tree.elements if "id" in el["attrs"]}
    hrefs = [el["attrs"]["href"][1:] for el in tree.find("a") if el["attrs"].get("href", "").startswith("#d-")]
    assert hrefs and set(hrefs) <= ids
    data = json.loads(text(tree.find("script", type="application/json")[0]))
    shown_docs = {el["attrs"]["data-doc"] for el in tree.find(cls="copy")}
    assert shown_docs <= set(data["docs"])
    assert all(data["docs"][d] in ids for d in data["docs"])
    # each copy is diffed against the document it duplicates
    for el in tree.find(cls="copy"):
        row = next(r for r in rows if r["id"] == el["attrs"]["data-doc"])
        assert row["duplicate_of"] is not None


def test_corpus_page_escapes_ids_and_text():
    rows = [
        {"id": "</script><script>alert(1)</script>", "cluster": "<u>c</u>", "duplicate_of": None, "score": None},
        {"id": "x&<img src=y onerror=alert(2)>", "cluster": "<u>c</u>", "duplicate_of": "</script><script>alert(1)</script>", "score": 0.9},
    ]
    texts = {rows[0]["id"]: "<script>alert(3)</script>正文甲乙丙", rows[1]["id"]: "<script>alert(3)</script>正文甲乙丁"}
    page = corpus_to_html(rows, texts)
    tree = parse(page)
    assert [el["tag"] for el in tree.elements if el["tag"] in ("script", "img", "u")] == ["script", "script"]
    data = json.loads(text(tree.find("script", type="application/json")[0]))
    assert set(data["docs"]) == {r["id"] for r in rows}


def test_corpus_page_over_corpus_modes_own_report_rows():
    """End to end with ``dedup.corpus.dedup_records``: its report rows go straight in (issue 5's public shape)."""
    from dedup.corpus import CorpusConfig, dedup_records
    from dedup.testing import make_corpus

    corpus = make_corpus(5, 80)
    texts = {r["id"]: r["text"] for r in corpus.records}
    rows = [d.report() for d in dedup_records(list(corpus.records), CorpusConfig(clean=False))]
    wanted = corpus_sample_ids(rows)
    assert wanted, "the generated corpus has near-duplicates"
    page = corpus_to_html(rows, lambda i: texts[i] if i in wanted else None, threshold=0.8)
    tree = parse(page)
    sizes = [int(el["attrs"]["data-size"]) for el in tree.find("details", cls="cluster")]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(1 for r in rows if r["duplicate_of"] is not None) == int(text(tree.find(cls="n", data_stat="duplicates")[0]))
    shown = [el["attrs"]["data-doc"] for el in tree.find(cls="copy")]
    assert set(shown) <= set(wanted)
    for el in tree.find(cls="copy"):
        row = next(r for r in rows if r["id"] == el["attrs"]["data-doc"])
        kept_text = texts[row["duplicate_of"]]
        if "same" in el["attrs"]["class"].split():
            assert texts[row["id"]] == kept_text and "identical" in text(el)
            continue
        # the left column is the kept document, the right one this copy, character for character
        cols = tree.find(cls="txt", within=el)
        assert html.unescape(re.sub(r"<[^>]+>", "", "".join(cols[0]["text"]))) == kept_text
        assert "".join(cols[1]["text"]) == texts[row["id"]]
    assert "(text not available)" not in page
    # both kinds of copy occur in this corpus: exact ones (said once) and near ones (diffed)
    kinds = {"same" in el["attrs"]["class"].split() for el in tree.find(cls="copy")}
    assert kinds == {True, False}


def test_best_match_candidates_agree_with_all_pairs_where_it_matters():
    """Above ``exact_up_to`` texts, only bigram-nearest candidates are scored; near-duplicates are never missed."""
    from dedup.review import best_match_scores
    from dedup.testing import synthetic_paragraphs

    paras = synthetic_paragraphs(11, 120)
    texts = paras + [p[:-3] + "另一结尾" for p in paras[:40]] + ["一是" + p for p in paras[40:60]]
    exact = best_match_scores(texts, exact_up_to=10_000)
    approx = best_match_scores(texts, exact_up_to=10)
    assert len(exact) == len(approx) == len(texts)
    assert all(a <= e + 1e-9 for a, e in zip(approx, exact))
    assert [a for a, e in zip(approx, exact) if e >= 0.5] == [e for e in exact if e >= 0.5]
    assert sum(1 for e in exact if e >= 0.8) >= 120


@given(messy_documents())
def test_every_messy_document_gets_a_complete_page(doc):
    """Whatever the generator throws at the pipeline, the page lists every cluster, edit and dropped block and shows the output."""
    result = clean(doc.text)
    data = result.report.to_dict()
    tree = parse(to_html(result.report, doc.text, result.text))
    assert len(tree.find("details", cls="cluster")) == len(data["clusters"])
    assert len(tree.find(cls="edit")) == len(data["edits"])
    assert len(tree.find(cls="drop")) == sum(1 for b in data["blocks"] if b["fate"] != "kept")
    assert re.sub(r"\s+", "", "".join(text(p) for p in tree.find(cls="para"))) == re.sub(r"\s+", "", result.text)
    assert tree.find(cls="check")[0]["attrs"].get("data-check") == "ok"
    # every in-page link has its target
    ids = {el["attrs"]["id"] for el in tree.elements if "id" in el["attrs"]}
    assert {el["attrs"]["href"][1:] for el in tree.find("a") if el["attrs"].get("href", "").startswith("#")} <= ids
