"""Chinese documents: the last losses of issue 13's quality benchmark (brief h-zh3).

Each test is the minimal shape of a document of ``benchmarks/quality_clean.py
--sets zh,zh-issue13,zh-sample-like`` that the cleaner got wrong, shown failing
on the code before its fix; the output is compared with what a reader needs and
:func:`dedup.check` (the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

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
    assert paragraphs(clean_checked(doc)) == [PHONE, MEAL]


def test_a_one_character_typo_is_still_outvoted() -> None:
    """The rule above leaves typo-sized votes alone: ``职债`` in the first copy, ``职责`` in two, is repaired."""
    p = "自治区成立由二十二个成员单位组成的工作联席会议机制，明确部门工作职责，合力推进工作落实。"
    doc = "\n\n".join([p.replace("职责", "职债"), p, p]) + "\n"
    assert paragraphs(clean_checked(doc)) == [p]



def test_copies_of_a_sentence_that_reads_alike_do_not_outvote_a_character() -> None:
    """``称国际人道主义法…将有权…`` and, twice, ``美联社推断，一旦国际人道主义法…有权…``: the first stays as it reads.

    The three cluster; the two copies of the other sentence voted ``称`` → ``旦``
    and ``将`` away in the first one (a typo-sized vote, but cast by a copy that
    reads a whole other opening: zh-issue13 document 12).
    """
    said = "二是称国际人道主义法适用于叙利亚，冲突各方将有权以适当途径获得武器"
    other = "美联社推断，一旦国际人道主义法适用于叙利亚，冲突各方有权以适当途径获得武器。"
    doc = "\n\n".join([said, "九是" + other, "五是" + other]) + "\n"
    assert paragraphs(clean_checked(doc))[0] == said

# -- a first copy cut short, a later copy cut across a blank line further on ---------------------

OLD_AGE = "一是积极应对人口老龄化战略研讨会昨天在京召开。人力资源和社会保障部社会保障研究所所长何平提出，我国应逐步延长退休年龄，建议到２０４５年不论男女，退休年龄均为６５岁。"
CENSUS = "二是根据第二次全国人口普查数据，我国是全球唯一的老年人口过亿的国家，２０１０年我国６０岁以上老年人已经达到１．７８亿。"
SHOW = "记者：《明星便利店》，是东森电视益智综艺节目，友松娱乐制作，主持人为孙协志、王仁甫、季芹、何妤玟，东森综合台于2018年9月17日首播。于2018年11月27日播出最后一集。"
PRIZE = "王磊：·奖励办法：率先提交的前１００个创意项目，经评估，可优先资助实施。"
PHONE_NO = "四是·咨询电话：０１０－６７７８４７１０，０１０－６７７８４７２０。"


def _cut(text: str, at: str) -> str:
    """``text`` cut right after the first ``at``, across a blank line."""
    i = text.index(at) + len(at)
    return text[:i] + "\n\n" + text[i:]


def test_a_cut_copy_completes_the_first_copy_with_its_tail() -> None:
    """``…何平提出，我`` first, then a copy cut at ``…建议到２０４５年`` / ``不论男女，…``: the whole sentence at the first place.

    The copy extended the first one up to its own cut; the rest, in the next
    block, stayed a paragraph of its own at the copy's place (zh document 222).
    """
    first = OLD_AGE[: OLD_AGE.index("我国应")]
    doc = "\n\n".join([first, CENSUS, _cut(OLD_AGE, "２０４５年"), CENSUS]) + "\n"
    assert paragraphs(clean_checked(doc)) == [OLD_AGE, CENSUS]


def test_a_cut_copy_one_character_longer_completes_the_first_copy() -> None:
    """``…东森综合`` first, a copy cut at ``…东森综合台`` / ``于2018年…``: one character more is no extension, the tail still joins (zh 177)."""
    first = SHOW[: SHOW.index("台于")]
    doc = "\n\n".join([first, CENSUS, _cut(SHOW, "综合台"), CENSUS]) + "\n"
    assert paragraphs(clean_checked(doc)) == [SHOW, CENSUS]


def test_a_cut_copy_shorter_than_the_first_copy_completes_it() -> None:
    """``…经评`` first, a copy cut at ``…经`` / ``评估，可优先资助实施。``: the tail joins without saying ``评`` twice (zh-sample-like 32)."""
    first = PRIZE[: PRIZE.index("估")]
    doc = "\n\n".join([first, PHONE_NO, _cut(PRIZE, "，经"), PHONE_NO]) + "\n"
    assert paragraphs(clean_checked(doc)) == [PRIZE, PHONE_NO]


def test_a_truncated_copy_does_not_swallow_the_next_paragraph() -> None:
    """The rule above needs the first copy cut short: a whole first copy, a truncated copy and a new paragraph stay three texts."""
    doc = "\n\n".join([OLD_AGE, CENSUS, OLD_AGE[: OLD_AGE.index("不论")], PRIZE]) + "\n"
    assert paragraphs(clean_checked(doc)) == [OLD_AGE, CENSUS, PRIZE]



def test_a_line_ending_in_a_bracket_is_no_cut_first_copy() -> None:
    """``…（捐款请注明：“孤儿助养”）`` then a copy merged with the next line (``…）主持人：地址：…５层``), then a
    new paragraph: the new paragraph stays its own (zh 272: it was glued to the first line as its "cut" end)."""
    bank = "一是开户行：中国银行北京科技会展中心支行（捐款请注明：“孤儿助养”）"
    addr = "主持人：地址：北京海淀区双榆树西里３６号南楼５层"
    news = "“关注贫困家庭孩子的健康和教育”，志愿者们和“爱心大使”将深入到云南楚雄地区，与孩子们展开面对面交流。"
    out = paragraphs(clean_checked("\n\n".join([bank, bank + addr, news]) + "\n"))
    assert out[-1] == news and all(news not in p for p in out[:-1])
    # (whatever the next paragraph opens with)
    out = paragraphs(clean_checked("\n\n".join([bank, CENSUS, bank + addr, PRIZE]) + "\n"))
    assert out[-1] == PRIZE and all(PRIZE not in p for p in out[:-1])


def test_a_merged_copy_reading_further_does_not_swallow_a_paragraph_opening_with_a_quote() -> None:
    """``…（…）`` + ``主持人：地址：北京海`` (cut short, rejoined), a copy that reads on to ``…南楼５层`` (its line
    has no full stop), then a new paragraph opening with ``“``: it stays its own (zh 272)."""
    bank = "一是开户行：中国银行北京科技会展中心支行（捐款请注明：“孤儿助养”）"
    addr = "主持人：地址：北京海淀区双榆树西里３６号南楼５层"
    news = "“关注贫困家庭孩子的健康和教育”，志愿者们和“爱心大使”将深入到云南楚雄地区，与孩子们展开面对面交流。"
    out = paragraphs(clean_checked("\n\n".join([bank, addr[: addr.index("淀")], bank + addr, news]) + "\n"))
    assert out[-1] == news and all(news not in p for p in out[:-1])


# -- a label before a title makes another sentence, not a longer one ------------------------------

TITLE = "安全驾驶－－这是汽车系列之不要把你的汽车当成办公室"


def test_a_labelled_title_does_not_extend_the_numbered_title() -> None:
    """``三是安全驾驶…`` then ``四是作品名称：安全驾驶…`` (a form: the title, then its label and the title): both stay.

    An extension never inserts at a sentence's start, but the list marker made
    ``作品名称：`` an insertion after ``三是``: the title became the labelled one
    and the label line went (zh-issue13 170, zh 16).
    """
    author = "五是作者：肖永鸿、罗豫、李国成／中山大学"
    doc = "\n\n".join(["三是" + TITLE, "四是作品名称：" + TITLE, author, "七是" + TITLE, "二是作品名称：" + TITLE]) + "\n"
    assert paragraphs(clean_checked(doc)) == ["三是" + TITLE, "四是作品名称：" + TITLE, author]


# -- a paragraph that ends with a colon (a list follows) is finished ------------------------------

DONORS = "二是截止到６月７日下午１８：３０，共有７４０１位网友捐款，已经募集到善款７３５，０１４．５元（人民币）。众多爱心组织、爱心网友也参与了认捐（仅为部分）："


def test_a_first_copy_cut_short_is_completed_from_a_copy_ending_with_a_colon() -> None:
    """``…众多爱心组织、爱`` first, the whole paragraph later, ending ``…（仅为部分）：``: completed at the first place.

    Completion asked the whole copy to end with a full stop; its sentence ended
    with the colon that announces the list, so the first copy stayed cut and the
    later one's sentence stayed behind as a paragraph of its own (zh 150).
    """
    first = DONORS[: DONORS.index("心网友")]
    doc = "\n\n".join([first, CENSUS, "四是" + DONORS[2:], CENSUS]) + "\n"
    assert paragraphs(clean_checked(doc)) == [DONORS, CENSUS]
