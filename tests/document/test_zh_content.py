"""Chinese documents: nothing lost, nothing twice, each text at its place (issue 13, brief h-zh).

Each test is the minimal shape of a document of the quality benchmark
(``benchmarks/quality_clean.py --sets zh``) that the cleaner got wrong:
the output is compared with what a reader needs, and :func:`dedup.check`
(the content invariant) must pass.
"""

from __future__ import annotations

from zh_checked import clean_checked, paragraphs

EDU = "一是推进义务教育优质均衡发展，办好人民满意的教育。确保每个孩子都能上好学，享有公平而有质量的教育。"
TEACHERS = "二是加强教师队伍建设，提高教师待遇水平，推动城乡教育均衡发展。"
HEALTH = "三是深化医药卫生体制改革，健全基层医疗卫生服务体系，提高服务能力。"


# -- a first copy cut short, completed from the only whole copy ------------------------------


def test_completion_brings_the_sentences_after_the_cut_too() -> None:
    """``…办好人民满`` first, the whole paragraph later: the whole paragraph reads at the first place.

    The sentence after the cut is the paragraph's own (no other paragraph says
    it), so it belongs with the completion, not left behind at the later copy's place.
    """
    doc = EDU[:20] + "\n\n" + TEACHERS + "\n\n" + EDU + "\n"
    assert paragraphs(clean_checked(doc)) == [EDU, TEACHERS]


def test_completion_leaves_a_merged_paragraph_at_its_place() -> None:
    """A later copy that merges the cut paragraph with the next one does not pull that one forward."""
    doc = EDU[:20] + "\n\n" + HEALTH + "\n\n" + TEACHERS + "\n\n" + EDU + TEACHERS + "\n"
    out = paragraphs(clean_checked(doc))
    assert out == [EDU, HEALTH, TEACHERS], out


# -- a copy with its sentences in another order, glued into one ----------------------------

AIDS = "世间本没有歧视，歧视源自于人的内心活动，“以爱之名”２００９年中国艾滋病反歧视主题创意大赛开幕，让“爱”在高校流动。"
STATELESS = "他们不仅无权在英工作，甚至因无国籍连结婚等基本人权都无法保障．．．"
BALL = "目前，这些数以千计的在英马来西亚华人，既丧失了马来西亚国籍，又无法取得英国国籍，成为无国籍“人球”。"


def test_a_copy_with_its_link_moved_to_the_front_goes() -> None:
    """``X。［详细］`` then ``［详细］X。``: the second is one sentence made of the first's two, and goes."""
    doc = AIDS + "［详细］\n\n" + TEACHERS + "\n\n［详细］" + AIDS + "\n"
    assert paragraphs(clean_checked(doc)) == [AIDS + "［详细］", TEACHERS]


def test_two_swapped_sentences_read_as_one_go() -> None:
    """``B。A…［详细］`` then ``A…［详细］B。`` (``．．．`` ends no sentence): the copy goes whole."""
    doc = BALL + STATELESS + "［详细］\n\n" + TEACHERS + "\n\n" + STATELESS + "［详细］" + BALL + "\n"
    assert paragraphs(clean_checked(doc)) == [BALL + STATELESS + "［详细］", TEACHERS]


def test_a_sentence_that_adds_words_to_kept_ones_in_another_order_stays() -> None:
    """Kept sentences in another order *plus* a word of its own is new content: it stays."""
    doc = AIDS + "［详细］\n\n" + TEACHERS + "\n\n［详细］" + AIDS[:-1] + "，反响热烈。\n"
    out = clean_checked(doc)
    assert "反响热烈" in out


def test_a_link_at_a_paragraphs_end_is_not_completed_with_text_it_has() -> None:
    """``X。［详细］`` first, ``［详细］X。`` twice later: ``［详细］`` reads unfinished, but its
    "completion" ``X。`` is what the paragraph already says; nothing may be said twice."""
    doc = AIDS + "［详细］\n\n" + TEACHERS + "\n\n［详细］" + AIDS + "\n\n［详细］" + AIDS + "\n"
    assert paragraphs(clean_checked(doc)) == [AIDS + "［详细］", TEACHERS]


# -- a copy cut short is not glued to the next paragraph ---------------------------------

SUPPORT = "此次活动也得到了文化、经济各界名人的支持，都为乡村儿童推荐了他们认为应该阅读的图书；我们也在东风标致汽车的支持下，购买了上述人士推荐的图书。"
SHOW = "在一周活动的结束时，志愿者们为孩子们安排了别开生面的表演，帮助孩子们展示通过阅读图书所编排的各类节目。"


def test_a_truncated_first_copy_is_completed_not_glued_to_the_next_paragraph() -> None:
    """``…；我们也`` / ``在一周活动…``: the junction ``也在`` is a word of the document, but only
    because the whole copy reads ``我们也在东风…``: where the text after the cut is known, it is
    not the next paragraph, so that paragraph is not its continuation."""
    cut = SUPPORT.index("在东风")
    doc = SUPPORT[:cut] + "\n\n" + SHOW + "\n\n" + SUPPORT + "\n"
    assert paragraphs(clean_checked(doc)) == [SUPPORT, SHOW]


