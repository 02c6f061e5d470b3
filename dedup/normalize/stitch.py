"""Rejoin paragraphs that were cut mid-sentence across a blank line.

``…切实加强经费保`` / ``障。民办学校…`` is one paragraph: the first block ends
without sentence-final punctuation and the junction ``保障`` is a word the
document itself uses elsewhere.  A join needs evidence, strongest first:

1. the first block ends inside a bracket or quote that the next one closes
   (``…速度扩大。据《`` / ``经济参考报》报道…``);
2. another copy in the document reads straight across the cut, in any script:
   ``经费保障``, ``the Free Software Foundation`` (joined with a space),
   ``entities`` (a word cut inside: joined with nothing);
3. the next block cannot open a sentence (it starts with ``，`` or ``)``), or
   the cut is inside a number (``1`` / ``.2万亿``, ``19`` / ``67``);
4. CJK: the junction is a word the document uses elsewhere, or the first
   block ends with a comma;
5. English: the next block starts with a lowercase word, or the first one ends
   with a comma or a word that cannot end a sentence (``the``, ``of``, ``and``).

CJK text joins with nothing, two Latin words with a space (or with nothing
when the document spells the two halves as one word).  A short block (a
title), a finished sentence, a next block that starts a list item, or a wide
gap (two or more blank lines) never joins, except by rule 1 or 2.  Where it
can be wrong: a title longer than ``min_chars`` without punctuation, followed
by a paragraph whose first character forms a word with the title's last one.

The evidence is looked up in the text as stitched so far, until nothing more
joins, so stitching stitched text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from ..draft import Draft
from ..fingerprint.keys import KeyConfig, strip_marker
from ..model import Block, Span
from ..segment import CLOSERS, SENTENCE_END, sentences

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_SOFT_END = frozenset("，,、")
_LIST_MARKERS_ONLY = KeyConfig(strip_markers=True, strip_speaker=False)
_CANNOT_START = frozenset("，,、。.；;：:）)】」』”’》〉!！?？…%")
#: opening bracket -> its closer (a cut right after one leaves it open)
_PAIRS = {"《": "》", "“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〈": "〉", "‘": "’", "[": "]"}
_CLOSER_OF = {v: k for k, v in _PAIRS.items()}
#: ASCII quotes open and close with the same character
_SAME_QUOTES = frozenset("\"'")
#: English words a sentence (let alone a paragraph) does not end with
#: (prepositions are left out: "the page it links to." is a sentence)
_FUNCTION_WORDS = frozenset("a an the of and or nor but than whose whether if because although whereas its their our your my".split())
#: a whitespace run inside the text a copy must read: spaces, or one line break (never a blank line)
_WS_PATTERN = r"(?:[ \t\u3000]+\n?|\n)[ \t\u3000]*"
_WS_RUN = re.compile(r"\s+")
_LATIN_WORD_END = re.compile(r"[A-Za-z\u00c0-\u024f]+$")
_LATIN_WORD_START = re.compile(r"^[A-Za-z\u00c0-\u024f]+")
_LEADING_NUMBER = re.compile(r"[.．,，]?\d+")


@dataclass(frozen=True)
class StitchConfig:
    """When two blocks are one paragraph."""

    enabled: bool = True
    #: blocks shorter than this (titles, bylines) never continue into the next
    min_chars: int = 16
    #: a gap with more blank lines than this is a real break
    max_blank_lines: int = 1
    #: times the junction (last char + first char) must occur elsewhere in the document
    min_evidence: int = 1
    #: characters on each side of a cut that another copy must read straight across (CJK)
    attest_chars: int = 4
    #: the same for other scripts, where characters carry less (``the Free`` / ``Software``)
    attest_chars_latin: int = 8


@dataclass(frozen=True)
class Unit:
    """One or more consecutive blocks that form one paragraph after stitching."""

    index: int
    blocks: tuple[int, ...]
    span: Span
    kind: str


def _is_cjk(c: str) -> bool:
    return _CJK.match(c) is not None


def _is_latin(c: str) -> bool:
    """A letter or digit of a script that puts spaces between words."""
    return c.isalnum() and not _is_cjk(c)


def _finished(p: str) -> bool:
    """Does ``p`` end with a finished sentence (closing quotes and brackets after its end allowed)?

    An ASCII period counts as an end: a cut right after one is a cut between sentences.
    """
    k = len(p)
    while k and p[k - 1] in CLOSERS:
        k -= 1
    return k > 0 and (p[k - 1] in SENTENCE_END or p[k - 1] in ".:：")


def _left_open(p: str, n: str) -> str | None:
    """The bracket or quote ``p`` leaves open at its end and ``n`` closes, or None.

    ``…据《`` / ``经济参考报》报道`` qualifies, and so does ``…据《经济参`` /
    ``考报》报道`` when ``p`` ends mid-sentence.  Only ``p``'s last sentence is
    read, so an unclosed quotation in an earlier one (a quoted passage that
    spans paragraphs) does not count.
    """
    last = p[-1]
    if last in _SAME_QUOTES:
        opens = len(p) == 1 or p[-2].isspace() or p[-2] in _PAIRS
        return last if opens and last in n[:200] else None
    if last in _PAIRS:
        return last if _closes(n, last) else None
    if _finished(p):
        return None
    a, _ = sentences(p)[-1]
    stack: list[str] = []
    for c in p[a:]:
        if c in _PAIRS:
            stack.append(c)
        elif c in _CLOSER_OF and stack and stack[-1] == _CLOSER_OF[c]:
            stack.pop()
    return stack[-1] if stack and _closes(n, stack[-1]) else None


def _closes(n: str, opener: str) -> bool:
    """Does ``n`` close ``opener`` (within its first 200 characters) before opening another?"""
    closer = _PAIRS[opener]
    for c in n[:200]:
        if c == closer:
            return True
        if c == opener:
            return False
    return False


def _pattern(text: str) -> str:
    """A regex that reads ``text`` with any of its whitespace runs as spaces or one line break."""
    return _WS_PATTERN.join(re.escape(part) for part in _WS_RUN.split(text))


def _occurrences(across: str, reading: str, gap: str, limit: int = 2) -> int:
    """How often ``reading`` reads ``across`` (at most ``limit``), not counting the cut itself.

    A blank-line gap can never read as a space, so the cut attests itself
    only when its gap is a single line break (line mode): then one more
    occurrence is needed.
    """
    own = 1 if re.fullmatch(_WS_PATTERN, gap) and " " in across else 0
    if not _WS_RUN.search(across):
        found = reading.count(across)
    else:
        found = 0
        for _ in re.finditer(_pattern(across), reading):
            found += 1
            if found >= limit + own:
                break
    return max(0, found - own)


def _attested(p: str, n: str, reading: str, gap: str, config: StitchConfig, joiners: tuple[str, ...] | None = None) -> dict | None:
    """Another copy reads straight across the cut: which joiner, and the text it reads."""
    last, first = p[-1], n[0]
    cjk = _is_cjk(last) or _is_cjk(first)
    k = config.attest_chars if cjk else config.attest_chars_latin
    k = min(k, len(p), len(n))
    if k < 2:
        return None
    if joiners is None:
        joiners = ("",) if _is_cjk(last) and _is_cjk(first) else ("", " ")
    best: tuple[int, str, str] | None = None
    for joiner in joiners:
        across = p[-k:] + joiner + n[:k]
        if not cjk and len(across.strip()) < 8:
            continue  # a few Latin letters read across prove nothing
        found = _occurrences(across, reading, gap)
        # a tie goes to the space: Latin cuts fall between words more often than inside one
        if found and (best is None or found >= best[0]):
            best = (found, joiner, across)
    if best is None:
        return None
    return {"joiner": best[1], "attested_by": best[2]}


def _number_cut(p: str, n: str) -> bool:
    """Is the cut inside a number: ``…面积190`` / ``0平方米``, ``…达到1`` / ``.2万亿``, ``…1.`` / ``2万亿``?

    ``…in 2019.`` / ``5 people`` is two sentences: a number that goes on must
    not stop at a space.
    """
    last, first = p[-1], n[0]
    if not (last.isdigit() or (last in ".．,，" and p[-2:-1].isdigit())):
        return False
    if first in ".．,，" and not last.isdigit():
        return False
    digits = _LEADING_NUMBER.match(n)
    return digits is not None and (digits.end() == len(n) or not n[digits.end()].isspace() or last.isdigit())


def _latin_joiner(p: str, n: str, reading: str) -> str:
    """``""`` if the document writes the two halves of the cut as one word (``inter`` / ``national``), else ``" "``."""
    a, b = _LATIN_WORD_END.search(p), _LATIN_WORD_START.match(n)
    if not a or not b:
        return " "
    whole, apart = a.group() + b.group(), a.group() + " " + b.group()
    bound = r"(?<![A-Za-z\u00c0-\u024f]){}(?![A-Za-z\u00c0-\u024f])"
    one = re.search(bound.format(re.escape(whole)), reading, re.IGNORECASE)
    two = re.search(bound.format(_pattern(apart)), reading, re.IGNORECASE)
    return "" if one and not two else " "


def join_reason(prev: str, nxt: str, gap: str, document: str, config: StitchConfig = StitchConfig()) -> dict | None:
    """Why ``prev`` and ``nxt`` are one paragraph, or None.

    The answer's ``joiner`` is what replaces the gap (``""`` or ``" "``);
    ``junction`` is the last character, the joiner and the first character.

    >>> doc = "加强经费保障。切实加强经费保\\n\\n障。民办学校"
    >>> join_reason("切实加强经费保切实加强经费保切实加强", "障。民办学校", "\\n\\n", doc) is None
    True
    >>> join_reason("所需经费由自治区各级财政补助为主切实加强经费保", "障。民办学校", "\\n\\n", doc)["junction"]
    '保障'
    >>> doc = "It is published by the Free Software Foundation. x\\n\\nIt is published by the Free\\n\\nSoftware Foundation. If"
    >>> join_reason("It is published by the Free", "Software Foundation. If", "\\n\\n", doc)["junction"]
    'e S'
    >>> join_reason("城镇化正以前所未有的速度扩大。据《", "经济参考报》报道，随着", "\\n\\n", "")["why"]
    "previous block ends inside '《', which the next block closes"
    """
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or gap.count("\n") - 1 > config.max_blank_lines:
        return None
    last, first = p[-1], n[0]

    def joined(joiner: str, why: str, **evidence: object) -> dict:
        return {"junction": last + joiner + first, "joiner": joiner, **evidence, "why": why}

    opened = _left_open(p, n)
    if opened is not None:
        joiner = " " if _is_latin(last) and _is_latin(first) and not (last.isdigit() and first.isdigit()) else ""
        if joiner:  # ``(as in the`` / ``Free Software Foundation)``: between words, unless the document says otherwise
            joiner = (_attested(p, n, document, gap, config) or {"joiner": _latin_joiner(p, n, document)})["joiner"]
        return joined(joiner, f"previous block ends inside '{opened}', which the next block closes")
    finished = _finished(p)
    if finished and not _number_cut(p, n) and not (last in ".．" and first.isdigit()):
        return None
    # another copy in the document reads straight across the cut: the strongest evidence
    # (after a finished sentence only a decimal point counts: a copy that merges two paragraphs proves nothing)
    attested = _attested(p, n, document, gap, config, joiners=("",) if finished else None)
    if attested is not None:
        return joined(attested["joiner"], "another copy in the document reads straight across the cut", attested_by=attested["attested_by"])
    if finished and not _number_cut(p, n):
        return None
    if strip_marker(n, _LIST_MARKERS_ONLY) > 0:  # a list item starts here; a speaker-like colon does not count
        return None
    if len(p) < config.min_chars:
        return None
    if first in _CANNOT_START:
        return joined("", "next block starts with punctuation that cannot open a sentence")
    if _number_cut(p, n):
        return joined("", "the cut is inside a number")
    if _is_cjk(last) and _is_cjk(first):
        junction = last + first
        count = document.count(junction)
        if count >= config.min_evidence:
            return joined("", "the junction is a word the document uses elsewhere", occurrences_elsewhere=count)
        # an unfinished sentence alone is no evidence: a truncated copy ends like that too,
        # and gluing it to the next paragraph would hide both
        return None
    if last in _SOFT_END and (_is_cjk(first) or first.isalpha()):
        return joined(" " if last == "," and _is_latin(first) else "", "previous block ends with a comma")
    if _is_latin(last) and first.isalpha() and unicodedata.category(first) == "Ll":
        return joined(_latin_joiner(p, n, document), "next block starts with a lowercase word")
    word = _LATIN_WORD_END.search(p)
    if word and word.group().lower() in _FUNCTION_WORDS and _is_latin(first):
        return joined(" ", f"previous block ends with '{word.group()}', a word no sentence ends with")
    return None


def stitch(document: str, blocks: Sequence[Block], draft: Draft, config: StitchConfig = StitchConfig()) -> list[Unit]:
    """Group blocks into units, recording each join as a ``stitch.cut_paragraph`` edit.

    ``document`` is the input ``blocks`` index into; the evidence is read in
    the draft's current text, again after every round of joins until a round
    joins nothing (a join can make the text another cut needs: ``Free
    Software`` read across one cut attests the same cut elsewhere).
    """
    joined: set[int] = set()  # k: blocks[k] and blocks[k + 1] are one paragraph
    if config.enabled:
        todo: set[int] | None = None  # None: every pair
        while True:
            fresh = _join_round(document, blocks, draft, config, joined, todo)
            if not fresh:
                break
            todo = _worth_another_look(blocks, draft, joined, fresh)
    units: list[Unit] = []
    group: list[Block] = []
    for k, b in enumerate(blocks):
        if group and (k - 1) in joined:
            group.append(b)
            continue
        if group:
            units.append(_unit(len(units), group))
        group = [b]
    if group:
        units.append(_unit(len(units), group))
    return units


def _unit(index: int, group: Sequence[Block]) -> Unit:
    kind = "heading" if group[0].kind == "heading" else group[0].kind
    return Unit(index, tuple(b.index for b in group), Span(group[0].span.start, group[-1].span.end), kind)


def _join_round(document: str, blocks: Sequence[Block], draft: Draft, config: StitchConfig, joined: set[int], todo: set[int] | None) -> list[int]:
    """One pass over the gaps (all, or those in ``todo``); returns the gaps it joined."""
    reading = draft.text
    fresh: list[int] = []
    start = 0  # first block of the current group
    for k in range(1, len(blocks)):
        prev, b = blocks[k - 1], blocks[k]
        if (k - 1) in joined:
            continue
        if (todo is None or (k - 1) in todo) and b.kind != "heading" and prev.kind != "heading" and blocks[start].kind != "heading":
            gap = document[prev.span.end : b.span.start]
            end = k
            while end in joined:  # the paragraph after the gap, as joined so far
                end += 1
            nxt = draft.current(b.span.start, blocks[end].span.end)
            reason = join_reason(draft.current(blocks[start].span.start, prev.span.end), nxt, gap, reading, config)
            if reason is not None:
                draft.replace(
                    prev.span.end,
                    b.span.start,
                    reason["joiner"],
                    rule="stitch.cut_paragraph",
                    reason=f"paragraph cut mid-sentence at '{reason['junction']}': {reason['why']}",
                    evidence=reason,
                    confidence=0.9,
                )
                joined.add(k - 1)
                fresh.append(k - 1)
                continue
        start = k
    return fresh


#: characters on each side of a junction in which a join can make evidence for another gap
_WINDOW = 32


def _worth_another_look(blocks: Sequence[Block], draft: Draft, joined: set[int], fresh: list[int]) -> set[int]:
    """Gaps whose evidence the last round's joins may have changed.

    A join changes the text only around its junction, so a gap needs another
    look only if its own junction characters occur there, or if a join grew
    the paragraph on either side of it (length, open brackets and the
    closing ones after count).
    """
    windows = []
    for k in fresh:
        first, last = k, k + 1  # the whole paragraph the join is in: earlier joins border it
        while first - 1 in joined:
            first -= 1
        while last in joined:
            last += 1
        a, b = blocks[k], blocks[k + 1]
        before = draft.current(blocks[first].span.start, a.span.end)[-_WINDOW:]
        after = draft.current(b.span.start, blocks[last].span.end)[:_WINDOW]
        windows.append(before + draft.current(a.span.end, b.span.start) + after)
    around = "\x00".join(windows)
    grown = set()
    for k in fresh:
        j = k + 1
        while j in joined:
            j += 1
        grown.add(j)
        i = k - 1
        while i in joined:
            i -= 1
        if i >= 0:
            grown.add(i)
    todo = set()
    for k in range(len(blocks) - 1):
        if k in joined:
            continue
        if k in grown:
            todo.add(k)
            continue
        p = draft.current(blocks[k].span.start, blocks[k].span.end).rstrip()
        n = draft.current(blocks[k + 1].span.start, blocks[k + 1].span.end).lstrip()
        if p and n and any(p[-1] + j + n[0] in around for j in ("", " ", "\n")):
            todo.add(k)
    return todo
