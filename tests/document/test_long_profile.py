"""Regression tests for what the long profile of the content invariant found (issue 13, 10,000 examples a language).

Each test is the minimal shape of one falsifying example of
``test_property_invariant_on_damaged_*`` (tests/document/test_nothing_lost.py),
run with ``HYPOTHESIS_PROFILE=long``; the docstring says which run found it.
"""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check

# -- en, long profile at 5,000 on 2f55db9 (example 4,180) ---------------------------------------

EARLIER = (
    "The weather service recorded a report on rural broadband by counting every household. "
    "Our survey team measured a plan for the northern bridge at a cost nobody had expected, and a second meeting was set for June."
)
CAPS_HEAD = "4. THE OLD LIGHTHOUSE KEEPER REPAIRED A STUDY OF MIGRATING GEESE BY COUNTING EVERY HOUSEHOL"
CAPS_TAIL = "D. OUR SURVEY TEAM MEASURED A PLAN FOR THE NORTHERN BRIDGE AT A COST NOBODY HAD EXPECTED."
CAPS_WHOLE = (
    "2. THE OLD LIGHTHOUSE KEEPER REPAIRED A STUDY OF MIGRATING GEESE BY COUNTING EVERY HOUSEHOLD. "
    "OUR SURVEY TEAM MEASURED A PLAN FOR THE NORTHERN BRIDGE AT A COST NOBODY HAD EXPECTED."
)


def test_a_capitals_cut_before_an_initial_like_opening_is_accounted_for() -> None:
    """``… EVERY HOUSEHOL`` / ``D. OUR SURVEY …``, and a whole copy reading ``HOUSEHOLD. OUR SURVEY`` later.

    In the input the two halves read as one sentence (``D.`` looks like an
    initial).  Joined, they are two: the first stays in its own paragraph, the
    second goes as a repeat of the earlier paragraph, which says it (case aside)
    in a longer sentence.  Each is in the output, so the invariant holds; the
    checker used to ask the earlier paragraph for both and flagged a loss.
    """
    doc = "\n\n".join([EARLIER, CAPS_HEAD, CAPS_TAIL, CAPS_WHOLE]) + "\n"
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    joins = [e for e in r.report.edits if e.rule == "stitch.cut_paragraph"]
    assert [(e.before, e.after) for e in joins] == [("\n\n", "")], joins  # HOUSEHOL + D: one word
    assert "EVERY HOUSEHOLD." in r.text
    folded = r.text.casefold()
    assert folded.count("our survey team measured a plan for the northern bridge at a cost nobody had expected") == 1, r.text


def test_a_sentence_of_a_joined_cut_removed_without_a_holder_is_still_flagged() -> None:
    """The checker's joined reading accepts a sentence in its own unit only if it is really there.

    The same report with the second sentence's removal pointed at a unit that
    does not say it must be flagged: the own-unit reading cannot excuse it.
    """
    doc = "\n\n".join([EARLIER, CAPS_HEAD, CAPS_TAIL, CAPS_WHOLE]) + "\n"
    r = clean(doc)
    report = r.report.to_dict()
    removed = [e for e in report["edits"] if e["rule"] == "dedup.duplicate_sentence" and e["before"].startswith("OUR SURVEY")]
    assert removed, report["edits"]
    # point the removal at the whole copy's unit, which is itself removed: nothing there says the sentence
    whole_unit = max(u["id"] for u in report["units"])
    for e in removed:
        e["evidence"] = {"duplicate_of_unit": whole_unit}
    from dedup.invariant import content_problems

    assert any("OUR SURVEY" in p or "4. THE OLD" in p for p in content_problems(doc, report)), report["edits"]
