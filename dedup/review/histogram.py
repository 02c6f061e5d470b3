"""The similarity histogram: bin counts, the inline SVG chart, and each text's best-match score."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from ._html import esc


def bin_index(score: float, bins: int) -> int:
    """The bin of ``score`` among ``bins`` equal bins over [0, 1]; 1.0 falls in the last, out-of-range scores in the nearest.

    >>> [bin_index(s, 4) for s in (0.0, 0.24, 0.25, 1.0, 1.5, -0.1)]
    [0, 0, 1, 3, 3, 0]
    """
    return min(bins - 1, max(0, int(float(score) * bins)))


def bin_counts(scores: Iterable[float], bins: int) -> list[int]:
    """Counts per bin over [0, 1]; a score of exactly 1.0 falls in the last bin."""
    counts = [0] * bins
    for s in scores:
        if s is None or (isinstance(s, float) and math.isnan(s)):
            continue
        counts[bin_index(s, bins)] += 1
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
