"""Chinese documents: a copy that extends a sentence and is cut right before the extension (brief h-zh5).

Each test is the minimal shape of a document of ``benchmarks/quality_clean.py
--sets zh,zh-issue13,zh-sample-like`` that the cleaner got wrong, shown failing
on the code before its fix; :func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

BERT = "三是伯特和吉米到山洞中杀死其余的尖叫兽，而洁思和其他人为女王设下陷阱。他们返回研究地点，但发现女王在那里等待伯特。众人前往魔鬼之腕，与吉米一起执行了伯特的计划。"
AWARD = "主持人：2000年：第九届香港舞台剧奖最佳舞台设计（作品:《两条老柴玩游戏》，剧场组合）"


def test_a_copy_cut_right_before_its_extension_is_rejoined() -> None:
    """``…等待伯`` / ``特，刘尚受封为第一代任城王。众人…`` after a whole copy reading ``…等待伯特。众人…``: one paragraph.

    The whole copy reads on from ``等待伯`` into ``特`` and ends its sentence
    there, where the cut copy goes on with a comma: it attests the cut word,
    not another text.  The stitcher took it for a copy reading on otherwise,
    left the cut, and the extension stayed a fragment of its own while its
    sentence was lost (zh document 125 of the benchmark).
    """
    extended = BERT.replace("等待伯特。", "等待伯特，刘尚受封为第一代任城王。")
    cut = extended.replace("等待伯特，", "等待伯\n\n特，")
    doc = "\n\n".join([BERT, AWARD, cut]) + "\n"
    assert paragraphs(clean_checked(doc)) == [extended, AWARD]


def test_a_copy_reading_on_into_another_word_still_blocks_the_junction() -> None:
    """``…我们也`` / ``在一周活动…`` beside a whole copy reading ``…我们也在东风…``: two paragraphs stay.

    The other copy agrees with ``n`` on one character only and then reads on
    in the same sentence (no sentence end where ``n`` has its comma): the
    rule above does not apply, the truncated copy is not glued to the next one.
    """
    whole = "八是今年春天我们也在东风大道举办了植树活动，参加的市民超过两千人。"
    truncated = whole[: whole.index("在东风")]
    other = "在一周活动期间，各区共组织志愿者四百余人次，清理垃圾三十余吨。"
    doc = "\n\n".join([whole, truncated, other]) + "\n"
    assert paragraphs(clean_checked(doc)) == [whole, other]
