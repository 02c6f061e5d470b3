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


FLAG = "* 阴竿在地─招鬼魂告知本地有建醮祭祀活动，在醮期结束前准备祭品普渡，建醮结束后不可再扰乱当地安宁，借此宣示当地主神神威显赫、庇佑黎民。"
SEATS = "五是与将军生活起居之处“奥”距离最近的席次是溜间、雁间、菊间广缘、帝鉴间以及主要由谱代大名入座的席位。"


def test_a_copy_cut_inside_its_extension_is_rejoined() -> None:
    """``…庇佑黎民，通常都要送至溪`` / ``河或海边流放或空地焚烧。`` after a copy ending ``…庇佑黎民。``: one sentence.

    No copy reads across the cut (the extension is this copy's own) and
    ``溪河`` is no word of the document: the block was left cut, the copy
    completed the first one up to ``…送至溪`` and the rest stayed a fragment,
    so the extended sentence was lost (zh documents 79, 188, 329, 503 of
    ``--zh 600 --seed 7``; zh-issue13 406, zh-sample-like 10).  The other copy
    finishes the sentence where this one goes on with a comma: that is the
    evidence.
    """
    extended = FLAG.replace("庇佑黎民。", "庇佑黎民，通常都要送至溪河或海边流放或空地焚烧。")
    cut = extended.replace("送至溪", "送至溪\n\n")
    doc = "\n\n".join([FLAG, SEATS, cut]) + "\n"
    assert paragraphs(clean_checked(doc)) == [extended, SEATS]


