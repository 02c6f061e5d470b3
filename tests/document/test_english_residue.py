"""Nothing lost, nothing twice, in English: the residue of issue 13's English benchmark on bigger samples.

Each test is the minimal document of a shape found by
``benchmarks/quality_clean.py --sets en,en-sample-like,en-generated --en 600 --seed 7 --dump DIR``;
each asserts the output a reader needs and that :func:`dedup.check` (the content invariant) passes,
or, for the invariant's own predicate, what it must answer.
"""

from __future__ import annotations

from en_checked import clean_checked, document

from dedup.invariant import GLOBAL, covers
from dedup.pipeline import clean
from dedup.report import check
from dedup.segment import sentences

OTHER = "Bayes' theorem relates the conditional and marginal probabilities of two random events."


def _clean(doc: str):  # type: ignore[no-untyped-def]
    r = clean(doc)
    return r, check(doc, r.text, r.report)


# -- a cut first copy whose missing word its earlier sentence happens to say ----------------------

POSTERIOR = (
    "Reporter: In probability theory, the prior and conditional probabilities of two random events are related by Bayes' theorem. "
    "As Prof. Brown noted, e.g. in a report, The theorem is often used when we have observations and wish to compute posterior probabilities."
)


def test_a_cut_copy_is_completed_by_a_word_its_first_sentence_says_too() -> None:
    """en-0054 (seed 7, --en 600): first copy cut at ``… compute posterior``, the whole copy later.

    The completion ``probabilities`` was refused as "a sentence the cut copy already says" (its
    first sentence has ``conditional probabilities``), and the whole copy's sentence was removed as
    covered by the two kept sentences read in the other order: ``probabilities`` was lost, and
    :func:`check` passed.
    """
    cut = POSTERIOR[: POSTERIOR.index(" probabilities.")]
    doc = cut + "\n\n" + OTHER + "\n\n" + POSTERIOR + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert r.text == POSTERIOR + "\n\n" + OTHER + "\n"


def test_a_word_is_no_typo_of_a_word_two_letters_shorter() -> None:
    """The false cover behind en-0054: ``… posterior probabilities`` read as said by ``… posterior``
    followed by ``Reporter: In probability theory …`` (the kept sentences in the other order), the
    word ``probabilities`` taken as a typo of ``probability`` two words further on. A typo changes a
    character or two in place; a word two letters longer is another word."""
    first, second = "reporter in probability theory the prior and conditional probabilities", "as prof brown noted we wish to compute posterior"
    assert not covers(second + " " + first, second + " probabilities", GLOBAL)
    assert covers("the local farmer measured the annual budget", "the local famer measured the budget")
    assert covers("the models were measured again", "the model were measured again")


# -- a speaker tag before a sentence that a later, untagged copy said first ---------------------

SMITH = "As Prof. Smith noted, e.g. in a report, A probability is expressed as a numeric value between 0 and 1."
CHANCE = 'Hence, a PageRank of 0.5 means there is a 50% chance that a person clicking on a random link will be directed to the document.'
WARS = "A 0, and world Wars and so on."


def test_a_tagged_copy_of_a_sentence_kept_from_an_untagged_copy_goes() -> None:
    """en-0226: ``Q: X. A 0. 5 probability …`` first; a copy ``Q: X. A 0, and world Wars and so on. 5 …``
    whose new sentence stays (``A 0.`` is too short to be extended), its tag going with ``X``; then
    ``Q: A 0, and world Wars and so on. X. …``. The tagged opening matched the kept ``A 0, and …``,
    whose paragraph no longer opens with ``Q:``, so it stayed: the same sentence twice, one tagged.
    The tag is said by the first copy, the sentence by the other: both are named, and it goes."""
    first = f"Q: {SMITH} A 0. 5 probability is commonly expressed as a chance of something happening. {CHANCE}"
    longer = f"Q: {SMITH} {WARS} 5 probability is commonly expressed as a chance of something happening. {CHANCE}"
    swapped = f"Q: {WARS} {SMITH} 5 probability is commonly expressed as a chance of something happening. {CHANCE}"
    doc = first + "\n\n" + OTHER + "\n\n" + longer + "\n\n" + swapped + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert r.text.count(WARS[2:]) == 1, r.text
    assert r.text.startswith(first + "\n\n" + OTHER + "\n\n")


# -- a typo and a cut in one word -----------------------------------------------------------------

QUARRY = "Dr. Alvarez improved the noise from the quarry as the law requires, and the decision was final. The village school inspected the school meal programme."


