"""Issue 13's English benchmark on another bigger sample (``--en 600 --seed 11``, then 7 and 13): the shapes it found.

Each test is the minimal document of one failing shape (``--dump``); each asserts the
output a reader needs and that :func:`dedup.check` (the content invariant) passes.
"""

from __future__ import annotations

from en_checked import clean_checked, document

from dedup.invariant import GLOBAL, covers, sentence_key

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


def test_a_copy_in_capitals_cut_before_its_last_words_is_rejoined() -> None:
    """en-0175 and en-0366 (seed 11): copies in capitals cut a word or two before the full stop (``… ACCEPTABLE
    PLAN`` / ``OF ACTION.``, ``… ALREADY EXISTING`` / ``CLASSES.``), beside a first copy cut shorter still.  The
    rest had fewer capital words than "capitals on both sides" asks for, stayed a paragraph of its own (or went
    as said elsewhere), and the sentence was left without its end."""
    plan = (
        "3. FOR INSTANCE, A FINALIZED SCHEDULE OF EVENTS AT AN EXHIBITION IS SOMETIMES CALLED A PROGRAM. "
        "PROGRAMMING, IN THIS SENSE, MEANS FINDING AN ACCEPTABLE PLAN OF ACTION."
    )
    classes = (
        "4. THE PAGERANK IS CALCULATED BY TAKING INTO CONSIDERATION THE NUMBER OF INBOUND LINKS. THIS MEANS THEREFORE THAT "
        "IF A WEBPAGE IS LINKED TO OTHERS THAT HAVE A HIGH RANKING, THEN IT TOO WILL RECEIVE A HIGH RANK, AND CLASSES WITH "
        "THE ALREADY EXISTING CLASSES."
    )
    for whole, rest in ((plan, "OF ACTION."), (classes, "CLASSES.")):
        head = whole[: -len(rest) - 1]
        first = whole[: whole.rindex(" ", 0, len(head))]  # the first copy, cut short one word earlier
        assert clean_checked(document(first, OTHER, head, rest)) == document(whole, OTHER)


def test_a_short_line_in_capitals_the_page_repeats_is_not_the_rest_of_a_sentence() -> None:
    """The other side of the rule above: ``THANK YOU.``, a line the page prints twice, after a heading in capitals
    that ends without a full stop, is a paragraph of its own, not the heading's last words."""
    notes = "NOTES ON THE PAGERANK ALGORITHM AND THE NUMBER OF INBOUND LINKS, AS GIVEN IN CLASS BY OUR TEACHER"
    assert clean_checked(document(notes, "THANK YOU.", OTHER, "THANK YOU.")) == document(notes, "THANK YOU.", OTHER)


BAYES = (
    "\"Bayes' Theorem\" or \"Bayes' Rule\", or something called Bayesian reasoning The Bayesian Conspiracy is a multinational, "
    "interdisciplinary, and shadowy group of scientists that controls publication, grants, tenure, and the illicit traffic in grad students."
)


def test_a_heading_in_capitals_that_a_paragraph_says_in_another_case_stays() -> None:
    """en-0283 and en-sample-like-0005 (seed 11): the heading ``. BAYES' THEOREM`` (a page's stray full stop before
    it) after a paragraph that opens ``"Bayes' Theorem" or …``.  Case aside the paragraph contains it, and it went
    as "contained in kept text"; but a copy has the case of what it copies: in capitals, it is a line of its own."""
    for heading in (". BAYES' THEOREM", "BAYES' THEOREM"):
        assert clean_checked(document(BAYES, heading, OTHER, BAYES)) == document(BAYES, heading, OTHER)


def test_a_fragment_in_the_case_of_the_kept_text_still_goes() -> None:
    """The other side: the same words in the case the kept paragraph writes them (a fragment cut from a copy in
    capitals, ``BAYES' THEOREM``) are said there, and go."""
    caps = BAYES.upper()
    assert clean_checked(document(caps, "BAYES' THEOREM", OTHER)) == document(caps, OTHER)


def test_a_word_in_capitals_cut_inside_joins_when_the_document_writes_it() -> None:
    """en-0453 (seed 11): ``1. CHARACTERISE STRUCT`` / ``URE OF AN OPTIMAL SOLUTION…``, a block too short for
    "capitals on both sides", and the only other copy misspells the word (``STRUCTNRE``), so none reads across.
    Neither half is a word of the document, and together they are one edit from a word it writes: one word."""
    intro = "2. Mr. Brown wrote (cf. Fig. 2) that There are four steps in Dynamic Programming:"
    whole = "1. CHARACTERISE STRUCTURE OF AN OPTIMAL SOLUTION, THEN DEFINE THE VALUE OF AN OPTIMAL SOLUTION RECURSIVELY."
    cut = whole.index("URE OF")
    doc = document(intro, whole[:cut], whole[cut:], OTHER, whole.replace("STRUCTURE", "STRUCTNRE"))
    assert clean_checked(doc) == document(intro, whole, OTHER)


