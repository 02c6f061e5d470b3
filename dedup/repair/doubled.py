"""Doubled characters and words: ``建立立政府`` → ``建立政府``, ``政府政府`` → ``政府``, ``the the`` → ``the``.

Chinese reduplicates on purpose (``常常``, ``天天``, ``谢谢``, ``看看``,
``研究研究``, ``高高兴兴``) and two words often meet on the same character
(``使用|用户``, ``一审|审结``).  So a doubled character is judged by two
readings of its spot (:mod:`dedup.repair.reading`): the lexicon's best
segmentation of the text as it is and of the text without one copy, with the
lexicon's frequencies and the document's own words.  The copy goes only when
the reading without it is clearly better *and* the way it is better is a
known shape of typo: the two sides fuse into one word (``外交|交|部`` →
``外交部``), or one copy is an orphan beside the word it duplicates
(``建立|立|政府``, ``工作|计|计划``, ``账户|户|余额``), or a function
character is written twice (``的的``).  Pairs the lexicon or the document
knows as a word, junctions of two words, names (``陌陌``), abbreviations
heading a compound (``海林市|市医院``), reduplicated verbs (``点点头``) and
measure words (``一步步``) stay.

A doubled word (``政府政府``) goes when the segmentation reads the word twice
and Chinese does not repeat that kind of word: verbs other than the listed
volitional ones (``研究研究`` stays), nouns, adverbs, time words, numerals
with a number (``十八十八``), names; adjectives, ``一X一X``, degree phrases
(``很高很高``) and placeholder pronouns (``如何如何``) stay.  Latin words:
``the the`` loses one copy unless the pair is idiomatic (``had had``,
``that that``, ``bye bye``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..chardata import HAN_CLASS
from ..lexicon import Lexicon
from .base import Repair
from .reading import MAX_WORD, DeferredReading, DocumentNgrams, Reading, best_reading, han_window

RULE_CHAR = "repair.doubled_char"
RULE_WORD = "repair.doubled_word"

_HAN = HAN_CLASS
#: a run of one repeated Han character; only runs of exactly two are candidates
#: (哈哈哈 is laughter, not a typo)
_DOUBLE_CHAR = re.compile(rf"([{_HAN}])\1+")
_DOUBLE_WORD = re.compile(rf"([{_HAN}]{{2,4}})\1")
_DOUBLE_LATIN = re.compile(r"\b([A-Za-z]+)(\s+)(\1)\b", re.IGNORECASE)
_IS_HAN = re.compile(rf"[{_HAN}]")
#: Latin pairs that are grammatical or idiomatic when doubled
LATIN_KEEP = frozenset(
    "had that is do bye so very no yes ha haha ho hey well knock tut chop boo bang ding dong night murmur "
    "pooh hush tom dum can cha hip pom yo la na blah ga go again far more many much long round away".split()
)
#: parts of speech (jieba tags) whose words reduplicate as ABAB (see :func:`reduplicates`)
_ABAB_POS = ("q", "a", "z", "o", "e", "y", "u", "k", "h", "x")
#: first characters of phrases that reduplicate (一步一步, 两个两个, 很高很高, 太多太多, 大口大口)
_ABAB_HEADS = frozenset("一两几许很太好多最挺真大小")
#: pronouns that stand for something left unsaid when doubled (如何如何, 什么什么)
_ABAB_PRONOUNS = frozenset("如何 什么 怎样 怎么 这样 那样 多少 某某 谁谁".split())
#: two-character verbs that reduplicate as ABAB ("do a little"): 研究研究, 商量商量.
#: jieba's tags do not tell them apart (商量 is tagged n, 需要 v), so they are listed
REDUPLICATING_VERBS = frozenset(
    "研究 讨论 学习 考虑 商量 休息 活动 锻炼 打扫 检查 准备 收拾 整理 介绍 交流 了解 体会 尝试 比较 帮助 "
    "思考 琢磨 打听 议论 调查 分析 总结 练习 放松 欣赏 熟悉 认识 考察 观察 溜达 清理 梳理 关心 照顾 享受 "
    "体验 感受 批评 表扬 沟通 请教 反省 反思 捉摸 合计 盘算 修理 擦拭 打扮 收拾 清洗 活动 走动 说说 "
    "商议 研讨 核对 核实 算计 暖和 凉快 高兴 热闹 轻松 舒服 明白 清楚 痛快 干净 认真 仔细 实验 试验 "
    "比划 比画 摸索 见识 锻练 操练 演练 补习 复习 预习 温习 整顿 修改 改进 调整 打理 整治 折腾 吆喝 "
    "提醒 指点 点拨 开导 安慰 鼓励 表演 示范 讲解 解释 说明 介绍 汇报 请示 参观 游览 逛逛 散散 拜访 看望".split()
)
#: a neighbour word must be at least this frequent to count as evidence
MIN_FREQ = 5
#: function characters stand alone next to a word that uses them (现在|在|后悔)
FUNCTION_CHARS = frozenset("的地得了着过之个和与及或也都就而并把被将在是有要为以其所于对从向由给让使这那此该各每某不没很")
#: ... and characters that attach to the word after them (老|老师, 副|副市长)
PREFIXES = frozenset("老小第初阿非反超副总前后新旧大高低半多无不可亚准伪")


#: function characters that never reduplicate: two in a row (的的, 在在, 与与)
#: are a typo when the lexicon knows no word holding the pair
NEVER_DOUBLED = frozenset("的地得着过之和与及或也都就而并把被将在是为以其所于从向由给让使这那此该某很我你他她它们据均又按各呢吗吧已曾仍却因如若即则且未才再了有要至到能可越应对不后同没但全")
#: particles that follow any word, also one ending in the same character (目的|的, 现在|在)
PARTICLES = frozenset("的在了对")
#: characters that stand alone beside a pair without being part of a name the lexicon lacks
FREE_CHARS = FUNCTION_CHARS | frozenset("我你他她它们到还说又再才就也都已等可能会次张个项条位名种下中")
#: verb-object words whose verb reduplicates (AAB: 点点头, 散散步, 帮帮忙)
AAB_VERBS = frozenset(
    "点头 摇头 握手 招手 挥手 拍手 鼓掌 散步 跑步 洗澡 聊天 见面 谈心 交心 睡觉 唱歌 跳舞 鞠躬 吃饭 喝茶 看书 说话 "
    "走路 游泳 帮忙 伸手 动手 晒太阳 垫脚 捶背 揉眼 眨眼 点名 敲门 招呼 搓手 跺脚 叹气 喘气 松气 透气 歇脚 出汗 过瘾".split()
)
#: how much better (in log-probability, natural log) the reading without the
#: extra copy must be.  These thresholds and the character lists below were
#: chosen by reading the false positives on clean SogouCS and CSCD-NS (lomo)
#: text and the misses on doublings planted into acc_* sentences, so the acc_*
#: sets the benchmark reports are not held out (docs/repair.md)
GAIN_BRIDGE = 7.0
GAIN_ORPHAN = 5.0
GAIN_BRIDGE_JUNCTION = 10.0
#: the two-character word an orphan copy joins must be at least this common in
#: the lexicon (longer words are rarer but say more by their length)
ORPHAN_WORD_FREQ = 30
#: a pair word the lexicon has seen fewer times is no evidence (了了, 交交: 3)
RARE_PAIR = 10
#: administrative abbreviations that head a compound of their own (市|医院, 省|环保厅,
#: the province in 渔船琼|琼海090)
ADMIN = frozenset("市省县区镇乡村州港厅局部司处科队站厂琼粤闽浙沪渝冀晋辽皖赣鲁豫鄂湘桂黔滇陕陇藏")
#: ... and characters that end the name of an institution (民族报|报道, 两楼|楼顶)
NAME_ENDINGS = ADMIN | frozenset("报楼馆院所店社团组会委办室园奖纪班史国")


@dataclass(frozen=True)
class DoubledSpot:
    """The two readings of one doubled character and what they say."""

    kind: str  # bridge, inside, junction, both_single, second_orphan, first_orphan, document_pair
    gain: float
    as_is: Reading
    fixed: Reading
    word: str  # the word holding the remaining copy in the fixed reading
    junction: bool  # in the text as it is, each copy belongs to a word of its own
    attested: int = 0  # how often the document writes the four characters around the spot, without the copy


def read_doubled(text: str, i: int, lexicon: Lexicon, doc: DocumentNgrams | None = None) -> DoubledSpot:
    """Segment the window around ``text[i:i+2]`` with and without the second copy."""
    lo, hi = han_window(text, i, i + 2)
    as_is = text[lo:hi]
    j = i - lo
    fixed = as_is[: j + 1] + as_is[j + 2 :]
    discount = _own_ngrams(as_is) if doc is not None else None
    pair = text[i] * 2
    # a pair the lexicon has barely seen (十十, 管管: 3) and the document
    # writes nowhere else is not read as a word
    elsewhere = doc.contexts(pair) - 1 if doc is not None else 0  # (this spot is one context)
    rare = frozenset((pair,)) if lexicon.freq(pair) < RARE_PAIR and elsewhere <= 0 else frozenset()
    if elsewhere > 0:
        # the document writes the pair elsewhere too (陌陌, 童童: a name)
        reading = DeferredReading(as_is, lexicon)  # (a document pair stays: its reading is rarely read)
        return DoubledSpot("document_pair", 0.0, reading, reading, pair, False)
    ra = best_reading(as_is, lexicon, doc, discount, rare)
    rf = best_reading(fixed, lexicon, doc, discount, rare)
    s1, w1 = ra.word_at(j)
    s2, w2 = ra.word_at(j + 1)
    sf, wf = rf.word_at(j)
    if sf < j and sf + len(wf) > j + 1:
        kind = "bridge"  # 外交|部 → 外交部: without the copy the two sides make one word
    elif s1 == s2:
        kind = "inside"  # 常常, 高高兴兴: one word holds both copies
    elif len(w1) > 1 and len(w2) > 1:
        kind = "junction"  # 使用|用户: each copy belongs to a word
    elif len(w1) == 1 and len(w2) == 1:
        kind = "both_single"
    elif len(w2) == 1:
        kind = "second_orphan"  # 建立|立|政府
    else:
        kind = "first_orphan"  # 工作|计|计划
    # the document writes the text around the spot without the copy elsewhere
    # (经济|济|基础: it writes 经济基础): the reading without it is attested
    attested = 0
    if doc is not None:
        # four characters with the kept copy inside (a neighbour on each side),
        # which the text as it is cannot contain at this spot
        for a in range(max(0, j - 2), j):
            gram = fixed[a : a + 4]
            if len(gram) == 4:
                attested = max(attested, doc.count(gram))
    return DoubledSpot(kind, ra.cost - rf.cost, ra, rf, wf, s1 != s2 and len(w1) > 1 and len(w2) > 1, attested)


def _read_doubled_once(text: str, i: int, lexicon: Lexicon, doc: DocumentNgrams | None) -> DoubledSpot:
    """:func:`read_doubled`, read once per window and document: the copies of a paragraph repeat their spots.

    The reading depends only on the Han window around the spot, the spot's
    place in it, the lexicon and the document's counts, so that is the key.
    """
    if doc is None:
        return read_doubled(text, i, lexicon, doc)
    lo, hi = han_window(text, i, i + 2)
    key = ("read_doubled", text[lo:hi], i - lo, id(lexicon))
    spot = doc.memo.get(key)
    if spot is None:
        spot = doc.memo[key] = read_doubled(text, i, lexicon, doc)
    return spot  # type: ignore[return-value]


def _own_ngrams(window: str) -> Counter:
    """The window's own n-grams, each once: the document has their context here because of this spot."""
    return Counter({window[a : a + n]: 1 for n in range(2, MAX_WORD + 1) for a in range(len(window) - n + 1)})


