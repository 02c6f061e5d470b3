"""Consensus of copies: the majority reading of a cluster wins, position by position.

(The module is called ``majority`` so that it cannot shadow
:func:`dedup.repair.consensus`.)

When a paragraph occurs three or more times, its copies are independent
witnesses of the text.  Each sentence of the canonical copy is paired with
the most similar sentence of every other copy (Indel similarity at least
``min_similarity``), the pairs are aligned character by character with
rapidfuzz's Levenshtein opcodes, and at every position (and every gap
between positions) the copies vote.  A reading replaces the canonical one
only when it has a strict majority of the voters (``safe``) or the unique
plurality (``aggressive``); a tie changes nothing.  List markers (``四是``
vs ``三是``) are stripped before voting: copies sit in different lists, their
ordinals are not readings of the same thing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..chardata import HAN_CLASS
from ..fingerprint.keys import strip_marker
from ..segment import sentences
from .base import Repair

RULE = "repair.consensus"
#: what ends a speaker tag (``记者：``, ``Reporter:``)
_COLONS = frozenset("：:")
#: a vote never takes away more characters in a row than this (the invariant's word: three or more)
MAX_DELETED_RUN = 2
#: a copy that reads this many Han characters in a row otherwise (``打电话`` / ``饮食``) reads another word
MAX_REPLACED_RUN = 2
#: what a replaced stretch longer than MAX_REPLACED_RUN must hold to be another word: Han characters, or
#: digits (``１６９００元`` / ``３３８０元``: another sum, not three typos)
_WORD_OR_NUMBER = re.compile(f"[{HAN_CLASS}0-9０-９]")


@dataclass(frozen=True)
class ConsensusConfig:
    """When copies may outvote the canonical text."""

    #: fewest witnesses (canonical copy included) for a vote
    min_copies: int = 3
    #: sentences this similar (normalised Indel, 0-1) are readings of the same sentence
    min_similarity: float = 0.8
    #: True: the winner needs more than half of the votes; False: the unique plurality
    strict_majority: bool = True
    #: longest reading (characters) a vote may put in place of one position
    max_reading: int = 4


@dataclass
class _Ballot:
    """What one copy reads at each position (``chars``) and gap (``gaps``) of a sentence."""

    chars: list[str | None]
    gaps: list[str | None]


def _ballot(target: str, copy: str, complete: bool) -> _Ballot:
    """Align ``copy`` to ``target``; ``None`` marks an abstention.

    A copy that stops early (``complete`` False) abstains on the positions it
    does not reach, instead of voting to delete them.
    """
    chars: list[str | None] = list(target)
    gaps: list[str | None] = [""] * (len(target) + 1)
    ops = Levenshtein.opcodes(target, copy)
    for op in ops:
        i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag == "replace":
            if i2 - i1 == j2 - j1:
                for d in range(i2 - i1):
                    chars[i1 + d] = copy[j1 + d]
            else:
                chars[i1] = copy[j1:j2]
                for p in range(i1 + 1, i2):
                    chars[p] = ""
        elif op.tag == "delete":
            for p in range(i1, i2):
                chars[p] = ""
        elif op.tag == "insert":
            gaps[i1] = copy[j1:j2]
    if not complete and ops and ops[-1].tag == "delete":
        last = ops[-1]
        for p in range(last.src_start, last.src_end):
            chars[p] = None
        gaps[len(target)] = None
    return _Ballot(chars, gaps)


def _winner(votes: Sequence[str | None], own: str, strict: bool) -> tuple[str, Counter[str]] | None:
    """The reading that beats ``own``, or None (a tie, or ``own`` wins)."""
    cast = [v for v in votes if v is not None]
    tally = Counter(cast)
    top = tally.most_common()
    if not top or top[0][0] == own:
        return None
    if len(top) > 1 and top[1][1] == top[0][1]:
        return None  # a tie changes nothing
    if strict and top[0][1] * 2 <= len(cast):
        return None
    return top[0][0], tally


def consensus_repairs(
    target: str,
    copies: Sequence[str],
    config: ConsensusConfig = ConsensusConfig(),
    *,
    copy_ids: Sequence[int] | None = None,
) -> list[Repair]:
    """Repairs of ``target`` by the majority reading of ``copies`` (the other members).

    >>> cs = ["四是推进义务教育优质均衡发展。", "三是推进义务教育优质均衡发展。"]
    >>> [(r.start, r.end, r.after) for r in consensus_repairs("一是推进义务教肓优质均衡发展。", cs)]
    [(7, 8, '育')]
    >>> consensus_repairs("一是推进义务教肓优质均衡发展。", cs[:1])
    []
    """
    if len(copies) + 1 < config.min_copies:
        return []
    ids = list(copy_ids) if copy_ids is not None else list(range(len(copies)))
    pools = [_sentence_pool(c) for c in copies]
    out: list[Repair] = []
    for a, b in _body_sentences(target):
        s_t = target[a:b].rstrip()
        if len(s_t) < 2:
            continue
        ballots: list[_Ballot] = []
        witnesses: list[int] = []
        for cid, pool in zip(ids, pools):
            if not pool:
                continue
            hit = process.extractOne(s_t, [p for p, _ in pool], scorer=fuzz.ratio, score_cutoff=config.min_similarity * 100)
            if hit is None:
                continue
            s_c, complete = pool[hit[2]]
            if _reads_another_word(s_t, s_c):
                continue
            ballots.append(_ballot(s_t, s_c, complete))
            witnesses.append(cid)
        if len(ballots) + 1 < config.min_copies:
            continue
        out.extend(_tally(target, a, s_t, ballots, witnesses, config))
    return out


def _reads_another_word(target: str, copy: str) -> bool:
    """Does ``copy`` read a different word in ``target``'s sentence: a stretch with a replacement longer than
    :data:`MAX_REPLACED_RUN` Han characters on either side?

    Copies made by one typo each differ in a character or two; ``＂打电话＂的行为``
    against ``＂饮食＂行为`` is another sentence of the same form (a list of
    similar items), and ``称国际人道主义法…`` against ``美联社推断，一旦国际人道主义法…``
    another sentence that reads alike: neither is a witness of this one, and
    must not outvote what this copy says.  A copy that only lacks words (a
    clause dropped, a copy cut short) or only adds some (a clause) still
    votes: deletions are held back by :data:`MAX_DELETED_RUN`.

    >>> _reads_another_word("代表＂打电话＂的行为。", "代表＂饮食＂行为。"), _reads_another_word("推进义务教肓优质发展。", "推进义务教育优质发展。")
    (True, False)
    >>> _reads_another_word("称国际法适用于叙利亚", "美联社推断，一旦国际法适用于叙利亚"), _reads_another_word("推进发展。", "推进发展，确保农民增收。")
    (True, False)
    >>> _reads_another_word("捐赠了１６９００元", "捐赠了３３８０元"), _reads_another_word("捐赠了１６９００元", "捐赠了１６８００元")
    (True, False)
    """
    ours, theirs, replaced = "", "", False  # the differing stretch in hand, on each side, and whether some of it is replaced
    for op in Levenshtein.opcodes(target, copy):
        if op.tag == "equal":
            ours, theirs, replaced = "", "", False
            continue
        ours += target[op.src_start : op.src_end]
        theirs += copy[op.dest_start : op.dest_end]
        replaced = replaced or op.tag == "replace"
        if replaced and max(len(ours), len(theirs)) > MAX_REPLACED_RUN and _WORD_OR_NUMBER.search(ours + theirs):
            return True
    return False


def _tally(target: str, offset: int, s_t: str, ballots: Sequence[_Ballot], witnesses: Sequence[int], config: ConsensusConfig) -> list[Repair]:
    """Vote every position and gap of one sentence; merge adjacent changes."""
    changes: list[tuple[int, int, str, dict]] = []  # (start, end, after, votes) in sentence coordinates
    # only positions where some copy reads otherwise need a vote
    disputed = sorted(
        {p for bl in ballots for p, c in enumerate(bl.chars) if c != s_t[p]} | {p for bl in ballots for p, g in enumerate(bl.gaps) if g != ""}
    )
    for p in disputed:
        gap = _winner([""] + [bl.gaps[p] for bl in ballots], "", config.strict_majority)
        if gap is not None and len(gap[0]) <= config.max_reading and not _moved(gap[0], p, s_t, target):
            changes.append((p, p, gap[0], dict(gap[1])))
        if p == len(s_t):
            break
        own = s_t[p]
        won = _winner([own] + [bl.chars[p] for bl in ballots], own, config.strict_majority)
        if won is not None and len(won[0]) <= config.max_reading:
            changes.append((p, p + 1, won[0], dict(won[1])))
    merged: list[list] = []
    for s, e, after, votes in changes:
        if merged and merged[-1][1] == s:
            merged[-1][1] = e
            merged[-1][2] += after
            merged[-1][3].append(votes)
        else:
            merged.append([s, e, after, [votes]])
    out = []
    for s, e, after, votes in merged:
        before = s_t[s:e]
        if s == 0 and not after and (before[-1:] in _COLONS or s_t[e : e + 1] in _COLONS):
            continue  # copies without the speaker tag this one opens with (``记者：``): the tag is content, not a typo
        if len(before) - len(after) > MAX_DELETED_RUN:
            continue  # the copies lack a word this one has (a speaker tag ``Dr. Hale:``): content, not a typo
        if _glues_words(s_t, s, e, after):
            continue  # part of a word the copies lack (``system is is`` → ``systemis is``): no copy reads that
        n = len(ballots) + 1
        support = min(max(v.values()) for v in votes)
        evidence = {"witnesses": n, "copy_units": list(witnesses), "before": before, "votes": votes, "sentence": s_t}
        reason = f"{support} of {n} copies of this sentence read {after!r} where this copy reads {before!r}"
        out.append(Repair(offset + s, offset + e, after, RULE, reason, evidence, round(support / n, 4)))
    return out


def _glues_words(s_t: str, s: int, e: int, after: str) -> bool:
    """Would replacing ``s_t[s:e]`` by ``after`` delete the only space between two Latin letters?

    The copies of ``… system is is too slow`` read ``… system is too slow``; aligned character by
    character, the vote can take the space before the extra ``is`` and leave the word (``systemis``):
    a word no copy has, and the sentence no longer reads as theirs.
    """
    return not after and e > s and not s_t[s:e].strip() and s > 0 and e < len(s_t) and _LATIN_LETTER.match(s_t[s - 1]) is not None and _LATIN_LETTER.match(s_t[e]) is not None


#: a letter of a script written with spaces between words (a space between two CJK characters is noise)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _moved(reading: str, p: int, s_t: str, target: str) -> bool:
    """Is the insertion ``reading`` at position ``p`` of sentence ``s_t`` text moved, not missing?

    Copies that swapped ``X。［详细］`` to ``［详细］X。`` vote for ``［详细］`` before
    ``X``; the paragraph says it already, after ``X``: inserting it would say it twice.
    """
    return len(reading) >= 3 and (p == 0 or p == len(s_t)) and reading in target


def _markers_end(text: str) -> int:
    """Where the list markers ``text`` opens with end: a copy renumbered before the item's own number has two.

    ``６、纪念…`` and its copies ``四是６、纪念…``: read with one marker left
    out, the copies voted ``６、`` into the first one (``６、６、纪念…``).
    """
    m = 0
    while m < len(text) and (k := strip_marker(text[m:])) > 0:
        m += k
    return m


def _body_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` with its leading list markers left out."""
    m = _markers_end(text)
    spans = []
    for a, b in sentences(text):
        a = max(a, m)
        if a < b:
            spans.append((a, b))
    return spans


