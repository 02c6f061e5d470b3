"""Chinese documents: nothing lost, nothing twice, each text at its place (issue 13, brief h-zh).

Each test is the minimal shape of a document of the quality benchmark
(``benchmarks/quality_clean.py --sets zh``) that the cleaner got wrong:
the output is compared with what a reader needs, and :func:`dedup.check`
(the content invariant) must pass.
"""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check

EDU = "一是推进义务教育优质均衡发展，办好人民满意的教育。确保每个孩子都能上好学，享有公平而有质量的教育。"
TEACHERS = "二是加强教师队伍建设，提高教师待遇水平，推动城乡教育均衡发展。"
HEALTH = "三是深化医药卫生体制改革，健全基层医疗卫生服务体系，提高服务能力。"


def _clean(doc: str) -> str:
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    return r.text


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


# -- a first copy cut short, completed from the only whole copy ------------------------------


def test_completion_brings_the_sentences_after_the_cut_too() -> None:
    """``…办好人民满`` first, the whole paragraph later: the whole paragraph reads at the first place.

    The sentence after the cut is the paragraph's own (no other paragraph says
    it), so it belongs with the completion, not left behind at the later copy's place.
    """
    doc = EDU[:20] + "\n\n" + TEACHERS + "\n\n" + EDU + "\n"
    assert _paragraphs(_clean(doc)) == [EDU, TEACHERS]


def test_completion_leaves_a_merged_paragraph_at_its_place() -> None:
    """A later copy that merges the cut paragraph with the next one does not pull that one forward."""
    doc = EDU[:20] + "\n\n" + HEALTH + "\n\n" + TEACHERS + "\n\n" + EDU + TEACHERS + "\n"
    out = _paragraphs(_clean(doc))
    assert out == [EDU, HEALTH, TEACHERS], out