def doubled_char_repairs(text: str, lexicon: Lexicon, *, aggressive: bool = False, doc: DocumentNgrams | None = None) -> list[Repair]:
    """Remove one copy of a doubled Han character when the text reads far better without it.

    Both readings of the spot are segmented with the lexicon's frequencies
    (and the document's own words, ``doc``); one copy is removed when

    * without it the two sides form one word (``外交交部`` → ``外交部``,
      ``十二二五`` → ``十二五``) that reads ``GAIN_BRIDGE`` better; or
    * one copy is an orphan: a single character between two words, one of
      which it duplicates (``建立|立|政府``, ``工作|计|计划``, ``账户|户|余额``),
      that is no function, prefix or suffix character (``体改司|司长``,
      ``海林市|市医院``), no single-character verb before its own word
      (``晒|晒太阳``: verbs reduplicate) and no end of a longer word, and the
      reading without it is ``GAIN_ORPHAN`` better; or
    * it is a doubled function character (``的的``, ``在在``) the lexicon knows
      no word for.

    Kept: a pair that one word holds (``常常``, ``谢谢``, ``高高兴兴``, or a
    name the document writes elsewhere), two words meeting on a character
    (``使用|用户``, ``一审|审结``), runs of three (``哈哈哈``), a pair after
    ``一``/``每`` or a digit (``一步步``, ``2010年年底``).

    >>> from dedup.lexicon import lexicon
    >>> [(r.start, r.after) for r in doubled_char_repairs("建立立政府财政投入", lexicon())]
    [(2, '')]
    >>> doubled_char_repairs("我们常常使用用户数据，天天看看会议议程", lexicon())
    []
    """
    out: list[Repair] = []
    for m in _DOUBLE_CHAR.finditer(text):
        if m.end() - m.start() != 2:
            continue
        i = m.start()
        c = text[i]
        if i > 0 and c not in NEVER_DOUBLED and (text[i - 1] in "一每" or (text[i - 1].isdigit() and c not in "万亿元余")):
            continue  # 一届届, 一点点, 2010年年底, 3月月底, 21列|列车: a measure word or a unit (but 一是是, 3000元元)
        if text[i + 2 : i + 3] == text[i + 3 : i + 4] != "" or (i >= 2 and text[i - 2] == text[i - 1]):
            continue  # 手手脚脚, 高高兴兴: AABB reduplication
        spot = _read_doubled_once(text, i, lexicon, doc)
        if not _is_typo(text, i, spot, lexicon, aggressive):
            continue
        evidence = {
            "doubled": c + c,
            "kind": spot.kind,
            "word": spot.word,
            "word_frequency": lexicon.freq(spot.word),
            "reading_as_is": "|".join(spot.as_is.words),
            "reading_fixed": "|".join(spot.fixed.words),
            "log_gain": round(spot.gain, 2),
        }
        if doc is not None:
            evidence["fixed_text_in_document"] = spot.attested
        reason = f"{c} is doubled: {'|'.join(spot.fixed.words)} reads better than {'|'.join(spot.as_is.words)} (log-probability +{spot.gain:.1f}, {spot.kind})"
        out.append(Repair(i + 1, i + 2, "", RULE_CHAR, reason, evidence, 0.9))
    return out


