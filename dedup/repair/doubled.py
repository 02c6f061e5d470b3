"""Doubled characters and words: ``建立立政府`` → ``建立政府``, ``the the`` → ``the``.

Chinese reduplicates on purpose (``常常``, ``天天``, ``谢谢``, ``看看``,
``研究研究``) and two words often meet on the same character (``使用`` +
``用户``, ``会议`` + ``议程``).  So a doubled character is removed only when the
lexicon says it is orphaned: the first copy ends a word (``建立``), the text
after the pair starts a word on its own (``政府``), and the second copy starts
no word with what follows (``立政`` is not a word).  A doubled multi-character
word (``政府政府``) is removed only when the word is a noun-like word that
Chinese does not reduplicate; verbs and adjectives (``研究研究``,
``高高兴兴``) are kept.  Latin words: ``the the`` loses one copy unless the
pair is idiomatic (``had had``, ``that that``, ``bye bye``).
"""

from __future__ import annotations

import re

from .base import Repair
from .lexicon import Lexicon

RULE_CHAR = "repair.doubled_char"
RULE_WORD = "repair.doubled_word"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
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
#: parts of speech (jieba tags) that reduplicate as ABAB or AA on purpose
_REDUPLICATING_POS = ("v", "a", "d", "m", "q", "t", "r", "o", "y", "e", "u", "p", "c", "z", "f")
#: a neighbour word must be at least this frequent to count as evidence
MIN_FREQ = 5
#: single characters that attach to the word before them (编织袋|厂, 作|者): a
#: copy of one of these right after a word is a suffix, not an orphan
SUFFIXES = frozenset("司厂家者性化员长式型区队部局院处所站室场店馆业界品物费税率量度法学论感观心力线点面级类种人们门器机车船手师生工商农民军市省县村镇乡路街港山河湖海江岛国族语剧团社会委办组科系段期届次号版节课题项条款")
#: function characters stand alone next to a word that uses them (现在|在|后悔)
FUNCTION_CHARS = frozenset("的地得了着过之个和与及或也都就而并把被将在是有要为以其所于对从向由给让使这那此该各每某不没很")
#: ... and characters that attach to the word after them (老|老师, 副|副市长)
PREFIXES = frozenset("老小第初阿非反超副总前后新旧大高低半多无不可亚准伪")
_AFFIX_POS = ("k", "zg", "h")


