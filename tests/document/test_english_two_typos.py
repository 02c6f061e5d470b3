"""Two typos in one word (issue 13, en-generated-0206): the document's own words say it is a copy.

``5.5 mrlnion people`` opposite ``5.5 million people``: ratio 71, below the invariant's
``TYPO_RATIO`` 75, so the copy's sentence counted as new content and stayed beside the
original (a surviving near-duplicate pair).  A word the document writes nowhere else,
opposite one it writes, one or two letters away, is that word misspelt
(:mod:`dedup.document_words`); a word the document writes elsewhere is a word of its own.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from dedup.document_words import document_words, misspelt_word
from dedup.fingerprint.keys import matching_key
from dedup.invariant import covers
from dedup.pipeline import clean
from dedup.report import check

PARA = "According to the regional hospital, 5.5 million people were affected by the storm in June."
OTHER = "A small bakery postponed a catalogue of medieval maps until the end of the month."
MISSPELT = PARA.replace("million", "mrlnion")


def _cleaned(doc: str) -> tuple[str, list[str]]:
    """The output of ``dedup.clean`` and what ``dedup.check`` finds in it."""
    r = clean(doc)
    return r.text, check(doc, r.text, r.report)


def test_a_copy_with_two_typos_in_one_word_goes() -> None:
    """The paragraph three times, once as ``mrlnion``: one copy stays, spelt as the document spells it."""
    doc = PARA + "\n\n" + OTHER + "\n\n" + PARA + "\n\n" + MISSPELT + "\n"
    text, problems = _cleaned(doc)
    assert problems == []
    assert text == PARA + "\n\n" + OTHER + "\n"


def test_the_second_half_of_a_cut_copy_with_two_typos_goes() -> None:
    """en-0132 (seed 7): ``… of E`` / ``and dnnotrd by PR(E).``, ``denoted`` written once, in the whole copy:
    the rejoined copy's last sentence stayed as new content beside the whole paragraph."""
    whole = "The PageRank of a page is based upon the inbound links. The value is the probability of E and denoted by PR(E)."
    cut = whole.replace("denoted", "dnnotrd")
    at = cut.index(" and dnnotrd")
    doc = whole + "\n\n" + OTHER + "\n\n" + cut[:at] + "\n\n" + cut[at + 1 :] + "\n"
    text, problems = _cleaned(doc)
    assert problems == []
    assert text == whole + "\n\n" + OTHER + "\n"


def test_a_word_the_document_writes_elsewhere_is_no_typo() -> None:
    """``mission`` opposite ``million`` is as far as ``mrlnion``, but the document writes it again: new content."""
    mission = PARA.replace("million", "mission")
    doc = PARA + "\n\n" + OTHER + "\n\n" + PARA + "\n\n" + mission + "\n\nThe mission of the hospital is to care for everyone.\n"
    text, problems = _cleaned(doc)
    assert problems == []
    assert mission in text and PARA in text


def test_the_invariant_still_flags_a_real_word_replaced() -> None:
    """:func:`covers`, the one predicate the reconstructor decides and ``check`` verifies with."""
    mission = PARA.replace("million", "mission")
    kept, typo, other = (matching_key(p) for p in (PARA, MISSPELT, mission))
    doc = "\n\n".join([PARA, PARA, MISSPELT, mission, "The mission of the hospital."])
    assert not covers(kept, typo)  # no document named: no evidence, as strict as before
    with document_words(doc):
        assert covers(kept, typo)
        assert not covers(kept, other)
    with document_words(doc + "\n\n" + MISSPELT):  # the document writes ``mrlnion`` twice: a word of its own
        assert not covers(kept, typo)
    with document_words("\n\n".join([PARA, MISSPELT])):  # two copies: the one opposite is the document writing it
        assert covers(kept, typo)


_LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)


@settings(max_examples=300, deadline=None)
@given(word=_LETTERS, others=st.lists(_LETTERS, max_size=6), document=st.lists(_LETTERS, max_size=30))
def test_evidence_names_only_another_word_the_document_writes_for_one_written_once(word: str, others: list[str], document: list[str]) -> None:
    """Whatever the words: the answer is a candidate the document writes, at most two edits from a word of six
    letters or more that it writes once."""
    text = " ".join(document + [word])
    with document_words(text) as vocabulary:
        got = misspelt_word(word, others)
        counts = vocabulary.counts
    if got is not None:
        assert got in others and counts[word] == 1 and counts[got] >= 1
        assert len(word) >= 6 and len(got) >= 6
        assert got != word and Levenshtein.distance(word, got) <= 2


def test_a_remembered_answer_is_never_another_documents() -> None:
    """``covers`` is remembered (``lru_cache``) during a run, and its answer reads the document's words: a
    document where ``mrlnion`` is a typo must not answer for one that writes it twice."""
    twice = PARA + "\n\n" + OTHER + "\n\n" + PARA + "\n\n" + MISSPELT + "\n\n" + MISSPELT + "\n"
    alone = clean(twice).text
    clean(PARA + "\n\n" + OTHER + "\n\n" + PARA + "\n\n" + MISSPELT + "\n")
    assert clean(twice).text == alone
    assert MISSPELT in alone  # written twice: the document's own word, new content