def _is_typo(text: str, i: int, spot: DoubledSpot, lexicon: Lexicon, aggressive: bool) -> bool:
    """The decision for one doubled character (see :func:`doubled_char_repairs`)."""
    return not keep_reason(text, i, spot, lexicon, aggressive)


def keep_reason(text: str, i: int, spot: DoubledSpot, lexicon: Lexicon, aggressive: bool = False) -> str:
    """Why the doubled character at ``i`` stays ('' when it is a typo)."""
    c = text[i]
    slack = 2.0 if aggressive else 0.0
    if spot.kind == "bridge":
        if len(spot.word) < 3:
            return "bridge word too short"
        # 党小组|组长 → 党小组长: when each copy already had its word, ask for more
        need = GAIN_BRIDGE_JUNCTION if spot.junction else GAIN_BRIDGE
        return "" if spot.gain >= need - slack else "bridge gain"
    if spot.kind == "inside" and _pair_hides_word(text, i, spot, lexicon):
        return ""  # 和|平平|安宁 → 和平|安宁, 下|文文 → 下文: the pair hides a far commoner word
    if spot.kind in ("inside", "junction", "document_pair"):
        return spot.kind
    kind = spot.kind
    if kind == "both_single":
        if c in NEVER_DOUBLED and lexicon.freq(c + c) < RARE_PAIR:
            return ""  # 的的, 在在: a function character is never doubled
        if len(spot.word) == 1:
            return "both single, not a function character"  # 陌|陌, 当|当: a name the lexicon lacks
        # 两|党|党|理论 → 两党|理论: without the copy the other one joins a word, as an orphan would
        kind = "first_orphan" if spot.fixed.word_at(_window_index(text, i)).__getitem__(0) == _window_index(text, i) else "second_orphan"
    if c == "一" and _verb_at(text, i + 2, lexicon):
        # 问题|一|一列|出来 is also 问题|一一|列出|来 ("one by one" before a
        # verb); before a measure or a noun (这一|一|事件, 攻入一|一球) it is a typo
        return "一一"
    first_word = spot.as_is.word_at(_window_index(text, i))[1]
    if c in ADMIN and (kind != "second_orphan" or lexicon.pos(first_word).startswith("ns") or len(first_word) > 2):
        # 海林市|市|医院, 体改司|司长: after a place or an office the abbreviation
        # heads a compound of its own (but 地区|区|互联互通 is a typo)
        return "administrative abbreviation"
    if spot.gain < GAIN_ORPHAN - slack:
        return "orphan gain"
    if len(spot.word) == 2 and lexicon.freq(spot.word) < ORPHAN_WORD_FREQ:
        return "rare word"  # 是|代|代入|坐: the word the copy would join is too rare to vouch for it
    if kind == "second_orphan":
        if c in PARTICLES:
            return "particle after its word"  # 现在|在|城市, 目的|的|实现
        if not spot.attested and not _free_side(text, i + 2, lexicon, after=True) and not _stray_before_single(text, i, spot, lexicon):
            return "no word after"
        return "longer word after" if _joins(text, i + 2, lexicon) else ""
    # first_orphan, 工作|计|计划: the first copy heads no word, and the text before it stands alone
    pair_is_word = lexicon.freq(c + c) >= RARE_PAIR
    if c in NAME_ENDINGS or c == "的" or lexicon.pos(c).startswith(("k", "h")) or (pair_is_word and c in PREFIXES):
        return "suffix or prefix"  # 信息化部|部长, 张学友的|的哥, 小|小说: the first copy ends a name or heads a word
    if spot.word in AAB_VERBS and not aggressive:
        return "one-character verb"  # 点点头, 握握手: a verb-object word reduplicates its verb
    if not spot.attested and not _free_side(text, i, lexicon, after=False):
        return "no word before"
    return "longer word before" if _joins(text, i, lexicon) else ""


