"""The review page in a real browser: Debian's chromium driven by Playwright (no browser download).

One browser serves the whole module.  Chromium comes from the system
(``apt-get install chromium``; ``.ci/run`` does it), never from
``playwright install``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import require

from dedup.io.read import read_path
from dedup.pipeline import Config, clean
from dedup.review import ReviewConfig, corpus_to_html, to_html

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def sample():
    decoded = read_path(str(SEED), Config().read)
    result = clean(decoded, source="examples/seed_zh_press.txt")
    return decoded.text, result


def _open(browser, tmp_path: Path, page_html: str, name: str = "review.html", **context):
    path = tmp_path / name
    path.write_text(page_html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, **context)
    page = ctx.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)

    def on_dialog(d):  # type: ignore[no-untyped-def]
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(5_000)
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready='1']")
    return page, errors, dialogs, requests


def test_sample_page_counts_and_clicking_a_paragraph_reveals_its_cluster(browser, sample, tmp_path):
    text_in, result = sample
    data = result.report.to_dict()
    page, errors, _, requests = _open(browser, tmp_path, to_html(result.report, text_in, result.text))
    stats = result.report.stats
    for key in ("blocks", "units", "clusters", "blocks_kept", "blocks_partly_removed", "blocks_removed", "chars_removed_as_duplicate"):
        assert int(page.inner_text(f"[data-stat='{key}']")) == stats[key], key
    assert page.locator("details.cluster").count() == stats["clusters"]
    assert page.locator(".edit.item").count() == len(data["edits"])
    assert page.locator(".drop.item").count() == stats["blocks_removed"] + stats["blocks_partly_removed"]
    assert page.locator("nav.top a[href='#clusters']").inner_text() == f"Clusters ({stats['clusters']})"

    # the largest cluster: click its kept paragraph in the canonical document
    c = max(data["clusters"], key=lambda c: (len(c["members"]), -c["id"]))
    para = page.locator(f".para[data-cluster='{c['id']}']").first
    assert not page.locator("#inspector .cluster-body").count()
    para.click()
    body = page.locator(f"#inspector .cluster-body[data-cluster='{c['id']}']")
    assert body.is_visible()
    assert "sel" in (para.get_attribute("class") or "")
    copies = body.locator(".copy")
    assert copies.count() == len(c["members"]) - 1
    # every copy's right-hand column is that copy's input text, verbatim (layout whitespace aside)
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    spans = {m: text_in[s:e] for m, (s, e) in zip(c["members"], c["member_spans"])}
    for k in range(copies.count()):
        copy = copies.nth(k)
        unit = int(copy.get_attribute("data-unit"))
        if "same" in (copy.get_attribute("class") or ""):
            assert spans[unit] == spans[int(body.get_attribute("data-kept"))] and "identical" in copy.inner_text()
        else:
            assert squeeze(copy.locator(".copy-text").inner_text()) == squeeze(spans[unit])
    assert body.locator("span.d").count() + body.locator("span.i").count() > 0, "the renumbered copies differ"

    # the cluster link in the inspector opens the cluster in the list below and scrolls to it
    page.locator("#inspector .cluster-head a").click()
    target = page.locator(f"#c-{c['id']}")
    assert target.get_attribute("open") is not None
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 1000

    # a paragraph with no copy says so
    page.locator(".para:not([data-cluster])").first.click()
    assert "Unique" in page.inner_text("#inspector")

    para.click()
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert errors == [] and requests == []
    page.context.close()


def test_paged_lists_show_one_page_and_links_open_the_right_one(browser, sample, tmp_path):
    text_in, result = sample
    data = result.report.to_dict()
    page, errors, _, _ = _open(browser, tmp_path, to_html(result.report, text_in, result.text, config=ReviewConfig(page_size=4)))
    pages = page.locator("#clusters .page")
    assert pages.count() == -(-len(data["clusters"]) // 2)
    assert sum(pages.nth(k).is_visible() for k in range(pages.count())) == 1
    last = data["clusters"][-1]["id"]
    assert not page.locator(f"#c-{last}").is_visible()
    # the paragraphs are paged too: a link (here: the address) to one on a later page shows that page
    para = page.locator(f".para[data-cluster='{last}']").first
    assert not para.is_visible()
    page.evaluate("id => { location.hash = id; }", "#" + para.get_attribute("id"))
    para.click()
    page.locator("#inspector .cluster-head a").click()
    assert page.locator(f"#c-{last}").is_visible()
    assert sum(pages.nth(k).is_visible() for k in range(pages.count())) == 1
    assert re.search(r"page (\d+) of (\d+)", page.locator("#clusters .pager span").inner_text()).groups() == (str(pages.count()), str(pages.count()))
    # the pager walks back
    page.locator("#clusters .pager button").first.click()
    assert not page.locator(f"#c-{last}").is_visible()
    assert errors == []
    page.context.close()


def test_print_shows_every_page_without_the_controls(browser, sample, tmp_path):
    text_in, result = sample
    page, _, _, _ = _open(browser, tmp_path, to_html(result.report, text_in, result.text, config=ReviewConfig(page_size=4)))
    page.emulate_media(media="print")
    assert not page.locator("#inspector").is_visible()
    assert not page.locator(".pager").first.is_visible()
    pages = page.locator("#clusters .page")
    assert all(pages.nth(k).is_visible() for k in range(pages.count()))
    # printing opens every cluster (and folds them again afterwards); evidence stays folded
    n = page.locator("details.cluster").count()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.cluster[open]").count() == n
    assert page.locator("details.evidence[open]").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.cluster[open]").count() == 0
    page.context.close()


HOSTILE = [
    "<script>window.__pwned=1;alert('x')</script>一是甲乙丙丁戊己庚辛壬癸子丑寅卯。",
    '</script><img src=x onerror="window.__pwned=2;alert(2)">乙丙丁戊己庚辛壬癸子丑寅卯辰巳午。',
    '<svg onload="window.__pwned=3"></svg><u>粗体</u>&amp;丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。<!--',
]


def test_markup_in_the_input_is_shown_and_never_runs(browser, tmp_path):
    text_in = "\n\n".join(HOSTILE + ["二是" + HOSTILE[0].split("一是", 1)[1], HOSTILE[1], HOSTILE[2]]) + "\n"
    result = clean(text_in)
    assert result.report.clusters
    html_page = to_html(result.report, text_in, result.text, title="<script>window.__pwned=4</script>")
    # bypass the page's CSP: escaping alone has to hold
    page, errors, dialogs, requests = _open(browser, tmp_path, html_page, bypass_csp=True)
    for p in page.locator(".para[data-cluster]").all():
        p.click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.locator("img").count() == 0 and page.locator("u").count() == 0
    assert page.locator("script").count() == 2
    shown = page.locator("#document").inner_text()
    for h in HOSTILE:
        assert h.split("。")[0] in shown
    assert page.title() == "<script>window.__pwned=4</script>"
    assert errors == [] and requests == []
    page.context.close()


def test_corpus_page_jumps_to_a_document_by_id(browser, tmp_path):
    rows = [
        {"id": "doc-1", "cluster": 7, "duplicate_of": None, "score": None},
        {"id": "</script><img src=x onerror=window.__pwned=1>", "cluster": 7, "duplicate_of": "doc-1", "score": 0.93},
        {"id": "doc-3", "cluster": 7, "duplicate_of": "doc-1", "score": 0.88},
        {"id": "doc-4", "cluster": 9, "duplicate_of": None, "score": None},
        {"id": "doc-5", "cluster": 9, "duplicate_of": "doc-4", "score": 1.0},
        {"id": "doc-6", "cluster": 11, "duplicate_of": None, "score": None},
    ]
    body = "各级财政补助标准为百分之六十，由自治区本级和盟市财政按照分担比例共同分担。"
    texts = {r["id"]: body + r["id"] for r in rows}
    page, errors, dialogs, _ = _open(browser, tmp_path, corpus_to_html(rows, texts, threshold=0.8), bypass_csp=True)
    sizes = [int(x) for x in page.locator("details.cluster").evaluate_all("els => els.map(e => e.dataset.size)")]
    assert sizes == [3, 2]
    assert int(page.inner_text("[data-stat='duplicates']")) == 3
    page.fill("#jump-id", rows[1]["id"])
    page.press("#jump-id", "Enter")
    target = page.locator("[data-doc]").filter(has_text="doc-1").first
    hostile_copy = page.locator(".copy").nth(0)
    assert hostile_copy.get_attribute("data-doc") == rows[1]["id"]
    assert hostile_copy.is_visible() and target.is_visible()
    page.fill("#jump-id", "no-such-id")
    page.press("#jump-id", "Enter")
    assert page.inner_text("#jump-msg") == "not in this sample"
    assert page.evaluate("typeof window.__pwned") == "undefined" and dialogs == [] and errors == []
    page.context.close()