def _sentence_pool(text: str) -> list[tuple[str, bool]]:
    """(sentence, complete) for every body sentence of a copy."""
    spans = _body_sentences(text)
    out = []
    for k, (a, b) in enumerate(spans):
        s = text[a:b].rstrip()
        complete = k < len(spans) - 1 or _ends(s)
        out.append((s, complete))
    return out


def _ends(s: str) -> bool:
    from ..segment import CLOSERS, SENTENCE_END

    s = s.rstrip()
    while s and s[-1] in CLOSERS:
        s = s[:-1]
    return bool(s) and s[-1] in SENTENCE_END


#: a list item's ordinal: ``四是``, ``十二、``, ``3.`` (the forms copies are renumbered with)
_ORDINAL = re.compile(r"\s*(?:([一二三四五六七八九十]{1,3})(?:是|、)|(\d{1,3})(?:[、)）]|[.．](?!\d)))")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def _chinese_number(numeral: str) -> int | None:
    """The value of a Chinese numeral up to 99 (``四`` 4, ``十二`` 12, ``三十`` 30), or None."""
    if "十" not in numeral:
        return _CN_DIGITS[numeral] if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def list_ordinal(text: str) -> int | None:
    """The ordinal ``text`` opens with as a list item, or None.

    >>> list_ordinal("四是延误"), list_ordinal("十二、推进"), list_ordinal("3. Keep"), list_ordinal("1.84亿元")
    (4, 12, 3, None)
    """
    m = _ORDINAL.match(text)
    if m is None:
        return None
    return _chinese_number(m.group(1)) if m.group(1) else int(m.group(2))