def test_a_copy_cut_inside_a_word_it_mistyped_is_joined_as_one_word() -> None:
    """en-generated-0416 (seed 7, --en 600): ``… AND THE DT`` / ``CISION WAS FINAL …`` (``DECISION`` with a
    typo, cut inside): no copy reads across, so the halves were joined with a space, ``DT CISION``, two
    words no other copy has, and the sentence stayed beside the kept one as new content."""
    for whole in (QUARRY, QUARRY.upper()):
        copy = whole.replace("decision", "dtcision").replace("DECISION", "DTCISION")
        cut = copy.lower().index("dtcision") + 2
        doc = whole + "\n\n" + OTHER + "\n\n" + copy[:cut] + "\n\n" + copy[cut:] + "\n"
        r, problems = _clean(doc)
        assert problems == []
        assert r.text == whole + "\n\n" + OTHER + "\n"


def test_halves_the_document_writes_as_words_are_not_one_mistyped_word() -> None:
    """``… the art`` / ``ist …`` stays two words when the document writes ``art`` elsewhere, though
    ``artist`` is one letter from ``artists``: only halves that are no words of their own are joined."""
    from dedup.normalize.stitch import join_reason

    doc = "The artists met. The art of the city is old.\n\nThey praised the art\n\nist and the city, and she left."
    assert join_reason("They praised the art", "ist and the city, and she left.", "\n\n", doc)["joiner"] == " "
    doc2 = "The artists met. The craft of the city is old.\n\nThey praised the ar\n\ntist and the city, and she left."
    assert join_reason("They praised the ar", "tist and the city, and she left.", "\n\n", doc2)["joiner"] == ""


# -- a speaker tag of a title and a name ----------------------------------------------------------

HALE = (
    "Dr. Hale: The harbour master rejected the annual budget at the request of residents, and 6.8 million people were affected. "
    "Our survey team questioned the hospital waiting lists in a letter to the local paper. "
    "As Prof. Lee noted, e.g. in a report, The weather service measured the annual budget at the request of residents."
)


def test_a_swapped_copy_keeps_a_title_and_name_tag_on_its_new_first_sentence() -> None:
    """en-generated-0161 (seed 7, --en 600): ``Dr. Hale: X. Y. Z.`` kept, a copy ``Dr. Hale: Y. X. Z.``:
    ``Dr. Hale:`` was no speaker tag (the keys' tags have no full stop or space), so ``Dr. Hale: Y.``
    said two words the kept ``Y.`` lacks and stayed, the same sentence twice."""
    x, y, z = (HALE[len("Dr. Hale: ") :][a:b] for a, b in sentences(HALE[len("Dr. Hale: ") :]))
    swapped = "Dr. Hale: " + y + x + z
    assert clean_checked(document(HALE, OTHER, swapped)) == document(HALE, OTHER)


DYNAMIC = (
    "Reporter: In the U.S. and elsewhere, i.e. in most places, Dynamic programming is a method for efficiently solving "
    "a broad range of search and optimization problems which exhibit the characteristics of overlapping. "
    "Dynamic programming. Design technique, like divide-and-conquer method."
)


def test_a_short_tagged_copy_that_dropped_its_first_sentence_goes() -> None:
    """en-0215 (seed 7, --en 600): ``Reporter: X. Dynamic programming. Design technique, ….`` kept, a copy
    that dropped ``X`` (``Reporter: Dynamic p`` / ``rogramming. Design technique, …``), too short to be
    clustered: ``Reporter: Dynamic programming.`` said the tag besides kept words, so the paragraph counted
    as partly new, and ``Design technique, …`` (five words) was too short to be taken out alone."""
    copy = "Reporter: Dynamic programming. Design technique, like divide-and-conquer method."
    for tail in ("\n\n" + copy + "\n", "\n\nReporter: Dynamic p\n\nrogramming. Design technique, like divide-and-conquer method.\n"):
        doc = DYNAMIC + "\n\n" + OTHER + tail
        r, problems = _clean(doc)
        assert problems == []
        assert r.text == DYNAMIC + "\n\n" + OTHER + "\n"
    # a tagged sentence the tagged paragraph does not say stays
    doc = DYNAMIC + "\n\n" + OTHER + "\n\nReporter: Greedy algorithms. Design technique, like divide-and-conquer method.\n"
    r, problems = _clean(doc)
    assert problems == [] and "Reporter: Greedy algorithms." in r.text


# -- a list number before a quote -----------------------------------------------------------------

QUOTED = "\"Bayes' Theorem\" or \"Bayes' Rule\", or something called Bayesian reasoning, is a way to update beliefs. It is used in medicine and in law."


def test_a_renumbered_copy_that_opens_with_a_quote_goes_with_its_number() -> None:
    """en-0006 (seed 7, --en 600): ``3. "Bayes' Theorem" or …`` after the first ``"Bayes' Theorem" or …``:
    a period before a quote ended a sentence, so ``3.`` was a sentence of its own with no words; the
    copy's sentences went and ``3. `` stayed, a paragraph of its own."""
    doc = QUOTED + "\n\n" + OTHER + "\n\n3. " + QUOTED + "\n\n" + "1. " + QUOTED + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert r.text == QUOTED + "\n\n" + OTHER + "\n"
    numbered = "3. " + QUOTED
    assert [numbered[a:b] for a, b in sentences(numbered)][0].startswith('3. "Bayes')


