"""Chinese documents: the last losses of issue 13's quality benchmark (brief h-zh3).

Each test is the minimal shape of a document of ``benchmarks/quality_clean.py
--sets zh,zh-issue13,zh-sample-like`` that the cleaner got wrong, shown failing
on the code before its fix; the output is compared with what a reader needs and
:func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check


def _clean(doc: str) -> str:
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    return r.text


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


# -- consensus: copies of another item of a list are no witnesses -------------------------------

PHONE = "六是创意说明：本短片＂这是汽车＂系列广告代表在汽车安全驾驶中＂打电话＂的行为。短片通过模拟＂办公室＂情景，将这种不安全驾驶行为在情景中的体现与现实的驾驶过程结合起来。"
MEAL = "十是创意说明：本短片＂这是汽车＂系列广告代表在汽车安全驾驶中＂饮食＂行为。短片通过模拟＂餐厅＂情景，将这种不安全驾驶行为在情景中的体现与现实的驾驶过程结合起来。"


def test_two_copies_of_the_next_item_do_not_outvote_a_word() -> None:
    """A form's two items one word apart (``打电话`` / ``饮食``), the second printed twice: both stay.

    The three are one cluster; the consensus vote took the two copies of the
    second item as witnesses of the first and rewrote ``打电话`` → ``饮食`` and
    ``办公室`` → ``餐厅`` there, so the first item was gone from the output
    (zh-issue13 document 170 of the benchmark).
    """
    doc = "\n\n".join([PHONE, MEAL, "三是" + MEAL[2:]]) + "\n"
    assert _paragraphs(_clean(doc)) == [PHONE, MEAL]


def test_a_one_character_typo_is_still_outvoted() -> None:
    """The rule above leaves typo-sized votes alone: ``职债`` in the first copy, ``职责`` in two, is repaired."""
    p = "自治区成立由二十二个成员单位组成的工作联席会议机制，明确部门工作职责，合力推进工作落实。"
    doc = "\n\n".join([p.replace("职责", "职债"), p, p]) + "\n"
    assert _paragraphs(_clean(doc)) == [p]