def one_numbered_list(texts: Sequence[str]) -> bool:
    """Are ``texts`` (consecutive paragraphs) the items of one list, numbered one by one?

    Then the first and the last are two items of that list, not copies of one
    another, however alike they read (``四是延误１５分钟…`` and
    ``七是延误１５分钟以上…``): a renumbered copy sits in another pass of the
    text, not at the next places of the same count.

    >>> one_numbered_list(["四是甲", "五是乙", "六是丙"]), one_numbered_list(["四是甲", "一是乙", "六是丙"])
    (True, False)
    """
    ordinals = [list_ordinal(t) for t in texts]
    return len(ordinals) >= 2 and all(a is not None and b == a + 1 for a, b in zip(ordinals, ordinals[1:]))


def differs_by_a_word(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` differ in two characters in a row or more that are no doubling (``以上``)?

    A copy made by a typo differs in a character, or doubles one or a word
    (``推进进义务``, ``以上以上``); another list item says another word.

    >>> differs_by_a_word("延误１５分钟且短时间", "延误１５分钟以上且短时间"), differs_by_a_word("推进义务教育", "推进义务教肓")
    (True, False)
    >>> differs_by_a_word("延误１５分钟以上且", "延误１５分钟以上以上且"), differs_by_a_word("推进义务", "推进义务")
    (False, False)
    """
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        ours, theirs = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
        longer, at, text = (theirs, op.dest_start, b) if len(theirs) >= len(ours) else (ours, op.src_start, a)
        n = len(longer)
        if n >= 2 and longer not in (text[at - n : at], text[at + n : at + 2 * n]):
            return True
    return False
