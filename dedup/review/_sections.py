"""The single-document page's evidence lists: clusters of copies, edits, dropped blocks."""

from __future__ import annotations

import bisect
import html
import json
from collections.abc import Mapping
from typing import Any

from ._analysis import Doc, is_removal
from ._html import SURROGATE, esc, lang_attr, visible
from .config import ReviewConfig
from .diff import char_diff, text_similarity


def _sim(p: Mapping[str, Any], threshold: float | None) -> str:
    """A pair's recorded similarity; 0 with shared shingles means "below the threshold, not computed further".

    The matcher asks rapidfuzz for the ratio with a score cutoff, which
    returns 0 below it, so printing 0.000 would understate the pair.
    """
    if p["similarity"] == 0 and p["jaccard"] > 0 and threshold is not None:
        return f'<span title="the matcher stops computing similarity below the threshold">&lt;{threshold:g}</span>'
    return f'{p["similarity"]:.3f}'


def _scores_line(p: Mapping[str, Any] | None, raw: float | None, threshold: float | None) -> str:
    """A copy's scores against the kept copy: the matcher's pair (when it compared them) and the raw-text similarity."""
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


def cluster_html(doc: Doc, c: Mapping[str, Any], config: ReviewConfig) -> str:
    """One cluster, collapsed: the kept copy against every other copy, and every scored pair."""
    cid = c["id"]
    members = list(c["members"])
    kept = doc.kept_of[cid]
    pairs = {(p["a"], p["b"]): p for p in c.get("pairs", [])}
    sims = [p["similarity"] for p in c.get("pairs", []) if p["accepted"] and not (p["similarity"] == 0 and p["jaccard"] > 0)]
    kept_text = doc.unit_text(kept)
    lang = lang_attr(doc.lang)
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
            + _scores_line(p, text_similarity(kept_text, text, config.max_diff_chars), doc.threshold)
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


def edit_html(doc: Doc, i: int, e: Mapping[str, Any], config: ReviewConfig) -> str:
    """One edit: rule, span, confidence, the paragraphs it touched, before/after and its evidence."""
    s, t = e["span"]
    if e["rule"].startswith("layout.") and not e.get("evidence") and not e.get("subsumes") and len(e["before"]) + len(e["after"]) <= 20:
        # blank-line bookkeeping: one line each, there can be as many as there are paragraphs
        return (
            f'<div class="edit item lay" id="e-{i}" data-rule="{esc(e["rule"])}"><code class="rule">{esc(e["rule"])}</code> · input [{s}, {t}) · '
            f'<span class="d">{visible(e["before"])}</span> → <span class="i">{visible(e["after"])}</span> · {esc(e["reason"])}</div>'
        )
    before, after = e["before"], e["after"]
    lang = lang_attr(doc.lang)
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
        change = f'<div class="col"><div class="ch">removed</div><div class="txt"{lang}><span class="d">{visible(before)}</span></div></div>'
    elif not before:
        change = f'<div class="col"><div class="ch">inserted</div><div class="txt"{lang}><span class="i">{visible(after)}</span></div></div>'
    else:
        change = (
            f'<div class="sbs"><div class="col"><div class="ch">before</div><div class="txt"{lang}><span class="d">{visible(before)}</span></div></div>'
            f'<div class="col"><div class="ch">after</div><div class="txt"{lang}><span class="i">{visible(after)}</span></div></div></div>'
        )
    where = doc.edit_units.get(i, [])
    links = " ".join(doc.paragraph_link(u) for u in where)
    ev = e.get("evidence") or {}
    ev_html = ""
    if ev:
        # one line per key, values as compact JSON: readable, and a tenth of the size of indented JSON
        ev_text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in sorted(ev.items()))
        ev_html = f'<details class="evidence"><summary>evidence</summary><pre{lang}>{html.escape(SURROGATE.sub(chr(0xFFFD), ev_text), quote=False)}</pre></details>'
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


def dropped_html(doc: Doc, config: ReviewConfig) -> tuple[list[str], int]:
    """Every block not kept whole: its text with the removed parts marked, and what it duplicates."""
    edits = doc.data["edits"]
    starts = [e["span"][0] for e in edits]
    items = []
    lang = lang_attr(doc.lang)
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
            if is_removal(e):
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