def test_a_truncated_copy_of_a_sentence_is_not_glued_to_the_next_paragraph() -> None:
    """``…庇佑黎民，通常都要`` / the next copy of ``SEATS``: two paragraphs (the rule above needs a next block that is no paragraph's opening)."""
    extended = FLAG.replace("庇佑黎民。", "庇佑黎民，通常都要送至溪河或海边流放或空地焚烧。")
    truncated = extended[: extended.index("送至溪")]
    doc = "\n\n".join([FLAG, SEATS, truncated, SEATS]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert SEATS in out and not any(p.endswith("通常都要" + SEATS) for p in out)


STOP7 = "一是第七站：２００８年１０月２７日－３１日，江西省遂川县堆子前平安希望小学"
STOP8 = "发言人：第八站：２００９年５月１８日－２２日，北京市房山区薄洼乡平安希望小学"


def test_a_copy_merging_two_tagged_lines_does_not_join_them() -> None:
    """Two lines without final marks, the second opening with the tag ``发言人：`` that its copies open with,
    and a copy that merges the two (``…小学发言人：第八站…``): the lines stay two, the merged copy goes.

    The merged copy read straight across the gap, so the first line was glued
    to the second's first copy (cut short, ``…薄洼乡``); the whole second copy
    and the merged copy then said nothing new to the glued paragraph and all
    three stayed: CER 110 % (zh document 552 of ``--zh 600 --seed 7``).
    """
    cut_short = STOP8[: STOP8.index("平安希望小学")]
    tail = "积极应对人口老龄化战略研讨会昨天在京召开。"
    doc = "\n\n".join([STOP7, cut_short, STOP8, STOP7 + STOP8, tail]) + "\n"
    assert paragraphs(clean_checked(doc)) == [STOP7, STOP8, tail]


# -- a first copy cut short, completed from whole copies ---------------------------------------------

ASK = "王磊：Ｑ：为什么我提交不了试用申请　Ａ：试用申请必须同时满足以下全　部条件：１、必须是搜狐试用频道　的注册会员；２、个人资料完成度　１００％；３、非试用中心黑名单用户；"
REPORT = "二是Ｑ：为什么我的试用报告不通过　Ａ：试用报告提交后需经过编辑审核，合格的试用报告字数应该在１００字以上，并且附有产品图及试用体验过程图。试用报告字数过少或抄袭，都会被编辑审核为不通过；"
WHAT = "三是Ｑ：什么是试用报告？Ａ：试用报告是收到试用产品后，按照时间规定在试用平台提交的一份关于产品使用的心得和体会。优秀的试用心得必须是图文并茂；"


def test_a_first_copy_opening_with_a_tag_is_completed_by_all_of_two_whole_copies() -> None:
    """``二是Ｑ：…试用体验过程`` first, two whole copies later: the first copy gets the whole rest, both sentences.

    The sentence after the cut one was taken for another paragraph's, as a
    unit (the second whole copy) says it but not the fragment: the fragment's
    key kept its tag ``Ｑ：``, which unit keys drop.  Only ``图。`` was
    appended and ``试用报告字数过少…`` stayed at the later copy's place
    (zh document 400 of ``--zh 600 --seed 7``, CER 0.20).
    """
    cut_short = REPORT[: REPORT.index("图。")]
    doc = "\n\n".join([ASK, cut_short, WHAT, REPORT, REPORT]) + "\n"
    assert paragraphs(clean_checked(doc)) == [ASK, REPORT, WHAT]


TITLES = "男单选手田儿贤一成功卫冕，更是连续四年称霸男单项目；而平田典靖／桥本博且则在男双项目实现三连霸。另外，奥原希望、高桥礼华／松友美佐纪及池田信太郎／潮田玲子分别在女单女双和混双项目首次夺冠；其中，奥原希望以16歳8个月之龄赢得冠军，成为本赛事历年来最年轻的优胜者。"
FISH = "王磊：本鱼体呈纺锤状，略侧扁，体呈淡褐色，背部颜色较深，体侧具有黑色及红色的细点，并具有不规则的褐色斑块，各鳍略呈淡黄色，尾鳍略凹入，背鳍具有红色小斑点，体长可达33.6公分。"


def test_a_copy_cut_where_the_first_copy_stops_is_rejoined() -> None:
    """``三是…混双项目`` first (cut short), later ``二是…混双项目`` / ``首次夺冠；其中…``: one whole paragraph, at the first place.

    No copy reads across the cut (the first copy stops there too) and
    ``目首`` is no word: the later copy stayed cut, and its second half,
    with the paragraph's last two sentences, stayed a paragraph of its own
    while the first sentence of it was lost (zh documents 447 and 315 of
    ``--zh 600 --seed 7``).  Another block ending at the same point is the
    evidence (unless the next block opens as a paragraph does).
    """
    at = TITLES.index("首次夺冠")
    doc = "\n\n".join(["三是" + TITLES[:at], FISH, "二是" + TITLES[:at] + "\n\n" + TITLES[at:]]) + "\n"
    assert paragraphs(clean_checked(doc)) == ["三是" + TITLES, FISH]


def test_a_line_repeated_whole_is_not_glued_to_the_next_paragraph() -> None:
    """The same unfinished line twice, each time followed by a paragraph the document opens elsewhere too: nothing joins."""
    line = "二〇一二年全国羽毛球锦标赛男子单打决赛成绩"
    doc = "\n\n".join([line, FISH, line, FISH, "三是" + TITLES]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert line in out and FISH in out


FISH_KIND = "三是鸽鳟，为辐鳍鱼纲鲑形目鲑科的一种，被IUCN列为次级保育类动物。"
SHOW = "2017年：香港舞蹈年奖 最佳舞台设计（作品:《中华英雄》，香港舞蹈团）"


def test_two_copies_cut_at_other_points_attest_each_other() -> None:
    """``…被IUC`` / ``N列为…`` and later ``…被I`` / ``UCN列为…``: both rejoined, one paragraph left.

    No copy reads ``被IUCN列为`` straight across, so neither cut joined and
    the halves stayed four paragraphs, the later copy's second half with its
    extension ``，主修舞台及服装设计。`` apart from its sentence (zh document
    487 of ``--zh 600 --seed 7``).  Each copy reads across the other's cut
    with its own blank line a few characters away.
    """
    extended = FISH_KIND.replace("动物。", "动物，主修舞台及服装设计。")
    doc = "\n\n".join([FISH_KIND.replace("IUC", "IUC\n\n"), SHOW, "五是" + extended[2:].replace("被I", "被I\n\n")]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert out[1] == SHOW and out[0] == extended and len(out) == 2


def test_a_copy_truncated_where_two_earlier_copies_stop_is_not_glued_to_the_next_paragraph() -> None:
    """A first copy cut short at ``…深受广大白领青年群体``, a copy cut there across a blank line, and a third
    truncated there, followed by another paragraph: that paragraph stays apart (zh document 296 of the default set).

    The rule above took the third copy for the cut one, as an earlier block
    (the first copy) ends alike; with three blocks ending so it does not apply.
    """
    whole = "整个活动成为２０１１年青年公益领域最有收获的大型纯公益聚会。活动首站于２０１１年６月５号在上海开启，接下来２个月分别在深圳、北京相继落地，每场活动参与人数高达３００人以上，深受广大白领青年群体的喜爱，引起了媒体的高度关注。"
    at = whole.index("的喜爱")
    river = "作为中华民族“母亲河”之一的黄河被称为中华文明的摇篮。然而，黄河现在面临许多新的环境问题。"
    doc = "\n\n".join(["一是" + whole[:at], FISH, "二是" + whole[:at], whole[at:], "三是" + whole[:at], river]) + "\n"
    out = paragraphs(clean_checked(doc))
    assert river in out and not any(p.endswith("群体" + river) for p in out)


RETURN = "七是对于近期有媒体报道，我国出现农民工返乡潮的问题，人社部新闻发言人尹成基２５日上午表示，根据人社部的监测，没有出现大批农民工返乡的情况，上半年我国就业形势比较稳定，但总体压力仍然较大。"
BYLINED = "八是尹成基介绍，从全国监测的情况来看，农民工返乡不是普遍性的，总体上用工还是比较稳定，在正常的范围内，没有出现那种大批的农民工返乡的情况。新京报记者　韩宇明"


def test_a_first_copy_cut_short_is_completed_with_its_byline() -> None:
    """``八是…大批的农民工返`` first, whole copies later ending ``…的情况。新京报记者　韩宇明``: the byline comes too.

    The completion took only finished sentences after the cut one, so the
    byline (no final mark) stayed at the later copy's place, apart from its
    paragraph (zh-sample-like document 10 of the default set, CER 0.025).
    """
    cut_short = BYLINED[: BYLINED.index("乡的情况")]
    doc = "\n\n".join([RETURN, cut_short, RETURN, BYLINED, RETURN, BYLINED]) + "\n"
    assert paragraphs(clean_checked(doc)) == [RETURN, BYLINED]


FUNDS = "王磊：基金会募集资金很困难，有时为了募集两三百元，说不定要跑上好几趟。策划公司有其优势，于是就与公司合作。再说市场化操作并不违反相关规定。募集费用是高了些，但法律法规并没有对此有明确规定。［详细］"


def test_a_copy_cut_across_a_blank_line_lends_no_byline() -> None:
    """``…再说市场化操作`` first, later ``…并不违反相关规定。募集费用是高`` / ``了些，但法律…``: the piece stays with its rest.

    The byline rule above took ``募集费用是高``, the cut copy's last piece,
    for a byline and appended it to the first copy; the rest, ``了些，…``,
    then stayed alone (zh document 76 of the default set lost ``募集费用是高了些，
    但法律法规并没有对此有明确规定。``).  A byline is parted from its source by a
    space, or said by another copy.
    """
    first = FUNDS[: FUNDS.index("并不违反")]
    at = FUNDS.index("了些")
    doc = "\n\n".join([first, FISH, FUNDS[:at], FUNDS[at:], RETURN]) + "\n"
    out = paragraphs(clean_checked(doc))
    # (since h-zh6: the first copy is completed up to the copy's own cut, ``…是高``, and the unit after
    # the copy finishes the sentence, as for a copy cut at another point than the first copy)
    assert out == [FUNDS, FISH, RETURN]


def test_a_first_copy_cut_short_in_the_cluster_of_a_merged_copy_is_completed() -> None:
    """``二是Ｑ：…试用体验过程`` first, then ``ASK`` and ``REPORT`` merged on one line, then two whole ``REPORT``s:
    the first copy is completed and no copy of ``REPORT`` stays beside it.

    The merged copy puts ``ASK`` and ``REPORT`` in one cluster, whose first
    member is ``ASK``; a later member cut short that is another paragraph's
    first occurrence was completed in English only, so the first copy stayed
    cut and the rest of ``REPORT`` stayed at a later copy's place (zh
    document 400 of ``--zh 600 --seed 7``, CER 0.20).
    """
    cut_short = REPORT[: REPORT.index("图。")]
    doc = "\n\n".join([ASK, cut_short, WHAT, ASK[3:], REPORT, REPORT, ASK + "\n" + REPORT, WHAT]) + "\n"
    assert paragraphs(clean_checked(doc)) == [ASK, REPORT, WHAT]


CHOIR = ["２、９月２２日，与阿坝州及茂县各方人士商议在四川省阿坝藏族羌族自治州组建“羌族少儿合唱团”", "３、１２月３－５日，阿坝州茂县凤仪小学、凤仪镇小学选拔团员", "４、２００９年１月９日，羌族少儿合唱团计划在深圳启动"]


def test_a_copy_merging_two_list_lines_goes() -> None:
    """``一是３、…选拔团员`` ⏎ ``４、…在深圳启动`` after the two lines as paragraphs: the merged copy goes.

    A line break alone never ends a sentence, so the copy was one sentence,
    ``…团员４、２００９年…``, whose ``４`` (a list number) no kept sentence has;
    a digit the covering text lacks makes a sentence new content, and the
    copy stayed beside the two lines (zh-issue13 document 114 of ``--zh 600
    --seed 7``, CER 0.57).  A line that opens with a number and ``、`` is a
    list item and opens a sentence, as a Latin ``5. Google`` does.
    """
    doc = "\n\n".join([*CHOIR, "一是" + CHOIR[0], "一是" + CHOIR[1] + "\n" + CHOIR[2]]) + "\n"
    assert paragraphs(clean_checked(doc)) == CHOIR
