"""covers()'s quick LCS rejection changes no answer (issue 15: how fast, not what).

:func:`dedup.invariant._too_much_unmatched` says False before any alignment when
more of the sentence than the tolerance allows is outside its longest common
subsequence with the text; it must never do so where the alignments (tight and
padded) would have said True.  Keys come from a few characters, with a
surrogate, a character beyond the BMP, Latin letters, spaces and a digit.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

import dedup.invariant as invariant
from dedup.invariant import CLUSTER, GLOBAL, covers

ALPHABET = "的一是在不了有和"
ODD = ["\ud800", "😀", "a", " ", "5"]

_KEY = st.text(alphabet=st.sampled_from(list(ALPHABET) + ODD), max_size=40)


@settings(max_examples=800, deadline=None)
@given(text=_KEY, sentence=_KEY)
@example(text="推进义务教育优质均衡发展", sentence="推进义务教肓优质均衡发展")
@example(text="推进义务教育", sentence="推进义务教育确保增收")
def test_the_lcs_rejection_is_never_a_sentence_the_alignment_covers(text: str, sentence: str) -> None:
    for tolerance in (CLUSTER, GLOBAL):
        fast = covers(text, sentence, tolerance)
        original = invariant._too_much_unmatched
        invariant._too_much_unmatched = lambda *a: False  # the alignments alone, as before the rejection
        try:
            slow = covers(text, sentence, tolerance)
        finally:
            invariant._too_much_unmatched = original
        assert fast == slow


def test_the_lcs_rejection_rejects_what_it_should() -> None:
    """Not vacuous: a sentence with a third of its characters missing from the text is rejected without an alignment."""
    assert invariant._too_much_unmatched("推进义务教育优质均衡发展", "推进义务教", CLUSTER)
    assert not invariant._too_much_unmatched("推进义务教肓优质均衡发展", "推进义务教育优质均衡发展", CLUSTER)