#: a pair word (往往, 平平) gives way to the word its kept copy makes with a neighbour
#: (向往, 和平) when that word is this many times commoner in the lexicon
HIDDEN_WORD_RATIO = 1.5
#: an orphan copy before a lone character needs this much gain (口感|感|好, 问题|题|上)
GAIN_ORPHAN_BEFORE_SINGLE = 8.5
#: ... and that character must stand alone this often in the lexicon (好, 上, 因; not 坦 of 斯坦)
SINGLE_WORD_FREQ = 1000


def _pair_hides_word(text: str, i: int, spot: DoubledSpot, lexicon: Lexicon) -> bool:
    """True if the pair ``text[i:i+2]``, read as a word, hides the word its kept copy makes with a neighbour.

    ``和平平安宁``: as it is ``和|平平|安宁``, without one copy ``和平|安宁``.  The
    pair is a word (``平平``, ``往往``, ``文文``), so the spot reads as
    reduplication, but the word the kept copy then forms with the character
    beside it (``和平``, ``向往``, ``下文``) is far commoner in the lexicon than
    the pair, the reading without the copy is ``GAIN_ORPHAN`` better, and that
    neighbour is no function character (``美美的`` is not ``美的``).  Adverbs
    and verbs that reduplicate keep their pair: ``要紧紧``, ``来看看``,
    ``中常常``, ``刚刚好`` (the pair is commoner than ``要紧``, ``来看``).
    """
    j = _window_index(text, i)
    s, w = spot.as_is.word_at(j)
    if w != text[i] * 2 or spot.gain < GAIN_ORPHAN:
        return False
    sf, wf = spot.fixed.word_at(j)
    if len(wf) != 2:
        return False
    neighbour = wf[1] if sf == j else wf[0]
    if neighbour in FUNCTION_CHARS or neighbour == text[i]:
        return False
    freq = lexicon.freq(wf)
    return freq >= ORPHAN_WORD_FREQ and freq >= HIDDEN_WORD_RATIO * lexicon.freq(w)


