"""The corpus review page: :func:`corpus_to_html` over a bounded sample of the largest clusters."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._html import esc, lang_attr, paged
from ._shell import render_page
from .config import ReviewConfig
from .diff import char_diff
from .histogram import bin_index, histogram_svg


def _blank_cluster(value: Any) -> bool:
    """A row's cluster value that means "no cluster"."""
    return value is None or value == "" or value == -1


@dataclass
class _CorpusSample:
    """One pass over the corpus report: counts, score histogram, and the members kept for the sample."""

    n_docs: int
    n_dup: int
    score_bins: list[int]
    n_scores: int
    size: Counter[str]
    #: every kept row of each cluster, by id: a solved cluster keeps several representatives
    kept_rows: dict[str, dict[str, Mapping[str, Any]]]
    copies: dict[str, list[Mapping[str, Any]]]
    n_clusters: int
    docs_in_clusters: int
    sample: list[str]  # cluster keys shown, largest first

    def kept(self, key: str) -> Mapping[str, Any]:
        """The cluster's kept row (the one named like the cluster, else the first); when none is among the rows, the id most copies point to."""
        rows = self.kept_rows.get(key)
        if rows:
            return rows.get(key) or next(iter(rows.values()))
        target = Counter(str(r.get("duplicate_of")) for r in self.copies.get(key, [])).most_common(1)[0][0]
        return {"id": target, "cluster": key, "duplicate_of": None, "score": None}

    def groups(self, key: str) -> list[tuple[Any, list[Mapping[str, Any]]]]:
        """The sampled copies of a cluster by the representative each duplicates: the cluster's kept document first.

        A solved cluster (corpus mode) has several kept representatives, each
        copy a direct match of its own ``duplicate_of``: it is shown against that one.
        """
        kid = self.kept(key)["id"]
        by: dict[str, tuple[Any, list[Mapping[str, Any]]]] = {str(kid): (kid, [])}
        for r in self.copies.get(key, []):
            d = r.get("duplicate_of")
            by.setdefault(str(d), (d, []))[1].append(r)
        return list(by.values())

    def n_kept(self, key: str) -> int:
        """How many members of the cluster are kept (at least one)."""
        return max(1, len(self.kept_rows.get(key, ())))


def _sample_corpus(rows: Iterable[Mapping[str, Any]], config: ReviewConfig) -> _CorpusSample:
    """Read the rows once: counts, the score histogram, and the largest clusters with a bounded sample of members."""
    n_docs = n_dup = n_scores = 0
    score_bins = [0] * config.bins
    size: Counter[str] = Counter()
    kept_rows: dict[str, dict[str, Mapping[str, Any]]] = {}
    copies: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        n_docs += 1
        if row.get("duplicate_of") is not None:
            n_dup += 1
        sc = row.get("score")
        if isinstance(sc, (int, float)) and not isinstance(sc, bool) and not math.isnan(sc):
            score_bins[bin_index(sc, config.bins)] += 1
            n_scores += 1
        c = row.get("cluster")
        # corpus mode gives every document a cluster and says its size: singletons cost no memory here
        if _blank_cluster(c) or row.get("cluster_size") == 1:
            continue
        key = c if isinstance(c, str) else json.dumps(c, sort_keys=True, ensure_ascii=False)
        size[key] += 1
        if row.get("duplicate_of") is None:
            kept_rows.setdefault(key, {}).setdefault(str(row.get("id")), row)
        else:
            lst = copies.setdefault(key, [])
            if len(lst) < config.max_members:
                lst.append(row)
    multi = [k for k, n in size.items() if n >= 2]
    ranked = sorted(multi, key=lambda k: (-size[k], k))
    return _CorpusSample(
        n_docs, n_dup, score_bins, n_scores, size, kept_rows, copies, len(multi), sum(size[k] for k in multi), ranked[: config.max_clusters]
    )


class _Documents:
    """The sampled documents' texts, by id, and their anchors on the page (numbered in order of first use)."""

    def __init__(self, texts: Mapping[str, str] | Callable[[str], str | None]) -> None:
        self.lookup: Callable[[str], str | None] = texts if callable(texts) else texts.get
        self.anchors: dict[str, str] = {}

    def anchor(self, doc_id: Any) -> str:
        """The page anchor of a document, assigned on first use."""
        key = str(doc_id)
        if key not in self.anchors:
            self.anchors[key] = f"d-{len(self.anchors)}"
        return self.anchors[key]

    def text(self, doc_id: Any) -> str | None:
        """A document's text, or None when the caller did not supply it."""
        # ids may be numbers in the report rows and strings in the text mapping (or the other way round)
        t = self.lookup(doc_id)
        return self.lookup(str(doc_id)) if t is None and not isinstance(doc_id, str) else t


