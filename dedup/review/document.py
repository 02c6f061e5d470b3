"""The single-document review page: :func:`to_html`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ._analysis import Doc, analyse, input_sha, report_dict
from ._html import esc, lang_attr, paged
from ._sections import cluster_html, dropped_html, edit_html
from ._shell import render_page
from .config import ReviewConfig
from .histogram import best_match_scores, bin_counts, histogram_svg

if TYPE_CHECKING:
    from ..report import Report


def _summary_html(doc: Doc, problems: list[str] | None) -> str:
    """The counts, sizes, edits by rule and whether the report was re-verified against this input and output."""
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


def _histogram_section(doc: Doc, config: ReviewConfig) -> tuple[str, dict[str, Any]]:
    """The histogram and where its numbers come from (the report's own pairs when it has them)."""
    data = doc.data
    threshold = data.get("config", {}).get("match", {}).get("threshold")
    if isinstance(data.get("pairs"), list):
        scores = [float(p["similarity"]) for p in data["pairs"]]
        what = "every pair of paragraphs the matcher scored"
    else:
        from ..fingerprint.keys import KeyConfig, matching_key

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
    counts = bin_counts(scores, config.bins)
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


def _document_html(doc: Doc, config: ReviewConfig) -> str:
    """The output, one clickable element per paragraph (unit) that reached it."""
    out = doc.output_text
    ranges = sorted((lo, hi, u) for u, (lo, hi) in doc.unit_out.items())
    items: list[str] = []
    pos = 0
    lang = lang_attr(doc.lang)
    sizes = Counter(doc.unit_cluster.values())

    def gap(a: int, b: int) -> None:
        """Output text no paragraph claims (normally only layout whitespace): shown when it is more than that."""
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
    return paged(items, config.page_size * 2, cls="doc", label="paragraphs")


def _unit_json(doc: Doc) -> dict[str, Any]:
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


def to_html(report: Report | dict[str, Any], input_text: str, output_text: str, *, title: str | None = None, config: ReviewConfig | None = None) -> str:
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
    data = report_dict(report)
    recorded = data.get("input", {}).get("sha256")
    if recorded and recorded != input_sha(input_text):
        raise UsageError("the input text is not the one this report was made from (sha256 differs)")
    doc = analyse(data, input_text, output_text)
    problems: list[str] | None = None
    if len(input_text) <= config.verify_max_chars:
        from ..report import check

        problems = check(input_text, output_text, data)
    source = data.get("input", {}).get("source")
    title = title or (f"dedup review: {source}" if source else "dedup review")
    hist, hist_info = _histogram_section(doc, config)
    clusters = [cluster_html(doc, c, config) for c in data["clusters"]]
    dropped, n_dropped = dropped_html(doc, config)
    main_edits = [edit_html(doc, i, e, config) for i, e in enumerate(data["edits"]) if not e["rule"].startswith("layout.")]
    layout_edits = [edit_html(doc, i, e, config) for i, e in enumerate(data["edits"]) if e["rule"].startswith("layout.")]
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
{paged(clusters, config.page_size // 2 or 1, cls="clusters", label="clusters") if clusters else '<p class="empty">No near-duplicates were found.</p>'}</section>
<section id="dropped"><h2>Dropped spans</h2><p class="hint">Every input block that did not reach the output whole, with the removed text <span class="d">marked</span>.</p>
{paged(dropped, config.page_size, cls="dropped", label="dropped blocks") if dropped else '<p class="empty">Nothing was dropped.</p>'}</section>
<section id="edits"><h2>Edits</h2><p class="hint">Every change, in input order, with its rule, reason, confidence and evidence. Applying them to the input gives the output exactly.</p>
{paged(main_edits, config.page_size, cls="edits", label="edits") if main_edits else '<p class="empty">No edits besides layout.</p>'}
<details class="layout-edits"><summary>{len(layout_edits)} layout edits (blank lines between the paragraphs that remain)</summary>{paged(layout_edits, config.page_size, cls="edits", label="layout edits")}</details>
</section>
</main>"""
    return render_page(title, body, page_data)