def test_a_first_copy_cut_after_a_comma_is_completed_not_glued() -> None:
    """The same after a comma: ``…的支持，`` / ``在一周活动…`` while the whole copy reads ``…的支持，都为…``."""
    cut = SUPPORT.index("都为")
    doc = SUPPORT[:cut] + "\n\n" + SHOW + "\n\n" + SUPPORT + "\n"
    assert paragraphs(clean_checked(doc)) == [SUPPORT, SHOW]


# -- a completion is read from the sentence that follows what the first copy has ----------------

CHEN = (
    "永康元年（300年），司马伦发动政变，废杀贾南风，陈准有功，封海陵公。"
    "司马伦意图篡位，淮南王司马允发兵讨伐，围困司马伦。"
    "司马伦不知其故，提升陈准为太尉，录尚书事，改封广陵公。"
)


def test_a_completion_continues_the_sentence_the_cut_is_in_not_a_later_one() -> None:
    """``…封海陵公。司马伦`` cut: two sentences of the whole copy begin ``司马伦``; the one after
    ``封海陵公。`` is the one cut, not the last."""
    cut = CHEN.index("意图")
    doc = CHEN[:cut] + "\n\n" + TEACHERS + "\n\n" + CHEN + "\n"
    assert paragraphs(clean_checked(doc)) == [CHEN, TEACHERS]


# -- a paragraph printed again right after itself is a repeat, not a cut ------------------------

HEATS = "记者：１３日０２：３０男子１５００米１６日０２：３０女子５００米１９日０２：３０女子１５００米２３日２０：５６女子３０００米接力"
FINALS = "２３日０３：４８男子５００米２６日０２：４４女子１０００米２６日０４：１７男子５０００米"


def test_a_line_without_full_stop_printed_twice_is_not_stitched_to_itself() -> None:
    """A schedule line (no final punctuation) twice in a row: ``００米２３日`` read elsewhere
    (``１５００米２３日``) attests no cut between a block and its own copy."""
    doc = HEATS + "\n\n" + FINALS + "\n\n" + FINALS + "\n\n" + FINALS + "\n"
    assert paragraphs(clean_checked(doc)) == [HEATS, FINALS]


# -- a copy that says more in one sentence completes the first reading --------------------------

GAOPING = "高平郡，西晋泰始元年置，治所在高平县，辖境相当今山东省西南部。北齐天保七年（556年），改为高平郡。"
EXTRA = "，让他们吃饱喝足不扰乱阳间百姓的平安"


def test_a_copy_that_adds_more_than_the_sentence_had_extends_it() -> None:
    """The copy's sentence is more than twice the kept one: still a copy of the paragraph, so its
    extra words go into the first reading and the copy goes (no sentence said twice)."""
    longer = GAOPING[:-1] + EXTRA + "。"
    doc = GAOPING + "\n\n" + TEACHERS + "\n\n" + longer + "\n"
    assert paragraphs(clean_checked(doc)) == [longer, TEACHERS]


# -- a title is not "completed" with the paragraph a merged copy glued to it ---------------------

TITLE = "ＰＵＲＥ　ＳＫＩＮ主张：健康的美，才是可持续的美"
BODY = "肌纯的健康主张－－精准充足的养分深入皮肤底层，焕发细胞核心生命力，启动肌肤修复程序，自主修复受损组织。"


def test_a_title_is_not_completed_from_a_copy_merged_with_the_next_paragraph() -> None:
    """``TITLE`` (no final punctuation) and a later block ``TITLE⏎BODY``: the title is whole, the
    rest is the next paragraph, which has its own place."""
    doc = TITLE + "\n\n" + BODY + "\n\n" + BODY + "\n\n" + TITLE + "\n" + BODY + "\n"
    assert paragraphs(clean_checked(doc)) == [TITLE, BODY]


def test_a_completion_whose_end_is_a_phrase_said_elsewhere_is_still_made() -> None:
    """``…罗黛琳赠送`` completed with ``给联合国秘书长潘基文先生。``: another paragraph names
    ``联合国秘书长潘基文先生`` too, which makes it no merged paragraph."""
    names = "２０１２年７月１８日北京讯，联合国秘书长潘基文先生、联合国驻华协调员出席了发布会。"
    album = "现代传播将这些照片制作成精美的画册，在新闻发布会上由联合国驻华代表罗黛琳赠送给联合国秘书长潘基文先生。"
    cut = album.index("给联合国")
    doc = names + "\n\n" + album[:cut] + "\n\n" + TEACHERS + "\n\n" + names + "\n\n" + album + "\n"
    assert paragraphs(clean_checked(doc)) == [names, album, TEACHERS]


# -- a link after the completed sentence goes with it ------------------------------------------

