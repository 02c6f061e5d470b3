"""Issue 13's English benchmark on the bigger sample (``--en 600 --seed 7``): the shapes it found.

Each test is the minimal document of one failing shape (``--dump``); each asserts the
output a reader needs and that :func:`dedup.check` (the content invariant) passes.
"""

from __future__ import annotations

from en_checked import clean_checked, document

from dedup.invariant import said_by, sentence_key
from dedup.pipeline import clean
from dedup.report import check
from dedup.segment import sentences

INHERIT = (
    "2. Inheritance is a concept in Object Oriented programming where a child- or sub-class inherits characteristics from a parent- or super-class. "
    "The concept takes its name from genetic inheritance where a child can inherit genetic characteristics from its parents."
)
NEXT = "3. INHERITANCE, AT ITS SIMPLEST, ALLOWS PROGRAMMERS TO MODEL A RELATIONSHIP WHERE ONE OBJECT IS A KIND OF ANOTHER. SIMILARLY, DOGS AND CATS ARE TWO KINDS OF ANIMAL."


def test_a_short_missing_end_is_completed_though_a_phrase_like_it_came_before() -> None:
    """en-0112: first copy cut at ``… characteristics from``, whole copy later, and a copy that merged the cut
    one with the next paragraph (``… from 3. INHERITANCE …``).  The whole copy's ``its parents`` was refused as
    "said already" by the first sentence's ``from a parent- or super-class`` (a match that lets typos pass), so
    the merged copy completed the first with `` 3.``, the next paragraph's list number."""
    cut = INHERIT[: INHERIT.rindex(" its parents.")]
    doc = "\n\n".join([cut, NEXT, INHERIT, NEXT, cut + " " + NEXT]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    assert r.text.startswith(INHERIT + "\n\n" + NEXT + "\n")


BAYES = (
    "Q: BAYE’S THEORM IN CONNECTION WITH CONDITIONAL PROBABILITIES IS OF FUNDAMENTAL IMPORTANCE, SINCE IT PERMITS A CALCULATION "
    "OF PROB(AB) FROM PROB(BA). MR. BROWN WROTE (CF. FIG. 2) THAT STATISTICAL INFORMATION THAT IS OFTEN GATHERED IN GREAT VOLUME "
    "CAN THEREFORE BE AVOIDED"
)


def test_a_copy_without_its_speaker_tag_is_not_joined_to_the_copy_before_it() -> None:
    """en-0532 (CER 37 %): a paragraph in capitals that ends without a full stop (as its source does), then a copy
    of it that dropped its ``Q:`` tag.  Both in capitals, the first unfinished: the two were joined as one cut
    paragraph, as the later one opens as no other block does -- but every other copy opens so after its tag."""
    other = "In object-oriented programming, inheritance is the ability to specify one class to be a subclass of another."
    bare = BAYES[len("Q: ") :]
    for doc in (document(BAYES, BAYES, bare, BAYES, other), document(BAYES, bare, other)):
        assert clean_checked(doc) == document(BAYES, other)


def test_a_missing_end_that_reads_like_a_tag_but_goes_on_completes() -> None:
    """en-0172 (seed 7) and en-0203 (seed 0), after 57ad698: ``… four steps in Dynamic`` completed by
    ``Programming:`` (a name going on), ``… LIKE THE GENERAL ALGORITHM`` by ``BELOW:`` (capitals on both sides):
    read as speaker tags of a merged-in paragraph, the first copy was left cut beside the whole."""
    other = "Dynamic programming is a faster method of solving problems that make use of optimal substructure and memoization."
    for whole, at in (
        ("Dr. Hale: There are four steps in Dynamic Programming:", " Programming:"),
        ("MR. SMITH WROTE THAT THERE IS A Q WHICH IS USED IN THE WEB PAGE, LIKE THE GENERAL ALGORITHM BELOW:", " BELOW:"),
    ):
        cut = whole[: whole.index(at)]
        assert clean_checked(document(cut, other, whole)) == document(whole, other)


IR = (
    "1. Information retrieval (IR) is the science of searching for documents, for information within documents and for metadata about documents. "
    "As Prof. Brown noted, e.g. in a report, IR is interdisciplinary, based on computer science, mathematics, library science, information science, linguistics, statistics and physics."
)
PAGERANK = "MODERATOR: PAGERANK (PR) REFERS TO BOTH THE CONCEPT AND THE GOOGLE SYSTEM USED FOR RANKING THE IMPORTANCE OF PAGES ON THE WEB. THE PAGERANK OF A SITE REFERS TO ITS IMPORTANCE ON THE WEB."


def test_a_copy_reading_across_into_a_speaker_tag_attests_no_cut() -> None:
    """en-0443 (CER 24 %): the first copy cut short at ``… based on computer``, the next paragraph opening with
    ``MODERATOR:``, and later a copy that merged the two (``… computer MODERATOR: PAGERANK …``).  That copy "read
    straight across", so the first copy and the tagged paragraph were joined into one, and the whole copy's end
    stayed as new content.  A speaker tag opens a paragraph: reading across it attests nothing."""
    cut = IR[: IR.index(" science, mathematics")]
    other = "Dynamic programming is a faster method of solving problems that make use of optimal substructure and memoization."
    text = clean_checked(document(cut, PAGERANK, IR, other, cut + " " + PAGERANK))
    assert text.startswith(document(IR, PAGERANK, other))


def test_a_missing_end_that_goes_on_with_a_word_and_a_colon_completes() -> None:
    """en-0403 (seed 7): ``… based on one of three mathematical`` completed by ``bases: set theory, …``, a word and
    a colon that reads like a speaker tag; written in lower case it is the sentence going on, not a paragraph merged in."""
    whole = (
        "Dr. Hale: There are a large number of models used in solving the problem of Information Retrieval and they are all based on "
        "one of three mathematical bases: set theory, algebra and probabilistic. The vector space model is one of these methods."
    )
    other = "Dynamic programming is a faster method of solving problems that make use of optimal substructure and memoization."
    cut = whole[: whole.index(" bases:")]
    assert clean_checked(document(cut, other, whole)) == document(whole, other)


def test_a_cut_copy_run_into_the_next_paragraph_goes() -> None:
    """en-0443 / en-0003 (seed 7): a copy truncated at ``… based on computer`` that lost the blank line after it
    (``… based on computer MODERATOR: PAGERANK …``) reads as one sentence: the beginning of a kept sentence, then
    another kept one whole.  It stayed as new content, a part beside the whole."""
    cut = IR[: IR.index(" science, mathematics")]
    other = "Dynamic programming is a faster method of solving problems that make use of optimal substructure and memoization."
    for doc in (document(cut, PAGERANK, IR, cut + " " + PAGERANK, other), document(cut, PAGERANK, IR, other, cut + " " + PAGERANK)):
        assert clean_checked(doc) == document(IR, PAGERANK, other)
    steps = "2. As Prof. Brown noted, e.g. in a report, There are four steps in Dynamic Programming:"
    step = "MODERATOR: 1. CHARACTERISE STRUCTURE OF AN OPTIMAL SOLUTION."
    head = steps[: steps.index(" four")]
    assert clean_checked(document(steps, step, other, head + " " + step)) == document(steps, step, other)


def test_the_invariant_takes_a_cut_copy_run_into_the_next_only_when_every_word_is_kept() -> None:
    """:func:`dedup.invariant.said_by`: the beginning of one kept sentence and the whole of another say the merged
    sentence; a word of its own between them, or a beginning no kept sentence has, is new content."""
    a, b = (sentence_key(s) for s in (IR.split(". As ")[1], PAGERANK.split(". ")[0] + "."))
    head = a[: a.index(" science")]
    assert said_by([a, b], head + " " + b)
    assert not said_by([a, b], head + " and biology " + b)
    assert not said_by([a, b], head.replace("computer", "chemistry") + " " + b)


def test_a_hard_wrap_before_a_capital_letter_and_a_full_stop_splits_as_a_space_does() -> None:
    """en-0180 (CER 19 %): ``… of A given⏎B. It is derived …`` read ``B.`` as an initial (a line break counted as
    the start of the text), so the first copy had one sentence where its extended copy had two, and the copy's
    longer second sentence stayed beside it instead of extending it."""
    wrapped = "4. P(A|B) is the conditional probability of A given\nB. It is derived\nfrom or depends upon the specified value of B."
    assert [b for _a, b in sentences(wrapped)] == [b for _a, b in sentences(wrapped.replace("\n", " "))]
    extended = wrapped.replace("\n", " ")[:-1] + ", therefore it is also known as the posterior probability."
    other = "Complex inheritance, or inheritance used within a design that is not sufficiently mature, may lead to the Yo-yo problem."
    text = clean_checked(document(wrapped, other, extended))
    assert text.replace("\n", " ").count("It is derived from") == 1 and "posterior probability" in text
