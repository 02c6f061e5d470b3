"""Character-level comparison of two texts: the side-by-side diff and the edit similarity the eye sees."""

from __future__ import annotations

from ._html import esc


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


def text_similarity(a: str, b: str, max_chars: int) -> float | None:
    """Edit similarity of two raw copies (what the eye sees), or None when too long to compute cheaply."""
    if len(a) > max_chars or len(b) > max_chars:
        return None
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0