# -- a truncated copy before a paragraph that opens in lower case ---------------------------------

PAGERANK = (
    "According to Dr. Smith of the U.S. office, Page rank algorithm is used to determine a webpage's importance or relevance "
    "in the web dependant on certain criteria. The criteria may include numbers of word matches with the search terms."
)
LOWER = "this is a powerful mechanism of information processing, vital to human learning by means of generalization."


def test_a_truncated_copy_is_not_joined_to_a_paragraph_opening_in_lower_case() -> None:
    """en-0349 (seed 7, --en 600): a copy truncated at ``… dependant on certain``, then a paragraph that
    opens in lower case (``this is a powerful mechanism …``): the lowercase word joined them, and the
    copy's sentence read on into another paragraph's, a part beside the whole. The whole copy reads on
    from the truncated sentence into ``criteria``, not ``this``: the copy is cut short, not cut across."""
    truncated = "3. " + PAGERANK[: PAGERANK.index(" criteria")]
    doc = "3. " + PAGERANK + "\n\n" + OTHER + "\n\n" + truncated + "\n\n" + LOWER + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert r.text == "3. " + PAGERANK + "\n\n" + OTHER + "\n\n" + LOWER + "\n"
    # a sentence of another paragraph that begins alike is no copy of this one: the cut still joins
    # (en-generated-0512: ``… The museum board abandoned the`` / ``rules for …`` beside ``THE MUSEUM BOARD ABANDONED THE NEW …``)
    first = "The museum board rejected the plan after a long debate. The museum board abandoned the rules for street markets."
    caps = "THE MUSEUM BOARD ABANDONED THE NEW WATER PIPES AFTER A LONG DEBATE, WHILE THE WEATHER STAYED MILD."
    cut = first.index(" rules")
    assert clean_checked(document(first[:cut], caps, first[:cut], first[cut + 1 :])) == document(first, caps)
    # cut across: the whole copy reads on into the next block, which is then joined
    cut = PAGERANK.index(" criteria")
    assert clean_checked(document(PAGERANK, OTHER, PAGERANK[:cut], PAGERANK[cut + 1 :])) == document(PAGERANK, OTHER)


# -- a copy cut at the same point completes nothing -----------------------------------------------

THEORY = (
    "3. In probability theory; Bayes theorem relates the conditional and marginal probabilities of two random events. "
    "It is used to compute posterior probabilities given observations. For example; a person may be observed to have "
    "certain symptoms. In the U.S. and elsewhere, Bayes theorem can be used to compute the probability that a proposed diagnosis is correct."
)


def test_a_copy_cut_at_the_same_point_does_not_complete_the_first_from_its_opening() -> None:
    """en-0109 (--en 300): first copy cut at ``… symptoms. In``, the whole copy, then a copy cut at the
    same ``In``. Completed from that last copy, ``In`` was read as the start of its *first* sentence
    (``In probability theory;``, the only longer one beginning so), and the first copy got
    ``probability theory; For example; In`` appended: a sentence twice and words out of order."""
    cut = THEORY[: THEORY.index(" the U.S.")]
    vsm = "Vector space model is an algebraic model for representing text documents as vectors of identifiers."
    other = "Inheritance can occur on several layers, where if visualised would display a larger tree structure."
    doc = cut + "\n\n" + THEORY + "\n\n" + vsm + "\n\n" + cut + "\n\n" + other + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert r.text == THEORY + "\n\n" + vsm + "\n\n" + other + "\n"


# -- a vote never glues two words -----------------------------------------------------------------

SLOW = "3. According to Dr. Lee of the U.S. office, However, the disadvantage is of PageRank algorithm is that the renew system is too slow."


def test_the_majority_of_copies_does_not_glue_two_words_together() -> None:
    """en-sample-like-0001 (seed 7): first copy ``… renew system is is too slow.`` (with line breaks), a
    copy without the extra ``is`` and one truncated: the consensus repair took only the space before it
    (``systemis is``), a word no copy has, and the whole copy no longer read as the kept sentence, so it
    stayed beside it."""
    first = SLOW.replace("algorithm is that the renew system is", "algorithm\nis that the\nrenew system is is")
    truncated = SLOW[: SLOW.index(" that the")]
    doc = first + "\n\n" + SLOW + "\n\n" + OTHER + "\n\n" + truncated + "\n"
    r, problems = _clean(doc)
    assert problems == []
    assert "systemis" not in r.text and r.text.count("renew system") == 1
    # (a space between two CJK characters is noise a vote may take)
    from dedup.repair.majority import _glues_words

    assert _glues_words("system is is", 6, 7, "") and not _glues_words("推进 义务教育", 2, 3, "")
