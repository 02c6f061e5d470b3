"""Chinese documents: cuts whose copies are damaged right at the cut (brief h-zh4, issue 13).

Minimal shapes of documents of ``benchmarks/quality_clean.py --sets zh`` that
the cleaner got wrong, each shown failing on the code before its fix;
:func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

GUARD = "一是弟陈徽，太子左卫率，淮南王司马允讨赵王司马伦，曾集结东宫兵在宫内响应淮南王。"
FISH = "二是鲑形目鲑科的一种，被IUCN列为次级保育类动物。"


def test_a_cut_with_a_character_doubled_right_after_it_is_rejoined() -> None:
    """``…太子左`` / ``卫卫率，…``: the whole copy reads ``左卫率`` across the cut once ``卫卫`` is read once.

    No copy read ``左卫卫率``, so the cut stayed and the paragraph was printed
    in two (zh document 9: 9 % CER).  The doubled ``卫`` itself is the repairs'
    business (one copy against one: no majority), so it is read once here.
    """
    cut = GUARD.index("卫")
    doc = "\n\n".join([GUARD[:cut], GUARD[cut] + GUARD[cut:], FISH, "三是" + GUARD[2:], FISH]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert [p.replace("卫卫", "卫") for p in out] == [GUARD, FISH]
