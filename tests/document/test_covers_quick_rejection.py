"""covers()'s quick rejection of a sentence in words changes no answer (issue 15: how fast, not what).

:func:`dedup.invariant._lacks_a_word` says False early for a sentence with a number or a long word
that the text has in no form; it must never do so where the word-by-word alignment
(:func:`dedup.invariant._covers_words`, padded or not) would have said True.  Words come from a
small vocabulary with typos, numbers and short words, so that the alignment's every rule is reached.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.invariant import CLUSTER, GLOBAL, _covers_words, _lacks_a_word, covers

#: words, their typos (``famer``), short words, numbers, a word twice
_VOCAB = ["the", "a", "of", "farmer", "famer", "farmers", "measured", "measure", "annual", "anual", "budget", "budgets", "5", "50", "x5", "much", "less", "time", "tim", "water", "pipes"]
_WORDS = st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(text=_WORDS, sentence=_WORDS)
@example(text="the local farmer measured the annual budget", sentence="the local famer measured the budget")
@example(text="the method takes much less time", sentence="the method takes much much less time")
def test_a_quick_rejection_is_never_a_sentence_the_alignment_covers(text, sentence):
    if _lacks_a_word(text, sentence):
        for tolerance in (CLUSTER, GLOBAL):
            assert not any(_covers_words(text, sentence, tolerance, padded=p) for p in (False, True))
            if " " in text and " " in sentence and sentence not in text:  # covers() takes the word path
                assert not covers(text, sentence, tolerance)


def test_the_quick_rejection_rejects_what_it_should():
    """Not vacuous: a number or a long word the text has in no form is rejected early."""
    text = "the local farmer measured the annual budget"
    assert _lacks_a_word(text, "the farmer measured 50 pipes")
    assert _lacks_a_word(text, "the farmer measured the water")
    assert not _lacks_a_word(text, "the famer measured the anual budget")
