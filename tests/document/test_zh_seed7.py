"""Chinese documents of the seed-7 benchmark sample (brief h-seed7, issue 13).

Each test is the minimal shape of a document of ``benchmarks/quality_clean.py
--zh 600 --en 600 --seed 7 --sets zh,zh-issue13`` that the cleaner got wrong,
shown failing on the code before its fix; :func:`dedup.check` (the content
invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

from dedup.repair.majority import list_ordinal, one_numbered_list

LIST = [
    "一是晚点１０分钟以上，站点方面要引导赶时间的乘客退票改乘其他交通工具。",
    "二是车站值班员携带地铁免费乘车凭证，到站厅边门处为乘客办理退票手续。",
    "三是延误１５分钟且短时间不能恢复",
    "四是值班站长就要安排各岗位做启动公交接驳预案的准备了：",
    "五是延误１５分钟以上且短时间不能恢复",
    "六是此时，公交接驳预案启动了！",
]


def test_two_items_of_one_list_one_word_apart_are_not_outvoted() -> None:
    """``三是延误…`` and ``五是延误…以上…``: two items of one list, not a copy and its original.

    The later item's copies (one renumbered ``一是``) outvoted the earlier
    item, three to one, and wrote ``以上`` into it; the later item then went
    as its repeat: ``…分钟且短时间…`` was lost (zh-issue13 document 338).
    """
    doc = "\n\n".join(LIST + [LIST[4], "一是延误１５分钟以上且短时间不能恢复", LIST[5]]) + "\n"
    assert paragraphs(clean_checked(doc)) == LIST


def test_copies_renumbered_in_a_later_pass_still_vote() -> None:
    """The vote still corrects an item whose copies sit in later passes of the list, renumbered."""
    items = LIST[:2] + ["三是票亭岗为要求退现金的乘客直接按规定退款。"] + LIST[3:]
    typo = items[:4] + [items[4].replace("恢复", "恢夏")] + items[5:]
    doc = "\n\n".join(typo + [items[4], "一是" + items[4][2:], items[5]]) + "\n"
    assert paragraphs(clean_checked(doc)) == items


def test_ordinals_and_one_numbered_list() -> None:
    """What counts as one list: ordinals that go up one by one, paragraph by paragraph."""
    assert [list_ordinal(t) for t in ("四是延误", "十二、推进", "二十、", "3. Keep", "1.84亿元", "延误")] == [4, 12, 20, 3, None, None]
    assert one_numbered_list(LIST[2:5])
    assert not one_numbered_list([LIST[2], LIST[0], LIST[4]])  # a renumbered copy in another pass
    assert not one_numbered_list([LIST[2]])


LIU_BO = (
    "二是刘博本为参户亭侯，汉桓帝元嘉元年（151年）闰十一月庚午，任城节王刘崇薨，无子，国绝。"
    "延熹四年（161年）四月甲寅，封刘博为任城王（治所在任城县，今山东省济宁市微山县西北鲁桥），奉任城孝王刘尚之祀。"
    "熹平四年（175年），灵帝复立河间王刘建子新昌侯刘佗为任城王。"
)
OTHER = "三是任城王刘佗（？－？）为河间贞王刘建之子，东汉第5代（末代）任城王。"


def test_the_tail_of_a_cut_paragraph_is_no_repeat_of_its_beginning() -> None:
    """``…新昌侯刘佗`` / ``为任城王。``, with no copy reading across the cut: the tail stays.

    It went as "contained in kept text" (``封刘博为任城王（…``, the same
    paragraph's beginning), and ``…刘佗为任城王。`` was lost (zh-issue13
    document 379).  No copy attests the join, so the two stay apart.
    """
    head, tail = LIU_BO[: LIU_BO.index("为任城王。")], "为任城王。"
    doc = "\n\n".join([head, tail, OTHER, "一是" + LIU_BO[2 : LIU_BO.index("新昌侯") + 3]]) + "\n"
    assert paragraphs(clean_checked(doc)) == [head, tail, OTHER]