def _copy_html(r: Mapping[str, Any], kid: Any, ktext: str | None, la: str, docs: _Documents, config: ReviewConfig) -> tuple[str, bool]:
    """One copy against the kept document: side by side with the differences marked, or one line when identical (then True)."""
    anchor = docs.anchor
    ktext_shown = (ktext or "")[: config.max_doc_chars]
    rid = r["id"]
    rtext = docs.text(rid)
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
        return (
            f'<div class="copy same" id="{anchor(rid)}" data-doc="{esc(str(rid))}"><p class="scores">{sc_txt} · <b>{esc(str(rid))}</b> is identical to '
            f'<a href="#{anchor(kid)}">{esc(str(kid))}</a>, character for character</p></div>'
        ), True
    return (
        f'<div class="copy" id="{anchor(rid)}" data-doc="{esc(str(rid))}"><p class="scores">{sc_txt} · duplicate of '
        f'<a href="#{anchor(kid)}">{esc(str(r.get("duplicate_of")))}</a>{cut}</p><div class="sbs">'
        f'<div class="col"><div class="ch">kept: <a href="#{anchor(kid)}">{esc(str(kid))}</a></div><div class="txt"{la}>{left}</div></div>'
        f'<div class="col"><div class="ch">copy: <b>{esc(str(rid))}</b></div><div class="txt"{la}>{right}</div></div></div></div>'
    ), False


def _cluster_item(cs: _CorpusSample, key: str, index: int, docs: _Documents, config: ReviewConfig) -> str:
    """One sampled cluster, collapsed: its kept document and each copy shown against it."""
    from ..fingerprint.keys import is_cjk

    size = cs.size
    kept = cs.kept(key)
    kid = kept["id"]
    ktext = docs.text(kid)
    lang = "zh" if ktext and is_cjk(ktext[:5000]) else None
    la = lang_attr(lang)
    parts: list[str] = []
    cps = cs.copies.get(key, [])
    for n, (rid, group) in enumerate(cs.groups(key)):
        rtext = ktext if n == 0 else docs.text(rid)
        if n and not group:
            continue
        group_parts = []
        shown_once = False
        for r in group:
            part, same = _copy_html(r, rid, rtext, la, docs, config)
            group_parts.append(part)
            shown_once = shown_once or same
        if shown_once:
            shown = (rtext or "")[: config.max_doc_chars]
            group_parts.insert(0, f'<div class="col kept-text"><div class="ch">kept: {esc(str(rid))}{" (shown truncated)" if rtext and len(rtext) > config.max_doc_chars else ""}</div><div class="txt"{la}>{esc(shown)}</div></div>')
        if n:
            # another representative of this solved cluster: its copies are diffed against it
            group_parts.insert(0, f'<p class="rep" id="{docs.anchor(rid)}">kept too: <b>{esc(str(rid))}</b>, the document these copies duplicate</p>')
        parts.extend(group_parts)
    more = size[key] - cs.n_kept(key) - len(cps)
    if more > 0:
        parts.append(f'<p class="more">{more} more copies not shown (see the corpus report).</p>')
    snippet = (ktext or "").strip()[:60]
    return (
        f'<details class="cluster item" data-cluster="{esc(key)}" data-size="{size[key]}" id="k-{index}">'
        f'<summary><span class="cid">Cluster {esc(key)}</span> · {size[key]} documents · kept <span class="kept-doc" id="{docs.anchor(kid)}">{esc(str(kid))}</span>'
        f' · <span class="snip"{la}>{esc(snippet)}…</span></summary>'
        f'<div class="cluster-body" data-cluster="{esc(key)}" data-copies="{size[key]}">{"".join(parts)}</div></details>'
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
        # each copy is shown against its own representative (several in a solved cluster)
        out.extend(str(rid) for rid, group in sample.groups(key)[1:] if group)
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
    cs = _sample_corpus(rows, config)
    sample = cs.sample
    n_docs, n_dup, n_scores, score_bins, n_clusters = cs.n_docs, cs.n_dup, cs.n_scores, cs.score_bins, cs.n_clusters
    docs = _Documents(texts)
    items = [_cluster_item(cs, key, k, docs, config) for k, key in enumerate(sample)]
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
    page_data = {"kind": "corpus", "stats": stats, "docs": docs.anchors, "histogram": {"scores": n_scores, "threshold": threshold, "counts": score_bins}}
    body = f"""
<header class="top"><h1>{esc(title)}</h1>
<nav class="top"><a href="#summary">Summary</a><a href="#similarity">Similarity</a><a href="#clusters">Clusters ({len(sample)} of {n_clusters})</a>
<form id="jump" class="jump" autocomplete="off"><label>document id <input id="jump-id" type="search" size="18"></label> <button type="submit">go</button> <span id="jump-msg" class="hint"></span></form></nav></header>
<main>
<div class="overview"><section id="summary"><h2>Summary</h2><div class="stats">{cells}</div>
<p class="meta">Showing the {len(sample)} largest of {n_clusters} clusters, up to {config.max_members} copies each.</p></section>
<section id="similarity"><h2>Similarity and threshold</h2><figure class="histogram">{svg}<figcaption><p>{esc(caption)}</p></figcaption></figure></section></div>
<section id="clusters"><h2>Largest clusters</h2><p class="hint">Kept document (left) against each copy (right): <span class="d">only in the kept document</span>, <span class="i">only in this copy</span>.</p>
{paged(items, config.page_size // 4 or 1, cls="clusters", label="clusters") if items else '<p class="empty">No near-duplicate documents.</p>'}</section>
</main>"""
    return render_page(title, body, page_data)