LAMP = "记者：节能灯每分钟比普通灯泡节电８０％。"


def test_a_completion_takes_the_link_that_ends_the_paragraph() -> None:
    """``…普通灯泡节`` completed from ``…节电８０％。［详细］``: ``［详细］`` (said after every
    paragraph, no full stop) is the paragraph's end too, not left out of the output."""
    cut = LAMP.index("电８")
    doc = LAMP[:cut] + "\n\n" + TEACHERS + "［详细］\n\n" + LAMP + "［详细］\n"
    assert paragraphs(clean_checked(doc)) == [LAMP + "［详细］", TEACHERS + "［详细］"]


# -- a speaker tag a paragraph opens with is not outvoted by copies without it ---------------

AWARD = "2007年：第十六届香港舞台剧奖最佳化妆造型（作品：《大汗推拿》，新域剧团）"


def test_a_speaker_tag_is_not_voted_away_by_copies_that_dropped_it() -> None:
    """``记者：2007年：…`` first, three copies without the tag: the tag is content (it says who
    speaks), so the majority of copies does not delete it from the first."""
    doc = "记者：" + AWARD + "\n\n" + TEACHERS + "\n\n" + AWARD + "\n\n" + AWARD + "\n\n" + AWARD + "\n"
    assert "记者：" + AWARD in clean_checked(doc)


def test_a_merged_copy_with_the_link_glued_to_the_next_item_goes() -> None:
    """``…健康。［详细］三是在这些…`` (two items merged, no break): ``［详细］三是X。`` is the link and
    item ``X``, both kept already."""
    first = "二是消毒餐具不消毒而且卫生不合格的真相让人触目惊心，消毒餐具的毒素正在消磨着人们的生命健康。"
    second = "三是在这些餐具背后，还藏着一个鲜为人知的庞大利益链：餐馆从消费者口袋中掏走的碗筷费相当惊人。"
    doc = first + "［详细］\n\n" + second + "［详细］\n\n" + HEALTH + "\n\n四是" + first[2:] + "［详细］" + second + "［详细］\n"
    assert paragraphs(clean_checked(doc)) == [first + "［详细］", second + "［详细］", HEALTH]


def test_a_short_sentence_a_copy_extends_is_extended() -> None:
    """``西晋官员。`` (four characters) and a copy of its paragraph reading ``西晋官员，官至太尉。``."""
    chen = "陈准，颍川许昌（今河南许昌）人。西晋官员。出身颍川陈氏，青州刺史陈佐之子。"
    longer = chen.replace("西晋官员。", "西晋官员，阿列省和涅夫勒省接壤。")
    doc = chen + "\n\n" + TEACHERS + "\n\n" + longer + "\n"
    assert paragraphs(clean_checked(doc)) == [longer, TEACHERS]


# -- a cut-short paragraph in a cluster with another (a merged copy joined them) ---------------

FORBES = "一是中坤集团董事长黄怒波在接受专访时表示：现在慈善大多是官办，我比较抵触，捐钱好像还得求着他们一样。"
DONATE = (
    "记者：黄怒波表示，我现在不想捐给官办慈善机构，所以就捐给北大，我挺信任北大的。"
    "此外，还有一些零星的捐助，比如最近马洪涛搞了一个爱心衣橱活动，我觉得挺好，年轻人从事慈善事业值得鼓励。"
    "再比如说有一个朋友的孩子发起一个拒绝吃鱼翅的活动，我也捐给他们５０万元启动资金。"
)


def test_a_cut_paragraph_clustered_with_another_is_completed_sentence_by_sentence() -> None:
    """``…我觉得挺好，年轻人从`` cut, the whole paragraph later, and a copy merging it with the
    paragraph before (so all are one cluster): the sentence after the cut goes with the completion."""
    cut = DONATE.index("事慈善")
    doc = FORBES + "\n\n" + DONATE[:cut] + "\n\n" + HEALTH + "\n\n" + DONATE + "\n\n" + FORBES + DONATE + "\n"
    assert paragraphs(clean_checked(doc)) == [FORBES, DONATE, HEALTH]


def test_a_completion_by_extension_may_add_a_clause_another_paragraph_also_says() -> None:
    """The whole copy adds ``区学校中，有１５所学校…`` which paragraph one says too: a clause
    another paragraph shares is no merged paragraph, so the cut sentence is still completed."""
    one = "一是甘肃首批１６所偏远山区学校中，有１５所学校的１１９７名困难学生有望获得爱心运动鞋。"
    news = "王磊：本报讯６月１３日上午，经初步审查，由本报报送的省内首批１６所偏远山区学校中，有１５所学校的１１９７名困难学生有望获得爱心运动鞋。"
    cut = news.index("区学校")
    doc = one + "\n\n" + news[:cut] + "\n\n" + TEACHERS + "\n\n" + news + "\n"
    assert paragraphs(clean_checked(doc)) == [one, news, TEACHERS]
