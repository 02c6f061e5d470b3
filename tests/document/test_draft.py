"""The Draft keeps edits disjoint and replayable, whatever order stages edit in."""

from __future__ import annotations

from hypothesis import given, strategies as st

from dedup.draft import Draft, apply_edits
from dedup.model import Span

ops = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.text(alphabet="XYZ", max_size=3)), max_size=10)


@given(st.text(alphabet="abcde\n", max_size=16), st.integers(0, 16), st.integers(0, 16), ops)
def test_region_edits_match_a_plain_string_model(src, r1, r2, edits):
    r1, r2 = sorted((r1 % (len(src) + 1), r2 % (len(src) + 1)))
    d = Draft(src)
    model = src[r1:r2]
    for a, b, t in edits:
        a, b = sorted((a % (len(model) + 1), b % (len(model) + 1)))
        d.replace_current(Span(r1, r2), a, b, t, rule="test.op", reason="model check")
        model = model[:a] + t + model[b:]
        assert d.current(r1, r2) == model
        assert d.text == src[:r1] + model + src[r2:]
    es = d.edits()
    assert apply_edits(src, es) == d.text
    for e in es:
        assert src[e.span.start : e.span.end] == e.before
    points = [e.span.start for e in es if e.span.start == e.span.end]
    assert len(points) == len(set(points))  # never two insertions at one point


@given(st.text(alphabet="abcdef", min_size=1, max_size=20), st.text(alphabet="abcxyz", max_size=20))
def test_rewrite_reaches_target_with_minimal_edits(src, target):
    d = Draft(src)
    d.rewrite(Span(0, len(src)), target, rule="test.rewrite", reason="diff")
    assert d.text == target
    assert apply_edits(src, d.edits()) == target


def test_absorbed_edit_is_kept_in_subsumes():
    d = Draft("建立立政府")
    d.replace(2, 3, "", rule="repair.doubled_char", reason="立 doubled")
    d.replace(0, 5, "", rule="dedup.duplicate_paragraph", reason="copy")
    (e,) = d.edits()
    assert e.rules == ("repair.doubled_char", "dedup.duplicate_paragraph")
    assert e.before == "建立立政府" and e.after == ""