def test_a_typo_is_read_as_the_word_fewest_edits_away() -> None:
    """en-0265 (seed 11): a copy reads ``… GIVEN THNT OBSERVATION, … THE RIAHT ONE.``; ``thnt`` is as like ``then``
    (a word of the sentence) as ``that`` by ratio, was read as ``then``, and the copy's sentence stayed as new
    content beside the kept one (a near-duplicate pair).  ``that`` is one edit away, ``then`` two."""
    whole = (
        "BAYES' THEOREM RELATES THE CONDITIONAL AND MARGINAL PROBABILITIES OF TWO RANDOM EVENTS. IN MOST PLACES, BAYES' THEOREM CAN "
        "THEN BE USED TO COMPUTE THE PROBABILITY THAT, GIVEN THAT OBSERVATION, THE PROPOSED DIAGNOSIS IS THE RIGHT ONE."
    )
    typos = whole.replace("GIVEN THAT", "GIVEN THNT").replace("RIGHT ONE", "RIAHT ONE")
    assert clean_checked(document(whole, OTHER, typos)) == document(whole, OTHER)


def test_a_word_said_instead_of_another_is_still_new_content() -> None:
    """The other side: ``GIVEN THEN`` where the kept sentence says ``GIVEN THAT`` is a word of its own (the sentence
    writes ``then`` elsewhere), not a typo: the invariant still says the kept sentence does not cover it."""
    kept = sentence_key("BAYES' THEOREM CAN THEN BE USED TO COMPUTE THE PROBABILITY THAT, GIVEN THAT OBSERVATION, THE DIAGNOSIS IS RIGHT.")
    other = sentence_key("BAYES' THEOREM CAN THEN BE USED TO COMPUTE THE PROBABILITY THAT, GIVEN THEN OBSERVATION, THE DIAGNOSIS IS RIGHT.")
    assert not covers(kept, other) and not covers(kept, other, GLOBAL)


def test_a_sentence_a_paragraph_in_capitals_also_says_is_no_repeat_of_it() -> None:
    """en-sample-like 15 (seed 11, CER 7 %): one answer in capitals says ``… THE NAME "PAGERANK" IS A TRADEMARK OF
    GOOGLE, …``, the next answer opens with that sentence in lower case.  Its key (case folded) was a repeated
    sentence and went; but a copy has the case of what it copies: two texts, both stay (the truth has both)."""
    caps = (
        '1. PAGERANK IS ALSO KNOWN AS LINK ANALYSIS ALGORITHM. IT HAS BEEN USED BY GOOGLE. THE NAME "PAGERANK" IS A TRADEMARK OF '
        "GOOGLE, AND THE PAGERANK PROCESS HAS BEEN PATENTED (U.S. PATENT 6,285,999 )."
    )
    mixed = (
        '2. The name "PageRank" is a trademark of Google, and the PageRank process has been patented (U.S. Patent 6,285,999 ). '
        "However, the patent is assigned to Stanford University and not to Google."
    )
    assert clean_checked(document(caps, mixed, OTHER, mixed)) == document(caps, mixed, OTHER)
    assert clean_checked(document(caps, OTHER, caps.replace("1. ", "2. "))) == document(caps, OTHER)  # the same case: a copy


def test_a_heading_not_in_capitals_that_a_paragraph_in_capitals_says_stays_once() -> None:
    """en-0528 (seed 11): the mirror of the heading above, ``. Bayes' Theorem`` after a paragraph in capitals
    (``"BAYES' THEOREM" OR …``), and a copy of the heading cut ``. Ba`` / ``yes' Theorem``.  The copy's first block
    was joined to the heading (``. Ba`` opens with a mark no sentence opens with), and the whole went as said by
    the paragraph in capitals: the heading was lost.  A short block the one before opens with is a copy of it."""
    caps = BAYES.upper()
    out = clean_checked(document(caps, ". Bayes' Theorem", ". Ba", "yes' Theorem", caps, OTHER))
    assert out == document(caps, ". Bayes' Theorem", OTHER)



def test_a_short_copy_in_capitals_with_typos_is_no_heading() -> None:
    """en-0453 again, after the heading rule above: ``1. CHARACTERISE STRUCTNRE OF AN OPAIMAL SOLUTION.``, a
    copy with two typos of a kept line in capitals, is found nowhere in the kept text as it is written, which
    the rule first read as "written in another case": the copy stayed beside the line.  Only a line that the
    kept text does write, in another case, is a heading of its own."""
    intro = "2. Mr. Brown wrote (cf. Fig. 2) that There are four steps in Dynamic Programming:"
    whole = "1. CHARACTERISE STRUCTURE OF AN OPTIMAL SOLUTION."
    copy = whole.replace("STRUCTURE", "STRUCTNRE").replace("OPTIMAL", "OPAIMAL")
    assert clean_checked(document(intro, whole, OTHER, copy)) == document(intro, whole, OTHER)