def doubled_char_repairs(text: str, lexicon: Lexicon, *, aggressive: bool = False) -> list[Repair]:
    """Remove the orphaned copy of a doubled Han character.

    Safe mode (default) only removes a *second* copy that follows a word
    (``建立|立|政府``) and is not a function, prefix or suffix character.  A
    first copy before a word (``提供|有|有力``) is far more often a legitimate
    suffix or name (``体改司|司长``, ``渔船|琼|琼海``, ``2010年|年底``) and is
    removed only in aggressive mode.

    >>> from dedup.repair.lexicon import lexicon
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
        pair = c + c
        if lexicon.freq(pair) or lexicon.covers(text, i, i + 2, range(3, 6)):
            continue  # 常常, 天天, 的的确确, 亭亭玉立: reduplication the lexicon knows
        if i > 0 and (text[i - 1] in "一每" or text[i - 1].isdigit()):
            continue  # 一届届, 一步步, 2010年年底: a reduplicated measure word or a unit
        if c in FUNCTION_CHARS:
            continue  # 现在|在|后悔, 张学友的|的哥: function characters stand alone
        left = lexicon.words_ending_at(text, i + 1, min_freq=MIN_FREQ)  # ...with the first copy
        right = lexicon.words_starting_at(text, i + 1, min_freq=MIN_FREQ)  # with the second copy...
        before = lexicon.words_ending_at(text, i, min_freq=MIN_FREQ)  # words ending before the pair
        after = lexicon.words_starting_at(text, i + 2, min_freq=MIN_FREQ)  # words starting after it
        after_edge = i + 2 >= len(text) or not _IS_HAN.match(text[i + 2])
        before_edge = i == 0 or not _IS_HAN.match(text[i - 1])
        affix = lexicon.pos(c).startswith(_AFFIX_POS)
        if left and not right and (after or after_edge) and not _joins(text, i + 2, lexicon) and c not in PREFIXES and not affix:
            # 建立|立|政府: the second 立 belongs to no word
            keep_word, orphan = max(left, key=lexicon.freq), (i + 1, i + 2)
            context = after[0] if after else ""
        elif aggressive and right and not left and (before or before_edge) and not _joins(text, i, lexicon, left_side=True) and c not in SUFFIXES and not affix:
            keep_word, orphan = max(right, key=lexicon.freq), (i, i + 1)
            context = before[0] if before else ""
        else:
            continue
        evidence = {
            "doubled": pair,
            "word": keep_word,
            "word_frequency": lexicon.freq(keep_word),
            "pair_is_word": False,
            "neighbour_word": context,
        }
        reason = f"{c} is doubled: {keep_word} is a word, {pair} is not, and the extra {c} forms no word with its neighbours"
        out.append(Repair(orphan[0], orphan[1], "", RULE_CHAR, reason, evidence, 0.9))
    return out


def _joins(text: str, at: int, lexicon: Lexicon, *, left_side: bool = False) -> bool:
    """True if the orphan candidate next to ``at`` still forms a longer word across it."""
    if left_side:
        return bool(lexicon.crosses(text, at, range(3, 5), min_freq=MIN_FREQ))
    return bool(lexicon.crosses(text, at, range(3, 5), min_freq=MIN_FREQ))


def doubled_word_repairs(text: str, lexicon: Lexicon) -> list[Repair]:
    """Remove the second copy of a doubled noun-like word (``政府政府``).

    >>> from dedup.repair.lexicon import lexicon
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
        if lexicon.freq(w) < MIN_FREQ or pos.startswith(_REDUPLICATING_POS) or pos == "vn":
            continue
        # a longer word explains one of the copies (大学|大学城, 支队|支队长)
        if lexicon.words_starting_at(text, m.start() + n, range(n + 1, n + 3)) or lexicon.words_ending_at(text, m.start() + n, range(n + 1, n + 3)):
            continue
        # the doubled word must not be two words meeting by chance (这种|种种 ...)
        if lexicon.crosses(text, m.start() + n, range(2, n + 1), min_freq=MIN_FREQ) and n > 2:
            continue
        reason = f"the word {w} is written twice in a row; {whole} is not a word and {w} ({pos}) is not reduplicated in Chinese"
        evidence = {"doubled": whole, "word": w, "pos": pos, "word_frequency": lexicon.freq(w)}
        out.append(Repair(m.start() + n, m.end(), "", RULE_WORD, reason, evidence, 0.85))
    return out


def doubled_latin_repairs(text: str) -> list[Repair]:
    """Remove the second of two identical adjacent Latin words.

    >>> [(r.start, r.end) for r in doubled_latin_repairs("see the the report")]
    [(7, 11)]
    >>> doubled_latin_repairs("it had had an effect; bye bye")
    []
    """
    out: list[Repair] = []
    for m in _DOUBLE_LATIN.finditer(text):
        w1, gap, w2 = m.group(1), m.group(2), m.group(3)
        if w1.lower() in LATIN_KEEP or "\n" in gap or (w1 != w2 and w1.lower() != w2.lower()):
            continue
        if w1.isupper() and len(w1) > 1:
            continue  # acronyms and shouting (NO NO) are left alone
        reason = f"the word {w1!r} is written twice in a row"
        out.append(Repair(m.end(1), m.end(3), "", RULE_WORD, reason, {"doubled": m.group(0), "word": w1}, 0.9))
    return out
