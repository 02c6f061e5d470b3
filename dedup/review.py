"""A self-contained HTML review page: see what was merged, dropped and repaired.

Before trusting a cleaner with a corpus, a user wants to *look*: which
paragraphs were judged duplicates, how the copies differed, what each edit
changed and on what evidence, and whether the threshold sits in a valley of
the similarity distribution.  :func:`to_html` turns one run's
:class:`~dedup.report.Report` (plus the input and output text it speaks about)
into one HTML file that shows all of that; :func:`corpus_to_html` does the
same for corpus mode over a bounded sample of the largest clusters.

Design choices, and why:

* **One file, offline.**  CSS and JS are inline, there is no font, script or
  image to fetch, so the page can be mailed, archived next to the report and
  opened years later.  The similarity histogram is inline SVG drawn here.
* **Diffs are computed in Python** (rapidfuzz ``Levenshtein.opcodes``,
  character level, which is what CJK text needs: there are no spaces to diff
  words by) and emitted as ``<span>`` runs, so the page carries no diff library.
* **Every piece of input text goes through** :func:`html.escape`.  The only
  data handed to the page's script is a JSON document in a
  ``<script type="application/json">`` element whose ``<``, ``>`` and ``&`` are
  written as ``\\u003c``/``\\u003e``/``\\u0026``, so ``</script>`` in the input
  cannot end the element.  The script builds DOM nodes (``textContent``,
  ``cloneNode``), never HTML strings.
* **Long documents stay fast.**  Long lists (paragraphs, clusters, edits,
  dropped spans) are cut into pages the script shows one at a time; clusters
  and evidence are collapsed ``<details>``; items use ``content-visibility``
  so the browser skips laying out what is off screen.  Without JS everything
  is simply shown, and ``@media print`` prints every page with the
  navigation and the side panel left out.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import UsageError

__all__ = ["ReviewConfig", "to_html", "corpus_to_html", "corpus_sample_ids", "char_diff", "histogram_svg", "script_json"]


@dataclass(frozen=True)
class ReviewConfig:
    """Bounds that keep the page small and fast whatever the input size."""

    #: items per page in the paged lists (paragraphs, clusters, edits, dropped spans)
    page_size: int = 100
    #: texts longer than this (either side) are shown without a character diff
    max_diff_chars: int = 20_000
    #: copies shown side by side per cluster (the rest are counted)
    max_copies: int = 30
    #: scored pairs listed per cluster
    max_pairs: int = 200
    #: paragraphs whose best match goes into the histogram (an even sample beyond)
    max_histogram_items: int = 5_000
    #: histogram bins over [0, 1]
    bins: int = 20
    #: run :func:`dedup.report.check` on inputs up to this many characters
    verify_max_chars: int = 5_000_000
    #: removed text longer than this is excerpted in the edit list (it is shown in full under "Dropped spans")
    excerpt_chars: int = 80
    #: corpus mode: clusters shown (largest first) and documents shown per cluster
    max_clusters: int = 50
    max_members: int = 20
    #: corpus mode: characters of each document shown
    max_doc_chars: int = 20_000


# --------------------------------------------------------------------------
# escaping


_SURROGATE = re.compile("[\ud800-\udfff]")


def esc(text: str) -> str:
    """HTML-escape ``text`` for element content *and* attribute values.

    Lone surrogates (kept by the reader for undecodable bytes) become U+FFFD,
    since they cannot be written as UTF-8.

    >>> esc('<img src=x onerror="alert(1)">&')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;'
    """
    return html.escape(_SURROGATE.sub("\ufffd", text), quote=True)


def script_json(obj: Any) -> str:
    """JSON for a ``<script type="application/json">`` element that input cannot break out of.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where their
    ``\\uXXXX`` forms mean the same thing to ``JSON.parse`` but can never
    spell ``</script>`` or ``<!--`` to the HTML parser.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = _SURROGATE.sub("\ufffd", text)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _visible(text: str) -> str:
    """Escaped text, with whitespace-only or empty strings made visible (an edit of "\\n\\n" must not look blank)."""
    if text == "":
        return '<span class="empty">(nothing)</span>'
    if text.strip() == "":
        return f'<code class="ws" title="whitespace, written as Python would">{esc(repr(text)[1:-1])}</code>'
    return esc(text)


# --------------------------------------------------------------------------
# character diff


def char_diff(a: str, b: str, *, max_chars: int = 20_000) -> tuple[str, str]:
    """Side-by-side character diff of ``a`` (left) and ``b`` (right) as two HTML strings.

    Text only in ``a`` is wrapped in ``<span class="d">``, text only in ``b``
    in ``<span class="i">``; common text is plain.  Character level because
    CJK has no word boundaries to diff by; Levenshtein (not Indel) opcodes so
    that a changed ordinal shows as one replacement, not a delete + insert.
    Texts longer than ``max_chars`` are returned escaped but undiffed.

    >>> char_diff("四是推进<b>", "三是推进")
    ('<span class="d">四</span>是推进<span class="d">&lt;b&gt;</span>', '<span class="i">三</span>是推进')
    """
    if len(a) > max_chars or len(b) > max_chars:
        return esc(a), esc(b)
    from rapidfuzz.distance import Levenshtein

    left: list[str] = []
    right: list[str] = []
    for op in Levenshtein.opcodes(a, b):
        sa, sb = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
        if op.tag == "equal":
            left.append(esc(sa))
            right.append(esc(sb))
            continue
        if sa:
            left.append(f'<span class="d">{esc(sa)}</span>')
        if sb:
            right.append(f'<span class="i">{esc(sb)}</span>')
    return "".join(left), "".join(right)


def _text_similarity(a: str, b: str, max_chars: int) -> float | None:
    """Edit similarity of two raw copies (what the eye sees), or None when too long to compute cheaply."""
    if len(a) > max_chars or len(b) > max_chars:
        return None
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0


# --------------------------------------------------------------------------
# histogram


def _bin_counts(scores: Iterable[float], bins: int) -> list[int]:
    """Counts per bin over [0, 1]; a score of exactly 1.0 falls in the last bin."""
    counts = [0] * bins
    for s in scores:
        if s is None or (isinstance(s, float) and math.isnan(s)):
            continue
        k = min(bins - 1, max(0, int(float(s) * bins)))
        counts[k] += 1
    return counts