def _stray_before_single(text: str, i: int, spot: DoubledSpot, lexicon: Lexicon) -> bool:
    """True if the second copy stands between its word and a character that is a common word alone.

    ``口感|感|好``, ``问题|题|上``, ``国家|家|因``: the character after the pair
    starts no word, but it is one (``好``, ``上``, ``因``) often in the lexicon,
    the reading without the copy is ``GAIN_ORPHAN_BEFORE_SINGLE`` better, and no
    word of the lexicon longer than the reading's window (``吉尔吉斯斯坦``) holds
    the pair.  A lone character that is rarely a word (``坦``) is more often the
    rest of a name the lexicon lacks, and a noun, measure or adverb there often
    makes a compound with the copy that the lexicon lacks (``列车|车|内``,
    ``本周|周|线``, ``输卵管|管|腔``, ``主管|管|太多``: clean CSC targets).
    """
    at = i + 2
    if at >= len(text) or spot.gain < GAIN_ORPHAN_BEFORE_SINGLE or lexicon.freq(text[at]) < SINGLE_WORD_FREQ:
        return False
    if lexicon.pos(text[at]).startswith(("n", "q", "d")):
        return False
    return not lexicon.covers(text, i, i + 2, range(MAX_WORD + 1, MAX_WORD + 4))