def test_a_list_number_no_edit_touches_is_in_the_output() -> None:
    """en-sample-like 0 (seed 11, after the generator fix d53da2f): a copy ``3. . IT IS KNOWN …  ALGORITHM.`` (a
    source's stray full stop) loses its repeated sentence and keeps ``3.`` and ``ALGORITHM.``, which the output
    reads as one sentence, ``3. ALGORITHM.``.  ``check`` said the input's sentence ``3.`` was not in the output
    and no edit accounted for it; no edit touches it, and the edits replay to the output (checked first)."""
    kept = "3. IT IS KNOWN THAT OTHER FACTORS, E.G. RELEVANCE OF SEARCH WORDS ON THE PAGE, ALSO INFLUENCE THE PAGERANK OF A PAGE."
    assert clean_checked(document(kept, OTHER, "3. . " + kept[3:] + " ALGORITHM.")) == document(kept, OTHER, "3. ALGORITHM.")


def test_a_speaker_tag_after_a_cut_in_capitals_opens_a_paragraph() -> None:
    """en-0122 (seed 13, CER 23 %): a first copy in capitals cut short (``… OF A HYPERLINKED SET``), the next
    paragraph ``MODERATOR: Inheritance is …``, and a copy that merged the two reads across.  In capitals on both
    sides a capital word and a colon may be the sentence going on (``… ALGORITHM`` / ``BELOW: PR(A) …``), so the
    merged copy attested the cut and the two paragraphs were glued.  Here the case changes after the colon: a tag."""
    caps = (
        "2. PAGERANK ALGORITHM IS PATENTED BY STANFORD UNIVERSITY. IT IS A LINK ANALYSIS ALGORITHM THAT ASSIGNS A VALUE TO EACH "
        "ELEMENT OF A HYPERLINKED SET OF DOCUMENTS, SUCH AS THE WWW."
    )
    tagged = "MODERATOR: Inheritance is a method of forming new classes using predefined classes. The new classes are called derived classes."
    cut = caps[: caps.index(" OF DOCUMENTS")]
    assert clean_checked(document(cut, tagged, caps, tagged, cut + " " + tagged)) == document(caps, tagged)


def test_a_copy_cut_right_before_its_extension_is_rejoined() -> None:
    """en-0450 (seed 13): the copy that extends ``… is denoted by PR(E).`` with ``, and reducing the complexity of
    the program`` is cut right before the clause (``… is denoted by`` / ``PR(E), and reducing …``).  No copy reads
    across that cut (the others end the sentence after ``PR(E)``), so the rest stayed a paragraph of its own and the
    first copy's sentence lost its extension.  A copy that reads across up to its full stop, where the cut copy
    goes on with a comma, attests the cut."""
    whole = "The weight taking a numerical value which assigns to any given element E is also known as the PageRank of E and is denoted by PR(E)."
    extended = whole[:-1] + ", and reducing the complexity of the program."
    cut = extended.index(" PR(E),")
    doc = document(whole, OTHER, extended[:cut], extended[cut + 1 :])
    assert clean_checked(doc) == document(extended, OTHER)


def test_a_typo_is_read_as_the_word_the_sentence_lacks() -> None:
    """en-0301 (seed 13): a copy that dropped its ``Dr. Hale:`` tag reads ``… to eradicate theoe problems.``;
    ``theoe`` is as like ``there`` as ``these``, by ratio and by edits, and was read as ``there`` (which the
    sentence has already), so the copy stayed beside the kept paragraph.  It stands for the word it lacks; a
    real word said instead (``there problems``) is still no typo."""
    kept = "Dr. Hale: There are a number of other models that are based on or extend the vector space model, and these are designed to try to eradicate these problems."
    typo = kept[len("Dr. Hale: ") :].replace("eradicate these", "eradicate theoe")
    assert clean_checked(document(kept, OTHER, typo)) == document(kept, OTHER)
    assert not covers(sentence_key(kept), sentence_key(typo.replace("theoe", "there")))


def test_a_typo_of_a_misspelt_word_is_read_as_that_word() -> None:
    """en-0429 (seed 13): the page misspells ``classs`` (``… orange is child classs of the main class``), a copy
    reads ``clasas``; ``class`` is more like it by ratio, and was chosen though the sentence has both of the
    window's ``class`` already: the copy stayed beside the kept sentence.  A word the sentence lacks comes first."""
    kept = (
        "We can understand this mechanism by some examples: like fruit is a main class and mangoes apple ,orange is child classs "
        "of the main class. So obviously inherit all the properties of fruit class."
    )
    assert clean_checked(document(kept, OTHER, kept.replace("classs", "clasas"))) == document(kept, OTHER)
