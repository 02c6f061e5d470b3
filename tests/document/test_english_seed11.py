"""Issue 13's English benchmark on another bigger sample (``--en 600 --seed 11``, then 7 and 13): the shapes it found.

Each test is the minimal document of one failing shape (``--dump``); each asserts the
output a reader needs and that :func:`dedup.check` (the content invariant) passes.
"""

from __future__ import annotations

from en_checked import clean_checked, document

OTHER = "In Java all attributes and methods are implicitly virtual."


def test_a_missing_end_that_a_phrase_of_the_paragraph_repeats_is_still_appended() -> None:
    """en-0399 (seed 11): the first copy stops at ``… used to compare``; the whole copy ends ``… compare the
    two vectors;``.  ``the two vectors`` is what the paragraph's first sentence opens with, and the completion
    refused the end as "said already" (a guard meant for a whole sentence said twice), so the sentence lost it."""
    for end in (";", "."):
        whole = (
            "The two vectors are compared and the documents with a higher document-query similarity are ranked higher in terms "
            f"of relevance. There are a variety of techniques that can be used to compare the two vectors{end}"
        )
        cut = whole[: whole.rindex(" the two vectors")]
        assert clean_checked(document(cut, OTHER, whole)) == document(whole, OTHER)