def _verb_at(text: str, at: int, lexicon: Lexicon) -> bool:
    """True if a verb (one character or a word of the lexicon) starts at ``at``."""
    if at >= len(text):
        return False
    return lexicon.pos(text[at]).startswith("v") or any(lexicon.pos(w).startswith("v") for w in lexicon.words_starting_at(text, at))


def _window_index(text: str, i: int) -> int:
    """Index of ``text[i]`` inside the window :func:`read_doubled` segments."""
    return i - han_window(text, i, i + 2)[0]


def _free_side(text: str, at: int, lexicon: Lexicon, *, after: bool) -> bool:
    """True if the text beside the pair (after it, or before it) stands on its own.

    It is the edge of the Han run, a word of the lexicon, or a function
    character (手术|术|是, 也|有|有望).  A lone content character there
    (南昌|昌|北, 儒|尼|尼奥) is more often part of a name the lexicon lacks.
    """
    if after:
        if at >= len(text) or not _IS_HAN.match(text[at]):
            return True
        return text[at] in FREE_CHARS or bool(lexicon.words_starting_at(text, at, min_freq=MIN_FREQ))
    if at == 0 or not _IS_HAN.match(text[at - 1]):
        return True
    return text[at - 1] in FREE_CHARS or bool(lexicon.words_ending_at(text, at, min_freq=MIN_FREQ))


def _joins(text: str, at: int, lexicon: Lexicon) -> bool:
    """True if a longer word (3-4 characters) straddles position ``at``."""
    return bool(lexicon.crosses(text, at, range(3, 5), min_freq=MIN_FREQ))


def doubled_word_repairs(text: str, lexicon: Lexicon, doc: DocumentNgrams | None = None, *, aggressive: bool = False) -> list[Repair]:
    """Remove the second copy of a doubled word (``政府政府`` → ``政府``).

    Evidence: the best segmentation of the spot reads the word twice (not
    ``这种|种种`` or ``大学|大学城``), the doubled form is no word of the
    lexicon (``研究研究`` is not listed, but verbs and adjectives reduplicate
    and are kept: ``研究研究``, ``讨论讨论``, ``雪白雪白``), and the document
    does not write the doubled form anywhere else (a title or a name repeated
    on purpose).  Names and places (``长安长安``) are doubled only in
    aggressive mode.

    >>> from dedup.lexicon import lexicon
    >>> [(r.start, r.end) for r in doubled_word_repairs("建立政府政府投入", lexicon())]
    [(4, 6)]
    >>> doubled_word_repairs("我们研究研究，高高兴兴地讨论讨论", lexicon())
    []
    """
    out: list[Repair] = []
    for m in _DOUBLE_WORD.finditer(text):
        w = m.group(1)
        n = len(w)
        whole = w + w
        if len(set(w)) == 1 or lexicon.freq(whole) or lexicon.covers(text, m.start(), m.end(), range(2 * n, 2 * n + 2)):
            continue
        pos = lexicon.pos(w)
        if lexicon.freq(w) < MIN_FREQ or reduplicates(w, pos) or (not aggressive and _in_title(text, m.start())):
            continue
        if doc is not None and doc.contexts(whole[:MAX_WORD]) > 1:  # in another context (the index holds up to MAX_WORD characters)
            continue  # the document writes the doubled form elsewhere too
        lo, hi = han_window(text, m.start(), m.end())
        window = text[lo:hi]
        discount = _own_ngrams(window) if doc is not None else None
        reading = best_reading(window, lexicon, doc, discount)
        a = m.start() - lo
        if reading.word_at(a) != (a, w) or reading.word_at(a + n) != (a + n, w):
            continue  # 这种|种种, 大学|大学城: the copies are not read as two words
        fixed = best_reading(window[: a + n] + window[a + 2 * n :], lexicon, doc, discount)
        reason = f"the word {w} is written twice in a row; {whole} is not a word and {w} ({pos}) is not reduplicated in Chinese"
        evidence = {
            "doubled": whole,
            "word": w,
            "pos": pos,
            "word_frequency": lexicon.freq(w),
            "reading_as_is": "|".join(reading.words),
            "reading_fixed": "|".join(fixed.words),
            "log_gain": round(reading.cost - fixed.cost, 2),
        }
        out.append(Repair(m.start() + n, m.end(), "", RULE_WORD, reason, evidence, 0.85))
    return out