def histogram_svg(counts: Sequence[int], threshold: float | None, *, caption: str = "") -> str:
    """An inline SVG bar chart of similarity counts over [0, 1] with the threshold as a vertical line.

    Bars at or above the threshold are coloured as "merged"; each bar carries
    a ``<title>`` tooltip with its range and count, and non-zero counts are
    printed above the bars so short bars stay readable.

    >>> svg = histogram_svg([0, 1, 0, 3], 0.75)
    >>> svg.count('class="bar') == 4 and 'data-threshold="0.75"' in svg
    True
    """
    bins = len(counts)
    w, h, left, bottom, top, right = 680, 220, 44, 34, 22, 12
    pw, ph = w - left - right, h - top - bottom
    peak = max(counts) if counts and max(counts) > 0 else 1
    bw = pw / bins
    parts = [
        f'<svg class="hist" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="{esc(caption or "histogram of similarity scores")}"'
        + (f' data-threshold="{threshold:g}"' if threshold is not None else "")
        + ">"
    ]
    # axes and ticks
    parts.append(f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}"/>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}"/>')
    for k in range(0, 11, 2):
        x = left + pw * k / 10
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 5}"/>')
        parts.append(f'<text class="tl" x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{k / 10:.1f}</text>')
    parts.append(f'<text class="tl" x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>')
    parts.append(f'<text class="tl" x="{left - 6}" y="{top + ph}" text-anchor="end">0</text>')
    parts.append(f'<text class="tl" x="{left + pw / 2:.1f}" y="{h - 2}" text-anchor="middle">similarity</text>')
    for i, c in enumerate(counts):
        lo, hi = i / bins, (i + 1) / bins
        bh = ph * c / peak
        x = left + i * bw
        above = threshold is not None and lo >= threshold - 1e-9
        cls = "bar above" if above else "bar"
        parts.append(
            f'<rect class="{cls}" data-bin="{i}" data-count="{c}" x="{x + 1:.1f}" y="{top + ph - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}">'
            f"<title>{lo:.2f}–{hi:.2f}: {c}</title></rect>"
        )
        if c:
            parts.append(f'<text class="cl" x="{x + bw / 2:.1f}" y="{top + ph - bh - 3:.1f}" text-anchor="middle">{c}</text>')
    if threshold is not None:
        x = left + pw * threshold
        parts.append(f'<line class="thr" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{top + ph}"/>')
        parts.append(f'<text class="thl" x="{x - 4:.1f}" y="{top - 10}" text-anchor="end">threshold {threshold:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def best_match_scores(texts: Sequence[str], *, limit: int = 5_000, exact_up_to: int = 300, candidates: int = 10) -> list[float]:
    """Each text's edit similarity to its most similar *other* text (rapidfuzz ``fuzz.ratio`` / 100).

    This is the distribution a threshold has to split: duplicates sit near
    1, unrelated paragraphs low, and a good threshold lies in the valley
    between.  Up to ``exact_up_to`` texts every pair is scored.  Beyond that
    all-against-all edit similarity is too slow (about 7 µs a pair for
    paragraph-sized CJK text: 30 s for 2,000 paragraphs), so each text's
    ``candidates`` nearest texts by character-bigram cosine (a sparse matrix
    product) are scored instead: a near-duplicate shares most bigrams, so it
    is always among them, and only the low end of the chart (unrelated
    paragraphs) can come out slightly lower than exact.  Beyond ``limit``
    texts an evenly spaced sample is used.  Deterministic (stable sorts, no
    randomness).

    >>> best_match_scores(["推进义务教育优质均衡", "推进义务教育优质均衡发展", "完全无关的文字"])
    [0.9091, 0.9091, 0.0]
    """
    items = [t for t in texts if t]
    if len(items) > limit:
        step = len(items) / limit
        items = [items[int(k * step)] for k in range(limit)]
    if len(items) < 2:
        return []
    import numpy as np
    from rapidfuzz import fuzz, process

    if len(items) <= exact_up_to:
        m = process.cdist(items, items, scorer=fuzz.ratio, dtype=np.float32, workers=1)
        np.fill_diagonal(m, -1.0)
        return [round(float(v) / 100.0, 4) for v in m.max(axis=1)]
    out = []
    for i, near in enumerate(_nearest_by_bigrams(items, candidates)):
        out.append(round(max(fuzz.ratio(items[i], items[j]) for j in near) / 100.0, 4))
    return out


def _nearest_by_bigrams(items: Sequence[str], k: int, *, chunk: int = 512) -> Iterable[Sequence[int]]:
    """For each text, the ``k`` other texts with the highest character-bigram cosine (ties: lower index)."""
    import numpy as np
    from scipy.sparse import csr_matrix, diags

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, t in enumerate(items):
        grams = Counter(t[j : j + 2] for j in range(len(t) - 1)) if len(t) > 1 else Counter([t])
        for g, c in sorted(grams.items()):
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
            vals.append(float(c))
    n = len(items)
    x = csr_matrix((np.array(vals), (np.array(rows), np.array(cols))), shape=(n, len(vocab)))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x = diags(1.0 / np.maximum(norms, 1e-12)) @ x
    xt = x.T.tocsr()
    k = min(k, n - 1)
    for start in range(0, n, chunk):
        sims = (x[start : start + chunk] @ xt).toarray()
        for r in range(sims.shape[0]):
            sims[r, start + r] = -np.inf
        order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        yield from (row.tolist() for row in order)


# --------------------------------------------------------------------------
# paging


def _paged(items: Sequence[str], page_size: int, *, cls: str, label: str) -> str:
    """Items grouped in ``<div class="page">`` blocks the script shows one at a time.

    Without the script (or when printing) every page is shown.
    """
    pages = []
    for k in range(0, len(items), page_size):
        off = " off" if k else ""
        pages.append(f'<div class="page{off}" data-page="{k // page_size}">' + "".join(items[k : k + page_size]) + "</div>")
    return f'<div class="paged {cls}" data-label="{esc(label)}" data-pages="{len(pages)}">' + "".join(pages) + "</div>"


# --------------------------------------------------------------------------
# the single-document page


def _report_dict(report: Any) -> dict[str, Any]:
    data = report.to_dict() if hasattr(report, "to_dict") else report
    if not isinstance(data, dict) or "blocks" not in data or "edits" not in data:
        raise UsageError("not a dedup report (expected a Report or its to_dict() with blocks and edits)")
    return data


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class _Doc:
    """What the renderer needs to know about a report, computed once."""

    data: dict[str, Any]
    input_text: str
    output_text: str
    unit_out: dict[int, tuple[int, int]]  # unit -> output range
    unit_fate: dict[int, str]
    unit_cluster: dict[int, int]
    block_unit: dict[int, int]
    kept_of: dict[int, int]  # cluster -> kept (canonical) unit
    unit_edits: dict[int, list[int]]  # unit -> indices of non-layout edits touching it
    lang: str | None
    edit_units: dict[int, list[int]]  # the inverse of unit_edits
    edit_blocks: dict[int, list[int]]  # edit -> the dropped blocks it removes text from

    @property
    def threshold(self) -> float | None:
        return self.data.get("config", {}).get("match", {}).get("threshold")

    @property
    def units(self) -> list[dict[str, Any]]:
        return self.data["units"]

    def unit_text(self, u: int) -> str:
        s, e = self.units[u]["span"]
        return self.input_text[s:e]

    def paragraph_link(self, u: int) -> str:
        """A link to where unit ``u`` is in the output, or to its dropped block when it is not."""
        if u in self.unit_out:
            return f'<a href="#p-{u}">¶{u}</a>'
        b = self.units[u]["blocks"][0]
        return f'<a href="#b-{b}">block {b}</a>'


def _fate_of(fates: Sequence[str]) -> str:
    if all(f == "kept" for f in fates):
        return "kept"
    if all(f == "removed" for f in fates):
        return "removed"
    return "partly kept"


def _analyse(data: dict[str, Any], input_text: str, output_text: str) -> _Doc:
    from .fingerprint.keys import is_cjk

    units = data["units"]
    unit_out: dict[int, tuple[int, int]] = {}
    fates: dict[int, list[str]] = {}
    block_unit: dict[int, int] = {}
    for b in data["blocks"]:
        u = b["unit"]
        block_unit[b["id"]] = u
        fates.setdefault(u, []).append(b["fate"])
        if b.get("output_span"):
            lo, hi = b["output_span"]
            old = unit_out.get(u)
            unit_out[u] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
    unit_cluster: dict[int, int] = {}
    kept_of: dict[int, int] = {}
    for c in data["clusters"]:
        for m in c["members"]:
            unit_cluster[m] = c["id"]
        # the canonical copy is the one most of whose text reached the output; ties -> earliest
        kept_of[c["id"]] = max(c["members"], key=lambda m: (unit_out[m][1] - unit_out[m][0] if m in unit_out else -1, -m))
    # edits touching each unit (by input span); both lists are sorted, so one merge pass
    unit_edits: dict[int, list[int]] = {}
    spans = sorted((u["span"][0], u["span"][1], u["id"]) for u in units)
    j = 0
    for i, e in enumerate(data["edits"]):
        if e["rule"].startswith("layout."):
            continue
        s, t = e["span"]
        while j < len(spans) and spans[j][1] < s:
            j += 1
        k = j
        while k < len(spans) and spans[k][0] <= t:
            us, ue, uid = spans[k]
            if us < t and ue > s or (s == t and us <= s <= ue):
                unit_edits.setdefault(uid, []).append(i)
            k += 1
    lang = "zh" if is_cjk(input_text[:20_000]) else None
    return _Doc(
        data,
        input_text,
        output_text,
        unit_out,
        {u: _fate_of(f) for u, f in fates.items()},
        unit_cluster,
        block_unit,
        kept_of,
        unit_edits,
        lang,
        _invert(unit_edits),
        _edit_blocks(data),
    )


def _edit_blocks(data: Mapping[str, Any]) -> dict[int, list[int]]:
    """For each removal edit, the not-kept blocks it overlaps (both lists are in input order: one merge pass)."""
    blocks = [b for b in data["blocks"] if b["fate"] != "kept"]
    out: dict[int, list[int]] = {}
    j = 0
    for i, e in enumerate(data["edits"]):
        if not _is_removal(e):
            continue
        s, t = e["span"]
        while j < len(blocks) and blocks[j]["span"][1] <= s:
            j += 1
        k = j
        while k < len(blocks) and blocks[k]["span"][0] < t:
            out.setdefault(i, []).append(blocks[k]["id"])
            k += 1
    return out


def _invert(mapping: Mapping[int, Sequence[int]]) -> dict[int, list[int]]:
    """``{u: [e...]}`` -> ``{e: [u...]}`` with sorted lists."""
    out: dict[int, list[int]] = {}
    for u in sorted(mapping):
        for e in mapping[u]:
            out.setdefault(e, []).append(u)
    return out


def _lang_attr(lang: str | None) -> str:
    return f' lang="{lang}"' if lang else ""


def _summary_html(doc: _Doc, problems: list[str] | None) -> str:
    s = doc.data["stats"]
    edits = doc.data["edits"]
    n_layout = sum(1 for e in edits if e["rule"].startswith("layout."))
    cells = [
        ("blocks", s["blocks"], "input blocks"),
        ("units", s["units"], "paragraphs after stitching"),
        ("clusters", s["clusters"], "clusters of near-duplicates"),
        ("blocks_kept", s["blocks_kept"], "blocks kept"),
        ("blocks_partly_removed", s["blocks_partly_removed"], "blocks partly kept"),
        ("blocks_removed", s["blocks_removed"], "blocks removed"),
        ("chars_removed_as_duplicate", s["chars_removed_as_duplicate"], "characters removed as duplicate"),
        ("edits", len(edits) - n_layout, "edits (besides layout)"),
        ("layout_edits", n_layout, "layout edits"),
    ]
    out = ['<div class="stats">']
    for key, value, label in cells:
        cls = {"blocks_kept": " kept", "blocks_partly_removed": " partial", "blocks_removed": " removed"}.get(key, "")
        out.append(f'<div class="stat{cls}"><span class="n" data-stat="{key}">{value}</span><span class="l">{esc(label)}</span></div>')
    out.append("</div>")
    inp, outp = doc.data.get("input", {}), doc.data.get("output", {})
    out.append(
        '<p class="meta">'
        f"input: {inp.get('chars', len(doc.input_text))} characters"
        + (f", {inp.get('bytes')} bytes in {esc(str(inp.get('encoding')))}" if inp.get("bytes") is not None else "")
        + f" → output: {outp.get('chars', len(doc.output_text))} characters"
        + (f" ({100 * (1 - len(doc.output_text) / max(1, len(doc.input_text))):.1f}% smaller)" if doc.input_text else "")
        + "</p>"
    )
    rules = s.get("edits_by_rule", {})
    if rules:
        out.append('<table class="rules"><thead><tr><th>rule</th><th>edits</th></tr></thead><tbody>')
        for rule, n in rules.items():
            out.append(f'<tr><td><code>{esc(rule)}</code></td><td class="num" data-rule="{esc(rule)}">{n}</td></tr>')
        out.append("</tbody></table>")
    if problems is None:
        out.append('<p class="check skipped">The report was not re-verified here (input too large); run <code>dedup.report.check</code>.</p>')
    elif problems:
        out.append('<div class="check bad"><p>The report does <b>not</b> account for this input and output:</p><ul>')
        out.extend(f"<li>{esc(p)}</li>" for p in problems[:20])
        out.append("</ul></div>")
    else:
        out.append(
            '<p class="check ok" data-check="ok">✓ Verified: the edits replay the input into the output exactly, and every input character belongs to a block.</p>'
        )
    return "".join(out)


def _histogram_section(doc: _Doc, config: ReviewConfig) -> tuple[str, dict[str, Any]]:
    """The histogram and where its numbers come from (the report's own pairs when it has them)."""
    data = doc.data
    threshold = data.get("config", {}).get("match", {}).get("threshold")
    if isinstance(data.get("pairs"), list):
        scores = [float(p["similarity"]) for p in data["pairs"]]
        what = "every pair of paragraphs the matcher scored"
    else:
        from .fingerprint.keys import KeyConfig, matching_key

        try:
            kc = KeyConfig(**data.get("config", {}).get("keys", {}))
        except TypeError:
            kc = KeyConfig()
        keys = [matching_key(doc.unit_text(u["id"]), kc) for u in doc.units if u.get("kind") != "heading"]
        scores = best_match_scores(keys, limit=config.max_histogram_items)
        what = (
            "each paragraph's similarity to its most similar other paragraph (matching keys and edit similarity as the matcher uses them, "
            "recomputed from the input)"
        )
    counts = _bin_counts(scores, config.bins)
    caption = f"Histogram of {len(scores)} similarity scores: {what}."
    svg = histogram_svg(counts, threshold, caption=caption)
    below = sum(1 for x in scores if threshold is not None and x < threshold)
    near = sum(1 for x in scores if threshold is not None and abs(x - threshold) < 0.05)
    note = (
        f"<p>{esc(caption)} "
        + (
            f"Threshold {threshold:g}: {len(scores) - below} at or above, {below} below; "
            f"<span data-near-threshold=\"{near}\">{near}</span> within ±0.05 of it"
            + (" — few scores near the line means the threshold sits in a valley." if near <= max(1, len(scores) // 50) else " — many scores sit close to the line; inspect the clusters near it.")
            if threshold is not None
            else ""
        )
        + "</p>"
    )
    return f'<figure class="histogram">{svg}<figcaption>{note}</figcaption></figure>', {"scores": len(scores), "threshold": threshold, "counts": counts}


def _document_html(doc: _Doc, config: ReviewConfig) -> str:
    """The output, one clickable element per paragraph (unit) that reached it."""
    out = doc.output_text
    ranges = sorted((lo, hi, u) for u, (lo, hi) in doc.unit_out.items())
    items: list[str] = []
    pos = 0
    lang = _lang_attr(doc.lang)
    sizes = Counter(doc.unit_cluster.values())

    def gap(a: int, b: int) -> None:
        # output text no paragraph claims (only layout whitespace, normally): show it if it is more than that
        if a < b and out[a:b].strip():
            items.append(f'<div class="para gap item"{lang}>{esc(out[a:b])}</div>')

    for lo, hi, u in ranges:
        lo = max(lo, pos)
        if lo >= hi:
            continue
        gap(pos, lo)
        c = doc.unit_cluster.get(u)
        kind = doc.units[u].get("kind", "paragraph")
        attrs = f' id="p-{u}" data-unit="{u}" tabindex="0" role="button"'
        cls = "para item"
        if kind == "heading":
            cls += " heading"
        if c is not None:
            n = sizes[c]
            cls += " clustered"
            attrs += f' data-cluster="{c}" data-badge="×{n}"'
        if doc.unit_edits.get(u):
            cls += " edited"
        items.append(f'<div class="{cls}"{attrs}{lang}>{esc(out[lo:hi].strip(chr(10)))}</div>')
        pos = hi
    gap(pos, len(out))
    return _paged(items, config.page_size * 2, cls="doc", label="paragraphs")


def _sim(p: Mapping[str, Any], threshold: float | None) -> str:
    """A pair's recorded similarity; 0 with shared shingles means "below the threshold, not computed further".

    The matcher asks rapidfuzz for the ratio with a score cutoff, which
    returns 0 below it, so printing 0.000 would understate the pair.
    """
    if p["similarity"] == 0 and p["jaccard"] > 0 and threshold is not None:
        return f'<span title="the matcher stops computing similarity below the threshold">&lt;{threshold:g}</span>'
    return f'{p["similarity"]:.3f}'


def _scores_line(p: Mapping[str, Any] | None, raw: float | None, threshold: float | None) -> str:
    if p is None:
        s = "not compared directly (joined through other copies)"
    else:
        s = (
            f'similarity <b>{_sim(p, threshold)}</b> · jaccard {p["jaccard"]:.3f} · containment {p["containment"]:.3f} · '
            f'{"accepted" if p["accepted"] else "rejected"} ({esc(str(p["reason"]))})'
        )
    if raw is not None:
        s += f" · raw-text similarity {raw:.3f}"
    return f'<p class="scores">{s}</p>'


def _cluster_html(doc: _Doc, c: Mapping[str, Any], config: ReviewConfig) -> str:
    cid = c["id"]
    members = list(c["members"])
    kept = doc.kept_of[cid]
    pairs = {(p["a"], p["b"]): p for p in c.get("pairs", [])}
    sims = [p["similarity"] for p in c.get("pairs", []) if p["accepted"] and not (p["similarity"] == 0 and p["jaccard"] > 0)]
    kept_text = doc.unit_text(kept)
    lang = _lang_attr(doc.lang)
    snippet = kept_text.strip()[:60]
    head = (
        f'<summary><span class="cid">Cluster {cid}</span> · {len(members)} copies · kept {doc.paragraph_link(kept)}'
        + (f" · similarity {min(sims):.2f}–{max(sims):.2f}" if sims else "")
        + f' · <span class="snip"{lang}>{esc(snippet)}…</span></summary>'
    )
    body = [f'<div class="cluster-body" data-cluster="{cid}" data-copies="{len(members)}" data-kept="{kept}">']
    others = [m for m in members if m != kept]
    for m in others[: config.max_copies]:
        text = doc.unit_text(m)
        p = pairs.get((min(kept, m), max(kept, m)))
        span_k, span_m = doc.units[kept]["span"], doc.units[m]["span"]
        if text == kept_text:
            # exact copies are common; printing the same text twice more would only make the page heavy
            body.append(
                f'<div class="copy same" data-unit="{m}">' + _scores_line(p, 1.0, doc.threshold) + f'<div class="col"><div class="ch">copy: {doc.paragraph_link(m)} · '
                f'input [{span_m[0]}, {span_m[1]}) · <span class="fate">{doc.unit_fate.get(m, "")}</span> · identical to the kept copy {doc.paragraph_link(kept)}, character for character</div></div></div>'
            )
            continue
        left, right = char_diff(kept_text, text, max_chars=config.max_diff_chars)
        body.append(
            f'<div class="copy" data-unit="{m}">'
            + _scores_line(p, _text_similarity(kept_text, text, config.max_diff_chars), doc.threshold)
            + '<div class="sbs">'
            f'<div class="col"><div class="ch">kept: {doc.paragraph_link(kept)} · input [{span_k[0]}, {span_k[1]}) · {doc.unit_fate.get(kept, "")}</div><div class="txt"{lang}>{left}</div></div>'
            f'<div class="col"><div class="ch">copy: {doc.paragraph_link(m)} · input [{span_m[0]}, {span_m[1]}) · <span class="fate">{doc.unit_fate.get(m, "")}</span></div><div class="txt copy-text"{lang}>{right}</div></div>'
            "</div></div>"
        )
    if len(others) > config.max_copies:
        body.append(f'<p class="more">{len(others) - config.max_copies} more copies not shown (see the JSON report).</p>')
    if c.get("pairs"):
        body.append('<details class="pairs"><summary>all scored pairs</summary><table><thead><tr><th>a</th><th>b</th><th>similarity</th><th>jaccard</th><th>containment</th><th>decision</th></tr></thead><tbody>')
        for p in c["pairs"][: config.max_pairs]:
            body.append(
                f'<tr><td>{doc.paragraph_link(p["a"])}</td><td>{doc.paragraph_link(p["b"])}</td><td class="num">{_sim(p, doc.threshold)}</td>'
                f'<td class="num">{p["jaccard"]:.3f}</td><td class="num">{p["containment"]:.3f}</td>'
                f'<td>{"accepted" if p["accepted"] else "rejected"}: {esc(str(p["reason"]))}</td></tr>'
            )
        body.append("</tbody></table>")
        if len(c["pairs"]) > config.max_pairs:
            body.append(f'<p class="more">{len(c["pairs"]) - config.max_pairs} more pairs in the JSON report.</p>')
        body.append("</details>")
    body.append("</div>")
    return f'<details class="cluster item" id="c-{cid}" data-cluster="{cid}">{head}{"".join(body)}</details>'


def _edit_html(doc: _Doc, i: int, e: Mapping[str, Any], config: ReviewConfig) -> str:
    s, t = e["span"]
    if e["rule"].startswith("layout.") and not e.get("evidence") and not e.get("subsumes") and len(e["before"]) + len(e["after"]) <= 20:
        # blank-line bookkeeping: one line each, there can be as many as there are paragraphs
        return (
            f'<div class="edit item lay" id="e-{i}" data-rule="{esc(e["rule"])}"><code class="rule">{esc(e["rule"])}</code> · input [{s}, {t}) · '
            f'<span class="d">{_visible(e["before"])}</span> → <span class="i">{_visible(e["after"])}</span> · {esc(e["reason"])}</div>'
        )
    before, after = e["before"], e["after"]
    lang = _lang_attr(doc.lang)
    if before and after and before.strip() and after.strip():
        left, right = char_diff(before, after, max_chars=config.max_diff_chars)
        change = (
            f'<div class="sbs"><div class="col"><div class="ch">before</div><div class="txt"{lang}>{left}</div></div>'
            f'<div class="col"><div class="ch">after</div><div class="txt"{lang}>{right}</div></div></div>'
        )
    elif not after and len(before) > config.excerpt_chars and doc.edit_blocks.get(i):
        # a removed paragraph is shown in full under "Dropped spans"; repeating it here would double the page
        n = config.excerpt_chars // 2
        shown = f'<span class="d">{esc(before[:n])}</span> … <span class="d">{esc(before[-n // 2 :])}</span>'
        blocks = ", ".join(f'<a href="#b-{b}">block {b}</a>' for b in doc.edit_blocks[i])
        change = f'<div class="col"><div class="ch">removed {len(before)} characters (in full: {blocks})</div><div class="txt"{lang}>{shown}</div></div>'
    elif not after:
        change = f'<div class="col"><div class="ch">removed</div><div class="txt"{lang}><span class="d">{_visible(before)}</span></div></div>'
    elif not before:
        change = f'<div class="col"><div class="ch">inserted</div><div class="txt"{lang}><span class="i">{_visible(after)}</span></div></div>'
    else:
        change = (
            f'<div class="sbs"><div class="col"><div class="ch">before</div><div class="txt"{lang}><span class="d">{_visible(before)}</span></div></div>'
            f'<div class="col"><div class="ch">after</div><div class="txt"{lang}><span class="i">{_visible(after)}</span></div></div></div>'
        )
    where = doc.edit_units.get(i, [])
    links = " ".join(doc.paragraph_link(u) for u in where)
    ev = e.get("evidence") or {}
    ev_html = ""
    if ev:
        # one line per key, values as compact JSON: readable, and a tenth of the size of indented JSON
        ev_text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in sorted(ev.items()))
        ev_html = f'<details class="evidence"><summary>evidence</summary><pre{lang}>{html.escape(_SURROGATE.sub(chr(0xFFFD), ev_text), quote=False)}</pre></details>'
        cl = ev.get("cluster")
        if isinstance(cl, int):
            links += f' · <a href="#c-{cl}">cluster {cl}</a>'
    sub = ""
    if e.get("subsumes"):
        sub = '<ul class="subsumes">' + "".join(f"<li><code>{esc(x['rule'])}</code>: {esc(x['reason'])}</li>" for x in e["subsumes"]) + "</ul>"
    return (
        f'<div class="edit item" id="e-{i}" data-rule="{esc(e["rule"])}">'
        f'<div class="eh"><code class="rule">{esc(e["rule"])}</code> · input [{s}, {t}) · confidence {float(e.get("confidence", 1.0)):.2f}'
        + (f" · {links}" if links else "")
        + f'</div><p class="reason">{esc(e["reason"])}</p>{change}{sub}{ev_html}</div>'
    )


def _is_removal(e: Mapping[str, Any]) -> bool:
    """An edit that drops text as duplicate (as opposed to one that repairs or lays it out)."""
    return e["after"] == "" or (e["rule"].startswith("dedup.") and e["rule"] not in ("dedup.complete_from_copy", "dedup.extend_from_copy"))


def _dropped_html(doc: _Doc, config: ReviewConfig) -> tuple[list[str], int]:
    """Every block not kept whole: its text with the removed parts marked, and what it duplicates."""
    edits = doc.data["edits"]
    starts = [e["span"][0] for e in edits]
    import bisect

    items = []
    lang = _lang_attr(doc.lang)
    for b in doc.data["blocks"]:
        if b["fate"] == "kept":
            continue
        s, t = b["span"]
        pieces = []
        pos = s
        dropped = 0
        k = max(0, bisect.bisect_right(starts, s) - 1)
        while k < len(edits) and edits[k]["span"][0] < t:
            e = edits[k]
            es, et = e["span"]
            k += 1
            a, z = max(es, s), min(et, t)
            if a >= z or e["rule"].startswith("layout."):
                continue
            pieces.append(esc(doc.input_text[pos:a]))
            pieces.append(f'<span class="d" title="{esc(e["rule"])}">{esc(doc.input_text[a:z])}</span>')
            if _is_removal(e):
                dropped += z - a
            elif e["after"] and es >= s and et <= t:
                # a repair inside a dropped block: show what it became, too
                pieces.append(f'<span class="i" title="{esc(e["rule"])}">{esc(e["after"])}</span>')
            pos = z
        pieces.append(esc(doc.input_text[pos:t]))
        dups = b.get("duplicate_of_blocks") or []
        dup_units = sorted({doc.block_unit[x] for x in dups if x in doc.block_unit})
        c = b.get("cluster")
        fate = "removed" if b["fate"] == "removed" else "partly removed"
        head = (
            f'<div class="ch">block {b["id"]} · input [{s}, {t}) · <span class="fate">{fate}</span> · {dropped} of {t - s} characters dropped'
            + (" · duplicate of " + ", ".join(doc.paragraph_link(u) for u in dup_units) if dup_units else "")
            + (f' · <a href="#c-{c}">cluster {c}</a>' if c is not None else "")
            + (" · " + ", ".join(f"<code>{esc(r)}</code>" for r in b.get("rules", [])) if b.get("rules") else "")
            + "</div>"
        )
        items.append(f'<div class="drop item" id="b-{b["id"]}" data-block="{b["id"]}" data-fate="{esc(b["fate"])}">{head}<div class="txt"{lang}>{"".join(pieces)}</div></div>')
    return items, len(items)


def _unit_json(doc: _Doc) -> dict[str, Any]:
    """What the script needs per output paragraph: its cluster, blocks, edits and spans."""
    out: dict[str, Any] = {}
    for u in sorted(doc.unit_out):
        out[str(u)] = {
            "c": doc.unit_cluster.get(u),
            "b": doc.units[u]["blocks"],
            "e": doc.unit_edits.get(u, []),
            "in": doc.units[u]["span"],
            "out": list(doc.unit_out[u]),
            "kept": doc.kept_of.get(doc.unit_cluster[u]) == u if u in doc.unit_cluster else None,
        }
    return out


def to_html(report: Any, input_text: str, output_text: str, *, title: str | None = None, config: ReviewConfig | None = None) -> str:
    """The review page of one run, as one self-contained HTML document.

    ``report`` is a :class:`~dedup.report.Report` (or its ``to_dict()``);
    ``input_text`` is the decoded input it was made from and ``output_text``
    the cleaned text.  Raises :class:`~dedup.errors.UsageError` if the input
    is not the one the report describes (its sha256 differs), since every span
    on the page would then point at the wrong characters.

    >>> from dedup.pipeline import clean
    >>> r = clean("一是甲乙丙丁戊己庚辛。\\n\\n二是甲乙丙丁戊己庚辛。\\n")
    >>> page = to_html(r.report, "一是甲乙丙丁戊己庚辛。\\n\\n二是甲乙丙丁戊己庚辛。\\n", r.text)
    >>> page.startswith("<!DOCTYPE html>") and 'id="c-0"' in page
    True
    """
    config = config or ReviewConfig()
    data = _report_dict(report)
    recorded = data.get("input", {}).get("sha256")
    if recorded and recorded != _sha(input_text):
        raise UsageError("the input text is not the one this report was made from (sha256 differs)")
    doc = _analyse(data, input_text, output_text)
    problems: list[str] | None = None
    if len(input_text) <= config.verify_max_chars:
        from .report import check

        problems = check(input_text, output_text, data)
    source = data.get("input", {}).get("source")
    title = title or (f"dedup review: {source}" if source else "dedup review")
    hist, hist_info = _histogram_section(doc, config)
    clusters = [_cluster_html(doc, c, config) for c in data["clusters"]]
    dropped, n_dropped = _dropped_html(doc, config)
    main_edits = [_edit_html(doc, i, e, config) for i, e in enumerate(data["edits"]) if not e["rule"].startswith("layout.")]
    layout_edits = [_edit_html(doc, i, e, config) for i, e in enumerate(data["edits"]) if e["rule"].startswith("layout.")]
    page_data = {
        "kind": "document",
        "stats": data["stats"],
        "units": _unit_json(doc),
        "histogram": hist_info,
        "edits": len(data["edits"]),
        "dropped": n_dropped,
    }
    body = f"""
<header class="top"><h1>{esc(title)}</h1>
<nav class="top"><a href="#summary">Summary</a><a href="#similarity">Similarity</a><a href="#document">Document</a><a href="#clusters">Clusters ({len(clusters)})</a><a href="#dropped">Dropped ({n_dropped})</a><a href="#edits">Edits ({len(main_edits)})</a></nav></header>
<main>
<div class="overview"><section id="summary"><h2>Summary</h2>{_summary_html(doc, problems)}</section>
<section id="similarity"><h2>Similarity and threshold</h2>{hist}</section></div>
<section id="document"><h2>Canonical document</h2>
<p class="hint">Click a paragraph to see its cluster: the copies it was merged from, side by side with the differences marked, the scores and the edits that touched it. A blue rule marks a paragraph that had near-duplicate copies (×n: how many); a tint, one that an edit changed (stitched, repaired).</p>
<div class="doc-wrap">{_document_html(doc, config)}
<aside id="inspector" aria-live="polite"><p class="hint">Select a paragraph on the left.</p></aside></div></section>
<section id="clusters"><h2>Clusters</h2><p class="hint">Each cluster shows the kept copy (left) against every other copy (right): <span class="d">only in the kept copy</span>, <span class="i">only in this copy</span>.</p>
{_paged(clusters, config.page_size // 2 or 1, cls="clusters", label="clusters") if clusters else '<p class="empty">No near-duplicates were found.</p>'}</section>
<section id="dropped"><h2>Dropped spans</h2><p class="hint">Every input block that did not reach the output whole, with the removed text <span class="d">marked</span>.</p>
{_paged(dropped, config.page_size, cls="dropped", label="dropped blocks") if dropped else '<p class="empty">Nothing was dropped.</p>'}</section>
<section id="edits"><h2>Edits</h2><p class="hint">Every change, in input order, with its rule, reason, confidence and evidence. Applying them to the input gives the output exactly.</p>
{_paged(main_edits, config.page_size, cls="edits", label="edits") if main_edits else '<p class="empty">No edits besides layout.</p>'}
<details class="layout-edits"><summary>{len(layout_edits)} layout edits (blank lines between the paragraphs that remain)</summary>{_paged(layout_edits, config.page_size, cls="edits", label="layout edits")}</details>
</section>
</main>"""
    return _page(title, body, page_data)


# --------------------------------------------------------------------------
# the corpus page


def _blank_cluster(value: Any) -> bool:
    return value is None or value == "" or value == -1


@dataclass
class _CorpusSample:
    """One pass over the corpus report: counts, score histogram, and the members kept for the sample."""

    n_docs: int
    n_dup: int
    score_bins: list[int]
    n_scores: int
    size: Counter[str]
    kept_row: dict[str, Mapping[str, Any]]
    copies: dict[str, list[Mapping[str, Any]]]
    n_clusters: int
    docs_in_clusters: int
    sample: list[str]  # cluster keys shown, largest first

    def kept(self, key: str) -> Mapping[str, Any]:
        """The cluster's kept row; when it is not among the rows, the id most copies point to."""
        row = self.kept_row.get(key)
        if row is not None:
            return row
        target = Counter(str(r.get("duplicate_of")) for r in self.copies.get(key, [])).most_common(1)[0][0]
        return {"id": target, "cluster": key, "duplicate_of": None, "score": None}


def _sample_corpus(rows: Iterable[Mapping[str, Any]], config: ReviewConfig) -> _CorpusSample:
    n_docs = n_dup = n_scores = 0
    score_bins = [0] * config.bins
    size: Counter[str] = Counter()
    kept_row: dict[str, Mapping[str, Any]] = {}
    copies: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        n_docs += 1
        if row.get("duplicate_of") is not None:
            n_dup += 1
        sc = row.get("score")
        if isinstance(sc, (int, float)) and not isinstance(sc, bool) and not math.isnan(sc):
            score_bins[min(config.bins - 1, max(0, int(float(sc) * config.bins)))] += 1
            n_scores += 1
        c = row.get("cluster")
        # corpus mode gives every document a cluster and says its size: singletons cost no memory here
        if _blank_cluster(c) or row.get("cluster_size") == 1:
            continue
        key = c if isinstance(c, str) else json.dumps(c, sort_keys=True, ensure_ascii=False)
        size[key] += 1
        if row.get("duplicate_of") is None:
            kept_row.setdefault(key, row)
        else:
            lst = copies.setdefault(key, [])
            if len(lst) < config.max_members:
                lst.append(row)
    multi = [k for k, n in size.items() if n >= 2]
    ranked = sorted(multi, key=lambda k: (-size[k], k))
    return _CorpusSample(
        n_docs, n_dup, score_bins, n_scores, size, kept_row, copies, len(multi), sum(size[k] for k in multi), ranked[: config.max_clusters]
    )


def corpus_sample_ids(rows: Iterable[Mapping[str, Any]], *, config: ReviewConfig | None = None) -> list[str]:
    """The ids of the documents :func:`corpus_to_html` will show (and look up in ``texts``), as strings.

    For a caller that streams its corpus: run this over the report rows,
    re-read the input keeping only these documents' texts, then call
    :func:`corpus_to_html` with the same rows.

    >>> rows = [{"id": "a", "cluster": "a", "duplicate_of": None, "score": None},
    ...         {"id": "b", "cluster": "a", "duplicate_of": "a", "score": 0.9},
    ...         {"id": "c", "cluster": "c", "duplicate_of": None, "score": None}]
    >>> corpus_sample_ids(rows)
    ['a', 'b']
    """
    sample = _sample_corpus(rows, config or ReviewConfig())
    out: list[str] = []
    for key in sample.sample:
        out.append(str(sample.kept(key)["id"]))
        out.extend(str(r["id"]) for r in sample.copies.get(key, []))
    return out


def corpus_to_html(
    rows: Iterable[Mapping[str, Any]],
    texts: Mapping[str, str] | Callable[[str], str | None],
    *,
    threshold: float | None = None,
    title: str | None = None,
    config: ReviewConfig | None = None,
) -> str:
    """The review page of a corpus run over a bounded sample of its largest clusters.

    ``rows`` are the corpus report's rows (one mapping per document, in any
    order, read once) with at least ``id`` (document id), ``cluster`` (the
    same value for every member; ``None``/``-1``/``""`` or a cluster of one
    means the document has no near-duplicate), ``duplicate_of`` (the kept
    document's id, ``None`` when kept) and ``score`` (similarity to the kept
    document, ``None`` when kept); ``match`` (why it matched) and
    ``cluster_size`` are used when present.  ``texts`` maps a document id to
    its text (a mapping or a function; only the sampled documents, see
    :func:`corpus_sample_ids`, are looked up).

    Shows the counts, a histogram of every row's score with ``threshold``,
    and the ``config.max_clusters`` largest clusters (ties: by cluster value
    as text, so the page is deterministic), each with its kept document
    against up to ``config.max_members`` copies, side by side with the
    differences marked.  Every document has an anchor and every
    ``duplicate_of`` is a link; a box jumps to a document by id.  Memory is
    bounded by the documents that have near-duplicates (their cluster key,
    and at most ``max_members`` rows per cluster), not by the corpus.
    """
    config = config or ReviewConfig()
    lookup: Callable[[str], str | None] = texts if callable(texts) else texts.get  # type: ignore[assignment]
    cs = _sample_corpus(rows, config)
    size, copies, sample = cs.size, cs.copies, cs.sample
    n_docs, n_dup, n_scores, score_bins, n_clusters = cs.n_docs, cs.n_dup, cs.n_scores, cs.score_bins, cs.n_clusters
    anchors: dict[str, str] = {}

    def anchor(doc_id: Any) -> str:
        key = str(doc_id)
        if key not in anchors:
            anchors[key] = f"d-{len(anchors)}"
        return anchors[key]

    def doc_text(doc_id: Any) -> str | None:
        # ids may be numbers in the report rows and strings in the text mapping (or the other way round)
        t = lookup(doc_id)
        return lookup(str(doc_id)) if t is None and not isinstance(doc_id, str) else t

    from .fingerprint.keys import is_cjk

    items = []
    for key in sample:
        kept = cs.kept(key)
        cps = copies.get(key, [])
        kid = kept["id"]
        ktext = doc_text(kid)
        lang = "zh" if ktext and is_cjk(ktext[:5000]) else None
        la = _lang_attr(lang)
        ktext_shown = (ktext or "")[: config.max_doc_chars]
        parts = []
        shown_once = False
        for r in cps:
            rid = r["id"]
            rtext = doc_text(rid)
            rshown = (rtext or "")[: config.max_doc_chars]
            if ktext is None or rtext is None:
                left = esc(ktext_shown) if ktext is not None else '<span class="empty">(text not available)</span>'
                right = esc(rshown) if rtext is not None else '<span class="empty">(text not available)</span>'
            else:
                left, right = char_diff(ktext_shown, rshown, max_chars=config.max_diff_chars)
            sc = r.get("score")
            sc_txt = f"score <b>{float(sc):.3f}</b>" if isinstance(sc, (int, float)) and not isinstance(sc, bool) else "no score"
            if r.get("match"):
                sc_txt += f" · {esc(str(r['match']))}"
            cut = " (shown truncated)" if (rtext and len(rtext) > config.max_doc_chars) or (ktext and len(ktext) > config.max_doc_chars) else ""
            if rtext is not None and rtext == ktext:
                # exact copies are the commonest duplicates: say so instead of printing the text twice more
                shown_once = True
                parts.append(
                    f'<div class="copy same" id="{anchor(rid)}" data-doc="{esc(str(rid))}"><p class="scores">{sc_txt} · <b>{esc(str(rid))}</b> is identical to '
                    f'<a href="#{anchor(kid)}">{esc(str(kid))}</a>, character for character</p></div>'
                )
                continue
            parts.append(
                f'<div class="copy" id="{anchor(rid)}" data-doc="{esc(str(rid))}"><p class="scores">{sc_txt} · duplicate of '
                f'<a href="#{anchor(kid)}">{esc(str(r.get("duplicate_of")))}</a>{cut}</p><div class="sbs">'
                f'<div class="col"><div class="ch">kept: <a href="#{anchor(kid)}">{esc(str(kid))}</a></div><div class="txt"{la}>{left}</div></div>'
                f'<div class="col"><div class="ch">copy: <b>{esc(str(rid))}</b></div><div class="txt"{la}>{right}</div></div></div></div>'
            )
        if shown_once:
            parts.insert(0, f'<div class="col kept-text"><div class="ch">kept: {esc(str(kid))}{" (shown truncated)" if ktext and len(ktext) > config.max_doc_chars else ""}</div><div class="txt"{la}>{esc(ktext_shown)}</div></div>')
        more = size[key] - 1 - len(cps)
        if more > 0:
            parts.append(f'<p class="more">{more} more copies not shown (see the corpus report).</p>')
        snippet = (ktext or "").strip()[:60]
        items.append(
            f'<details class="cluster item" data-cluster="{esc(key)}" data-size="{size[key]}" id="k-{len(items)}">'
            f'<summary><span class="cid">Cluster {esc(key)}</span> · {size[key]} documents · kept <span class="kept-doc" id="{anchor(kid)}">{esc(str(kid))}</span>'
            f' · <span class="snip"{la}>{esc(snippet)}…</span></summary>'
            f'<div class="cluster-body" data-cluster="{esc(key)}" data-copies="{size[key]}">{"".join(parts)}</div></details>'
        )
    in_clusters = cs.docs_in_clusters
    stats = {
        "documents": n_docs,
        "clusters": n_clusters,
        "documents_in_clusters": in_clusters,
        "duplicates": n_dup,
        "kept": n_docs - n_dup,
        "clusters_shown": len(sample),
    }
    cells = "".join(
        f'<div class="stat"><span class="n" data-stat="{k}">{v}</span><span class="l">{esc(k.replace("_", " "))}</span></div>' for k, v in stats.items()
    )
    caption = f"Histogram of {n_scores} document scores (similarity to the kept document)."
    svg = histogram_svg(score_bins, threshold, caption=caption)
    title = title or "dedup corpus review"
    page_data = {"kind": "corpus", "stats": stats, "docs": anchors, "histogram": {"scores": n_scores, "threshold": threshold, "counts": score_bins}}
    body = f"""
<header class="top"><h1>{esc(title)}</h1>
<nav class="top"><a href="#summary">Summary</a><a href="#similarity">Similarity</a><a href="#clusters">Clusters ({len(sample)} of {n_clusters})</a>
<form id="jump" class="jump" autocomplete="off"><label>document id <input id="jump-id" type="search" size="18"></label> <button type="submit">go</button> <span id="jump-msg" class="hint"></span></form></nav></header>
<main>
<div class="overview"><section id="summary"><h2>Summary</h2><div class="stats">{cells}</div>
<p class="meta">Showing the {len(sample)} largest of {n_clusters} clusters, up to {config.max_members} copies each.</p></section>
<section id="similarity"><h2>Similarity and threshold</h2><figure class="histogram">{svg}<figcaption><p>{esc(caption)}</p></figcaption></figure></section></div>
<section id="clusters"><h2>Largest clusters</h2><p class="hint">Kept document (left) against each copy (right): <span class="d">only in the kept document</span>, <span class="i">only in this copy</span>.</p>
{_paged(items, config.page_size // 4 or 1, cls="clusters", label="clusters") if items else '<p class="empty">No near-duplicate documents.</p>'}</section>
</main>"""
    return _page(title, body, page_data)


# --------------------------------------------------------------------------
# the page shell

_CSS = """
:root{--fg:#1d2330;--muted:#5b6474;--bg:#fff;--soft:#f5f7fb;--line:#d9dee7;--accent:#2557c7;--sel:#e3ebfc;
--d:#ffd9d6;--dfg:#8a1c13;--i:#cff3d6;--ifg:#145a2e;--kept:#2f855a;--removed:#c53030;--partial:#b7791f}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
:lang(zh){font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",
"WenQuanYi Micro Hei","WenQuanYi Zen Hei",system-ui,sans-serif;line-height:1.8}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono","Noto Sans Mono CJK SC","WenQuanYi Micro Hei Mono",monospace;font-size:.9em}
pre{white-space:pre-wrap;word-break:break-all;background:var(--soft);padding:8px;border-radius:4px;margin:4px 0}
a{color:var(--accent)}
[id]{scroll-margin-top:72px}
header.top{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:6px 20px}
header.top h1{font-size:17px;margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
nav.top{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px;align-items:center}
main{max-width:1500px;margin:0 auto;padding:8px 20px 60px}
section{margin-top:22px}
h2{font-size:20px;border-bottom:2px solid var(--line);padding-bottom:2px;margin:0 0 10px}
.hint{color:var(--muted);font-size:13px;margin:4px 0 8px}
.overview{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:28px;align-items:start}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:8px}
.stat{border:1px solid var(--line);border-radius:6px;padding:4px 10px;background:var(--soft)}
.stat .n{display:block;font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}
.stat .l{font-size:12px;color:var(--muted)}
.stat.kept .n{color:var(--kept)}.stat.partial .n{color:var(--partial)}.stat.removed .n{color:var(--removed)}
.meta{color:var(--muted);font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid var(--line);padding:2px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.check{font-size:14px;padding:6px 10px;border-radius:4px}
.check.ok{background:#e8f6ec;color:#1d5b35}.check.bad{background:#fde8e8;color:#8a1c13}
.histogram{margin:0}
.hist{max-width:100%;height:auto;font:11px system-ui,sans-serif}
.hist .axis,.hist .tick{stroke:#8b93a1}.hist .tl{fill:#5b6474}.hist .cl{fill:#1d2330;font-size:10px}
.hist .bar{fill:#9fb3d9}.hist .bar.above{fill:#2557c7}
.hist .thr{stroke:#c53030;stroke-width:2;stroke-dasharray:5 3}.hist .thl{fill:#c53030;font-weight:600}
figcaption p{font-size:13px;color:var(--muted);max-width:900px}
.doc-wrap{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,6fr);gap:22px;align-items:start}
.doc .para{position:relative;padding:4px 12px 4px 12px;margin:0 0 6px;border-left:3px solid transparent;border-radius:3px;
white-space:pre-wrap;cursor:pointer;content-visibility:auto;contain-intrinsic-size:auto 90px}
.doc .para:hover{background:var(--soft)}
.doc .para:focus{outline:2px solid var(--accent);outline-offset:1px}
.doc .para.clustered{border-left-color:var(--accent)}
.doc .para.clustered::after{content:attr(data-badge);position:absolute;right:2px;top:0;font-size:11px;color:var(--accent);font-weight:600}
.doc .para.heading{font-weight:700;font-size:1.08em}
.doc .para.edited{background-image:linear-gradient(90deg,rgba(183,121,31,.08),transparent 40%)}
.doc .para.sel{background:var(--sel)}
.doc .para.gap{color:var(--muted);cursor:default}
#inspector{position:sticky;top:64px;max-height:calc(100vh - 76px);overflow:auto;border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fcfdff}
#inspector h3{font-size:15px;margin:2px 0 6px}
.sbs{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px}
.col{border:1px solid var(--line);border-radius:4px;min-width:0}
.ch{font-size:12px;color:var(--muted);background:var(--soft);padding:2px 8px;border-bottom:1px solid var(--line)}
.txt{padding:4px 8px;white-space:pre-wrap;overflow-wrap:anywhere}
.d{background:var(--d);color:var(--dfg);border-radius:2px}
.i{background:var(--i);color:var(--ifg);border-radius:2px}
.ws{color:var(--muted)}.empty{color:var(--muted);font-style:italic}
.scores{font-size:12.5px;margin:10px 0 4px;color:var(--muted)}.scores b{color:var(--fg)}
.fate{font-weight:600}
details.cluster,.edit,.drop{border:1px solid var(--line);border-radius:6px;padding:4px 10px;margin:0 0 8px;background:#fff;
content-visibility:auto;contain-intrinsic-size:auto 44px}
details.cluster>summary{cursor:pointer;font-size:14px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
details.cluster[open]>summary{white-space:normal}
.cid{font-weight:600}.snip{color:var(--muted)}
.eh{font-size:13px}.edit.lay{font-size:12.5px;padding:1px 10px;margin-bottom:3px;contain-intrinsic-size:auto 24px}.rule{font-weight:600;color:#6b3fa0}.reason{margin:2px 0 6px;font-size:14px}
.drop .ch{background:none;border:0;padding:2px 0}
.pager{display:flex;gap:6px;align-items:center;font-size:13px;margin:6px 0}
.pager button{font:inherit;padding:1px 10px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
.pager button:disabled{opacity:.4;cursor:default}
.flash{animation:flash 1.2s ease-out}@keyframes flash{from{box-shadow:0 0 0 3px #f6c343}to{box-shadow:0 0 0 3px transparent}}
.jump input{font:inherit;padding:0 4px}
@media screen{.page.off{display:none}}
@media (max-width:1100px){.overview{grid-template-columns:1fr}}
@media (max-width:900px){.doc-wrap{grid-template-columns:1fr}#inspector{position:static;max-height:none}.sbs{grid-template-columns:1fr}}
@media print{
 @page{margin:14mm}
 body{font-size:10.5pt}
 header.top{position:static;border:0}
 nav.top,.pager,#inspector,.hint,.jump{display:none!important}
 .doc-wrap,.overview{display:block}
 .doc .para,details.cluster,.edit,.drop{content-visibility:visible;break-inside:avoid}
 .doc .para.clustered::after{content:none}
 details.cluster{border:0;border-top:1px solid #999;border-radius:0}
 a{color:inherit;text-decoration:none}
 .d,.i{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .d{text-decoration:line-through}
 .i{text-decoration:underline}
}
"""

# The script reads the JSON data and builds DOM nodes; it never parses strings as HTML.
_JS = r"""
(function(){
"use strict";
var DATA = JSON.parse(document.getElementById("review-data").textContent);
function $(s, r){return (r||document).querySelector(s);}
function $$(s, r){return Array.prototype.slice.call((r||document).querySelectorAll(s));}
function el(tag, cls, text){var e=document.createElement(tag); if(cls) e.className=cls; if(text!=null) e.textContent=text; return e;}

/* paging: one page of each long list at a time */
$$(".paged").forEach(function(box){
  var pages = $$(":scope > .page", box);
  if (pages.length < 2) return;
  var nav = el("div", "pager"), prev = el("button", null, "‹ previous"), next = el("button", null, "next ›");
  var label = el("span"), cur = 0;
  prev.type = next.type = "button";
  nav.appendChild(prev); nav.appendChild(label); nav.appendChild(next);
  box.parentNode.insertBefore(nav, box);
  function show(k){
    cur = Math.max(0, Math.min(pages.length - 1, k));
    pages.forEach(function(p, i){ p.classList.toggle("off", i !== cur); });
    label.textContent = (box.getAttribute("data-label") || "page") + ": page " + (cur + 1) + " of " + pages.length;
    prev.disabled = cur === 0; next.disabled = cur === pages.length - 1;
  }
  prev.addEventListener("click", function(){ show(cur - 1); });
  next.addEventListener("click", function(){ show(cur + 1); nav.scrollIntoView({block:"nearest"}); });
  box._show = function(page){ show(pages.indexOf(page)); };
  show(0);
});

/* make an element visible wherever it is: its page, the <details> around it */
function reveal(t){
  var page = t.closest(".page");
  if (page && page.classList.contains("off")) { var box = page.closest(".paged"); if (box && box._show) box._show(page); }
  for (var d = t.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  if (t.tagName === "DETAILS") t.open = true;
  t.scrollIntoView({block:"start"});
  t.classList.remove("flash"); void t.offsetWidth; t.classList.add("flash");
}
function go(id){ var t = document.getElementById(id); if (t) { reveal(t); return true; } return false; }

/* the inspector: the selected paragraph's cluster and edits, cloned from the lists below */
var insp = $("#inspector");
function cloneFrom(id, sel){
  var src = document.getElementById(id); if (!src) return null;
  var node = (sel ? $(sel, src) : src).cloneNode(true);
  node.removeAttribute("id"); $$("[id]", node).forEach(function(n){ n.removeAttribute("id"); });
  $$("details", node).forEach(function(n){ n.open = true; });
  return node;
}
function select(p){
  $$(".para.sel").forEach(function(x){ x.classList.remove("sel"); });
  p.classList.add("sel");
  var u = p.getAttribute("data-unit"), info = DATA.units && DATA.units[u];
  if (!insp || !info) return;
  insp.replaceChildren();
  insp.appendChild(el("h3", null, "Paragraph ¶" + u + " · input [" + info.in[0] + ", " + info.in[1] + ") · output [" + info.out[0] + ", " + info.out[1] + ") · block" + (info.b.length > 1 ? "s " : " ") + info.b.join(", ")));
  if (info.c !== null && info.c !== undefined) {
    var head = el("p", "cluster-head");
    var a = el("a", null, "Cluster " + info.c); a.href = "#c-" + info.c;
    var card = document.getElementById("c-" + info.c), n = card ? $(".cluster-body", card).getAttribute("data-copies") : "?";
    head.appendChild(a);
    head.appendChild(document.createTextNode(" · " + n + " copies in the input · " + (info.kept ? "this paragraph is the kept copy" : "this paragraph keeps text from a copy")));
    insp.appendChild(head);
    var body = cloneFrom("c-" + info.c, ".cluster-body"); if (body) insp.appendChild(body);
  } else {
    insp.appendChild(el("p", "unique", "Unique: no near-duplicate copy of this paragraph was found in the input."));
  }
  if (info.e.length) {
    insp.appendChild(el("h3", null, info.e.length + (info.e.length > 1 ? " edits" : " edit") + " touched this paragraph"));
    info.e.forEach(function(i){ var n = cloneFrom("e-" + i); if (n) insp.appendChild(n); });
  }
  insp.scrollTop = 0;
}
document.addEventListener("click", function(ev){
  var a = ev.target.closest && ev.target.closest('a[href^="#"]');
  if (a) { var id = decodeURIComponent(a.getAttribute("href").slice(1)); if (id && go(id)) { ev.preventDefault(); history.replaceState(null, "", "#" + id); } return; }
  var p = ev.target.closest && ev.target.closest(".para[data-unit]");
  if (p) select(p);
});
document.addEventListener("keydown", function(ev){
  if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches && ev.target.matches(".para[data-unit]")) { ev.preventDefault(); select(ev.target); }
});

/* corpus page: jump to a document by id */
var jump = $("#jump");
if (jump) jump.addEventListener("submit", function(ev){
  ev.preventDefault();
  var id = $("#jump-id").value.trim(), anchor = DATA.docs && Object.prototype.hasOwnProperty.call(DATA.docs, id) ? DATA.docs[id] : null;
  $("#jump-msg").textContent = anchor ? "" : "not in this sample";
  if (anchor) go(anchor);
});

/* print the clusters open (evidence and layout edits stay folded), restore afterwards */
var opened = [];
window.addEventListener("beforeprint", function(){ opened = $$("details.cluster:not([open])"); opened.forEach(function(d){ d.open = true; }); });
window.addEventListener("afterprint", function(){ opened.forEach(function(d){ d.open = false; }); opened = []; });

window.addEventListener("hashchange", function(){ if (location.hash.length > 1) go(decodeURIComponent(location.hash.slice(1))); });
if (location.hash.length > 1) go(decodeURIComponent(location.hash.slice(1)));
document.documentElement.setAttribute("data-ready", "1");
})();
"""


def _script_hash() -> str:
    """The CSP source expression that allows exactly the page's own inline script."""
    import base64
    import hashlib

    return "sha256-" + base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")


def _page(title: str, body: str, page_data: Mapping[str, Any]) -> str:
    """The HTML shell: inline CSS, the body, the JSON data element and the inline script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # no network at all, and only our own script runs (by hash): even markup that escaped
        # escaping could neither load anything nor run an inline handler
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '{_script_hash()}'; img-src data:\">"
        '<meta name="generator" content="dedup review">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>\n<body>{body}\n"
        f'<script type="application/json" id="review-data">{script_json(page_data)}</script>\n'
        f"<script>{_JS}</script>\n</body></html>\n"
    )