def reduplicates(word: str, pos: str) -> bool:
    """True if Chinese writes ``word`` twice on purpose (ABAB).

    Numerals with a measure (``一步一步``), adjectives and states
    (``温柔温柔``, ``冰凉冰凉``), onomatopoeia (``咣当咣当``), pronouns
    (``如何如何``), degree phrases (``很高很高``, ``太多太多``) and the
    volitional verbs of :data:`REDUPLICATING_VERBS` (``研究研究``).  Other
    verbs, nouns, adverbs, time words and names are not doubled in prose
    (``需要需要``, ``已经已经``, ``当前当前``, ``毛泽东毛泽东``).
    """
    if word in REDUPLICATING_VERBS or word in _ABAB_PRONOUNS or word[0] in _ABAB_HEADS:
        return True
    if pos.startswith(("m", "r")):
        return False  # 十八十八, 第三次第三次, 我们我们: only 一步一步, 两个两个, 如何如何 repeat
    return pos.startswith(_ABAB_POS)


def _in_title(text: str, at: int) -> bool:
    """True if ``at`` is inside a 《title》 (a title may repeat a word: 《长安长安》)."""
    return text.rfind("《", 0, at) > text.rfind("》", 0, at)


def doubled_latin_repairs(text: str) -> list[Repair]:
    """Remove the second of two identical adjacent Latin words.

    >>> [(r.start, r.end) for r in doubled_latin_repairs("see the the report")]
    [(7, 11)]
    >>> doubled_latin_repairs("it had had an effect; bye bye")
    []
    >>> [(r.start, r.end) for r in doubled_latin_repairs("TWO RANDOM RANDOM EVENTS")], doubled_latin_repairs("the IBM IBM deal")
    ([(10, 17)], [])
    """
    out: list[Repair] = []
    for m in _DOUBLE_LATIN.finditer(text):
        w1, gap, w2 = m.group(1), m.group(2), m.group(3)
        if w1.lower() in LATIN_KEEP or "\n" in gap or (w1 != w2 and w1.lower() != w2.lower()):
            continue
        if w1.isupper() and len(w1) > 1 and not _in_capitals(text, m.start(), m.end()):
            continue  # acronyms (the WHO WHO) are left alone; a paragraph in capitals is read as any other
        reason = f"the word {w1!r} is written twice in a row"
        out.append(Repair(m.end(1), m.end(3), "", RULE_WORD, reason, {"doubled": m.group(0), "word": w1}, 0.9))
    return out


#: words either side of a doubled word that say whether its text is written in capitals
_CAPITALS_CONTEXT = 3
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _in_capitals(text: str, start: int, end: int) -> bool:
    """True if the words around ``text[start:end]`` are in capitals too (a heading or a shouted paragraph).

    Then an upper-case word is no acronym, and its doubling is a typo like any other.
    """
    before = [w for w in _LATIN_WORD.findall(text[max(0, start - 80) : start]) if len(w) > 1][-_CAPITALS_CONTEXT:]
    after = [w for w in _LATIN_WORD.findall(text[end : end + 80]) if len(w) > 1][:_CAPITALS_CONTEXT]
    around = before + after
    if len(around) >= 2 and all(w.isupper() for w in around):
        return True
    # a speaker tag or a title before a paragraph in capitals (``Reporter: ACCORDING ACCORDING TO DR.
    # OKAFOR``): the words after the pair alone say it, when they are as many as we look at
    return len(after) == _CAPITALS_CONTEXT and all(w.isupper() for w in after) and not _acronym_like(text[start:end])


def _acronym_like(pair: str) -> bool:
    """A doubled word short enough to be an acronym (``WHO WHO``, ``IBM IBM``): left alone unless both sides are capitals."""
    return len(pair.split()[0]) <= 4

