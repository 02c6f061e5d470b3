"""What the sentences kept so far already say: rules of the sentence-level merge (:mod:`dedup.reconstruct`).

A copy's sentence goes when kept text says it; these rules answer the cases
a single kept sentence does not cover: kept sentences in another order
(``［详细］X。`` beside ``X。［详细］``), a cut-short paragraph that a copy goes
on from sentence by sentence, words of a merged paragraph an extension must
not insert, and a link (``［详细］``) that ends a paragraph.  The
:class:`KeptTextRules` methods run on a :class:`dedup.reconstruct.Reconstructor`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .draft import Draft
from .fingerprint.keys import LIST_MARKERS_ONLY, KeyConfig, matching_key, strip_marker
from .invariant import CLUSTER, GLOBAL, Tolerance, made_of
from .invariant import remembered_covers as covers  # (remembered: pure functions asked again and again)
from .invariant import remembered_is_cjk as is_cjk
from .invariant import remembered_sentence_key as sentence_key
from .merged_copy import MIN_CJK_CHARS, begins_with, cut_then_whole
from .model import Unit
from .paragraph_shapes import latin_words_in_chinese
from .segment import ends_sentence, sentences

#: a line in capitals shorter than this (in words) may be a heading the kept text says in another case
_HEADING_WORDS = 8
#: words a sentence is looked for by, in another case (enough to be that sentence's own)
_CASE_TOKENS = 12
#: brackets a link or a tag is written in at a paragraph's end (``［详细］``, ``【图】``)
_LINK_BRACKETS = {"［": "］", "[": "]", "【": "】", "〔": "〕", "（": "）", "(": ")"}


def _inside_text(s: str) -> bool:
    """Does ``s`` end inside a sentence's words (a letter, digit or Han character, or a comma after one)?"""
    s = s.rstrip()
    return bool(s) and (s[-1].isalnum() or s[-1] in "，,、")


def cut_end(full: str, d: int) -> bool:
    """Is the piece of ``full`` (a copy) that ends at ``d`` its last, ending inside the words: the copy's own cut?

    ``…但是伯特并不害`` (a first copy cut short) completed from a copy cut
    further on, ``…并警告比尔巨虫的可怕。伯特和众人武装手边`` / ``仅有的武器：…``:
    what the copy says up to its cut is the paragraph's too, and the unit
    after the copy may finish the sentence (:meth:`KeptTextRules._cut_copy_of`);
    the completion stopped before it, and the copy's last words stayed beside
    the paragraph (zh document 355 of the seed-7 sample).
    """
    return d >= len(full.rstrip()) and _inside_text(full)


def goes_on(s: str) -> bool:
    """Does ``s`` open as the rest of a cut sentence may (a letter, digit or Han character, or a comma)?"""
    s = s.lstrip()
    return bool(s) and (s[0].isalnum() or s[0] in "，,、")


def bracketed(s: str) -> bool:
    """Is ``s`` one bracketed group (``［详细］``, ``［　详细　］``, ``［详细］［图集］``): finished, with no full stop?"""
    s = s.strip()
    return len(s) >= 2 and s[0] in _LINK_BRACKETS and s[-1] == _LINK_BRACKETS[s[0]]


#: characters a list marker's ordinal opens with (``四是``, ``３、``)
_ORDINAL_CHARS = frozenset("一二三四五六七八九十0123456789０１２３４５６７８９")


def _meeting_points(sentence: str) -> list[int]:
    """Where in ``sentence`` a copy cut short may meet the next paragraph: each line break, and each
    list marker right after the words (``…承担民四是据此，…``: the next item's ordinal).

    >>> _meeting_points("承担民\\n二是据此"), _meeting_points("承担民四是据此"), _meeting_points("判令三名被告")
    ([3], [3], [])
    """

    def marker_at(i: int) -> bool:  # the next item's ordinal right after the words
        return sentence[i] in _ORDINAL_CHARS and i > 0 and not sentence[i - 1].isspace() and _inside_text(sentence[:i]) and bool(strip_marker(sentence[i:], LIST_MARKERS_ONLY))

    return [i for i, c in enumerate(sentence) if c == "\n" or marker_at(i)]


def says(text: str, key: str, tolerance: Tolerance = CLUSTER) -> bool:
    """Does ``text`` (a unit's key) say the sentence ``key`` (:func:`covers`), typos allowed?

    Three stretches of the sentence are looked up first: a text that has none
    of them cannot cover it, and most units are rejected without an alignment.
    """
    if len(key) > 12 and not any(key[i : i + 4] in text for i in (0, len(key) // 2 - 2, len(key) - 4)):
        return False
    return covers(text, key, tolerance)


class SeenKeys(dict):
    """The reconstruction's ``seen_global`` (kept sentence key -> the unit it is kept in) that also
    knows the last word of every key with a space (:meth:`may_end`).

    A cut copy run into the next paragraph ends with a whole kept key of two words or more
    (:func:`dedup.merged_copy.cut_then_whole`): it ends with that key's last word.  Most
    sentences end with no kept key's last word, and need no search of their suffixes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last_words: set[str] = set()

    def _saw(self, key: str) -> None:
        if " " in key:
            self._last_words.add(key[key.rfind(" ") + 1 :])

    def __setitem__(self, key: str, unit: int) -> None:
        self._saw(key)
        super().__setitem__(key, unit)

    def setdefault(self, key: str, unit: int) -> int:  # type: ignore[override]
        self._saw(key)
        return super().setdefault(key, unit)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, unit in dict(*args, **kwargs).items():
            self[key] = unit

    def __ior__(self, other: Any) -> SeenKeys:  # type: ignore[misc]
        self.update(other)
        return self

    def may_end(self, key: str) -> bool:
        """Could a kept key of two words or more end ``key`` (after a space)?  False is certain."""
        return key[key.rfind(" ") + 1 :] in self._last_words


class KeptTextRules:
    """Rules of :class:`dedup.reconstruct.Reconstructor` about what its kept text says (see the module docstring)."""

    draft: Draft
    units: Sequence[Unit]
    keys: KeyConfig
    #: the reconstructor's :class:`dedup.reconstruct.SentenceConfig` and :class:`dedup.kept_text.KeptText`
    cfg: Any
    kept: Any
    _open_end: int | None

    def _says_enough(self, key: str) -> bool:  # provided by the reconstructor
        raise NotImplementedError

    def _extend_into(self, kept_key: str, kept_unit: int, key: str, sentence: str, unit: int) -> str | None:  # provided by the reconstructor
        raise NotImplementedError

    def _continue_into(self, target: int, key: str, sentence: str, unit: int) -> dict | None:
        """Append a sentence of a later copy to the cut-short paragraph ``target`` it goes on from; a verdict, or None.

        A first copy cut short (``…年轻人从``) whose copy is in a cluster with
        others (a merged copy joined them) is completed sentence by sentence:
        the copy's sentence extended it, and the new sentences after it are its
        paragraph's own end, unless another paragraph that lacks the one
        extended says them (a paragraph merged into the copy).
        """
        if not (ends_sentence(sentence) or bracketed(sentence)):
            return None
        region = self.units[target].span
        cur = self.draft.current(region.start, region.end)
        if len(key) >= self.cfg.min_global_chars:
            last = sentence_key(cur[sentences(cur)[-1][0] :], self.keys)
            for v in self.units:
                if v.index in (target, unit) or v.kind == "heading":
                    continue
                o = matching_key(self.draft.current(v.span.start, v.span.end), self.keys, marker=False)
                if says(o, key, GLOBAL) and not says(o, last):
                    return None
        at = len(cur.rstrip())
        tu = self.units[unit]
        self.draft.replace_current(
            region,
            at,
            at,
            sentence.strip(),
            rule="dedup.complete_from_copy",
            reason=f"this paragraph is cut short; the copy at [{tu.span.start}, {tu.span.end}) goes on with this sentence after the one it completed",
            evidence={"unit": target, "copy_unit": unit, "copy_span": tu.span.as_list()},
            confidence=0.9,
        )
        return {"why": "moved to the paragraph it completes", "duplicate_of_unit": target, "score": 1.0}

    def _cut_copy_of(self, target: int, sentence: str, unit: int, extended: bool) -> tuple[int, str, int] | None:
        """``(target, sentence, unit)`` when ``unit`` is a cut copy of the cut-short paragraph ``target``, else None.

        The copy's last sentence (``…东森综合台``) went in favour of ``target``,
        whose text is a first copy cut short (``…东森综合``): both end
        unfinished, at different points (or the copy ``extended`` the kept
        one), so the copy was cut across a blank line, and the next unit may
        open with the rest of its sentence (CJK only: see ``Reconstructor._complete_across``).
        Both must end inside the text, as the input reads (a word cut, ``…综合`` / ``…综合台``): a
        line that ends in a bracket or quote (``…香港舞蹈团）``), or that every
        copy ends alike (``工作日的上午　工作日的下午``), is whole, not cut.
        """
        if target == unit or not (0 <= target < len(self.units)) or not is_cjk(sentence) or ends_sentence(sentence) or bracketed(sentence):
            return None
        region = self.units[target].span
        cur = self.draft.current(region.start, region.end).rstrip()
        spans = sentences(cur)
        if not spans or ends_sentence(cur[spans[-1][0] :]) or bracketed(cur[spans[-1][0] :]):
            return None
        read = self.draft.source[region.start : region.end].rstrip()  # as the input ended, before any extension
        if not (_inside_text(read) and _inside_text(sentence)):
            return None  # ``…（捐款请注明：“孤儿助养”）``: a line ending in a closer is whole
        if not extended and cur[-2:] == sentence.rstrip()[-2:] and not self._completed_from(target, unit):
            return None
        return target, sentence.strip(), unit

    def _cut_end_verdict(self, hit: tuple[int, float] | None, key: str, sentence: str, unit: int, seen_cluster: list[tuple[str, int]], pool: Any, seen_global: dict[str, int]) -> dict | None:
        """The verdict on a copy's unfinished last sentence: a truncated copy of kept sentence ``hit``, or
        (Chinese) a copy cut later than a kept paragraph's cut-short end, which it extends.

        ``…按照国家标准，如有２次`` kept (a first copy cut short), then a copy cut
        further on, ``…如有２次菌落值在１００～１０００之间，或者`` / ``有一次菌落值…``:
        the copy reads the kept fragment on, word for word, so its words are the
        kept paragraph's missing end and are inserted; the next unit may then
        finish the sentence (``_cut_copy_of``).  It stayed beside the paragraph,
        and the paragraph stayed cut (zh document 12 of the seed-7 sample).  The kept end may be short
        (``…席位。论官位``): it is of this cluster, and the paragraph's cut-short end.
        """
        if hit is not None:
            return {"why": "truncated copy of a sentence", "duplicate_of_unit": seen_cluster[hit[0]][1], "score": round(hit[1], 4)}
        if not is_cjk(key) or "\n" in sentence.strip():
            return None  # (a line break inside: the copy ran into the next line, a paragraph of its own)
        for j, (kept_key, kept_unit) in enumerate(seen_cluster):
            if len(kept_key) < 2 or not key.startswith(kept_key) or not self._cut_short_end(kept_unit, kept_key):
                continue
            if strip_marker(key[len(kept_key) :], LIST_MARKERS_ONLY):
                continue  # ``…项目部`` / ``…项目部九是Ｂ、…``: the next item of a list, merged in, is no end of this one
            new_key = self._extend_into(kept_key, kept_unit, key, sentence, unit)
            if new_key is None:
                continue
            self._record_extension(j, kept_key, kept_unit, new_key, seen_cluster, pool, seen_global)
            return {"why": "said by the kept sentence it extended", "duplicate_of_unit": kept_unit, "score": 1.0}
        return None

    def _record_extension(self, j: int, kept_key: str, kept_unit: int, new_key: str, seen_cluster: list[tuple[str, int]], pool: list[str], seen_global: dict[str, int]) -> None:
        """The cluster's ``j``-th kept sentence ``kept_key`` now reads ``new_key``: every index of kept text learns it."""
        seen_cluster[j] = (new_key, kept_unit)
        pool[j] = new_key
        seen_global.setdefault(new_key, kept_unit)
        self.kept.extend(kept_key, kept_unit, new_key)

    def _cut_short_end(self, unit: int, key: str) -> bool:
        """Is the kept sentence ``key`` the unfinished last sentence of ``unit`` (a paragraph cut short)?"""
        region = self.units[unit].span
        cur = self.draft.current(region.start, region.end).rstrip()
        spans = sentences(cur)
        # (inside the words, as a cut ends: ``…认捐（仅为部分）：`` introduces a list, it is not cut)
        return bool(spans) and _inside_text(cur) and not ends_sentence(cur[spans[-1][0] :]) and sentence_key(cur[spans[-1][0] :], self.keys) == key

    def _covered_without_spaces(self, key: str) -> list[int] | None:
        """Units whose kept text, read without spaces, covers ``key``, a key of Latin words among Han characters
        (``沙托讷夫 châteauneuf 是法国``), when that kept text has no spaces either (a Chinese paragraph's key).

        A kept paragraph that is mostly Latin keeps its spaces, and the content
        invariant reads it word by word: ``Caroline Langrishe生`` (a cut copy
        with a typo) is not said by ``Caroline Langrishe饰演…``, and its removal
        was flagged by ``check`` (zh-issue13 document 455 of the seed-11 sample).
        """
        if not latin_words_in_chinese(key):
            return None
        units = self.kept.covering(key.replace(" ", ""), GLOBAL)
        if units is None or any(" " in k for k, u in zip(self.kept.keys, self.kept.units) if u in units):
            return None
        return units

    def _completed_from(self, target: int, unit: int) -> bool:
        """Was ``target``, a first copy cut short, completed from ``unit`` (``dedup.complete_from_copy``)?

        Then it ends where that copy ends because it was read on to the copy's
        own cut (:func:`cut_end`), not because every copy ends alike there.
        """
        span = self.units[target].span
        edits = self.draft.edits_in(span.start, span.end)
        return any(sub.rule == "dedup.complete_from_copy" and sub.evidence.get("canonical_unit") == unit for e in edits for sub in (*e.subsumes, e))

    def _kept_elsewhere(self, words: str) -> bool:
        """Do words a later copy adds repeat text kept in another paragraph (a paragraph merged into the copy)?

        ``标题`` kept, ``正文…`` kept as its own paragraph, then ``标题⏎正文…``:
        inserting ``⏎正文…`` into the title would say the paragraph twice.  CJK only:
        English copies made by :mod:`dedup.testing` extend with clauses that its
        fragments say too, and were measured worse with it (en-generated CER 6.9 % -> 7.7 %).
        """
        key = matching_key(words, self.keys, marker=False)
        if not is_cjk(key) or len(key) < self.cfg.min_global_chars:
            return False
        units = self.kept.covering(key, GLOBAL)
        if units is None:
            return False
        # the words say a whole sentence kept there, not only a clause another paragraph also says
        return any(
            v in units and len(k) >= self.cfg.min_global_chars and covers(key, k, GLOBAL) for k, v in zip(self.kept.keys, self.kept.units)
        )

    def _tail_of_cut(self, unit: int, text: str, drops: Sequence[tuple[int, int, dict]]) -> bool:
        """Is ``unit``, all of whose sentences the paragraph right before it contains, that paragraph's cut-off end (Chinese)?

        ``…灵帝复立河间王刘建子新昌侯刘佗`` / ``为任城王。``: the paragraph was cut
        and no copy reads across the cut; the short tail went as "contained" in
        the paragraph it ends (``封刘博为任城王（…``), and the sentence was lost
        (zh-issue13 document 379 of the seed-7 benchmark).  What the paragraph
        before says of it is its own beginning, not a copy: the tail stays.
        """
        if unit == 0 or not is_cjk(text) or any(d[2].get("duplicate_of_units") != [unit - 1] for d in drops):
            return False
        region = self.units[unit - 1].span
        before = self.draft.current(region.start, region.end).rstrip()
        spans = sentences(before)
        return bool(spans) and _inside_text(before) and not ends_sentence(before[spans[-1][0] :]) and not strip_marker(text)

    def _in_another_case(self, sentence: str, units: Sequence[int]) -> bool:
        """Do ``units``, whose kept text contains ``sentence`` case aside, write it in another case (English)?

        A copy has the case of what it copies, so such a sentence is no repeat: a heading in capitals
        (:meth:`_heading_in_capitals`), or a sentence in lower case that a paragraph in capitals also says
        (:meth:`_said_in_capitals`: two pages' texts, one quoting the other).
        """
        return self._heading_in_capitals(sentence, units) or self._said_in_capitals(sentence, units)

    def _said_in_capitals(self, sentence: str, units: Sequence[int]) -> bool:
        """Is ``sentence``, not in capitals (``2. The name "PageRank" is a trademark of Google, …``, ``. Bayes'
        Theorem``), written in ``units`` only in capitals (``… THE NAME "PAGERANK" IS A TRADEMARK OF GOOGLE, …``)?

        A sentence not found so (:meth:`_written_as`: a typo among its first words) is left to the rules as before.
        """
        words = [w for w in re.findall(r"[^\W\d_]+", sentence) if len(w) > 1]
        if is_cjk(sentence) or len(words) < 2 or all(w.isupper() for w in words):
            return False
        found = self._written_as(sentence, units)
        return bool(found) and not any(c.islower() for f in found for c in f)

    def _heading_in_capitals(self, sentence: str, units: Sequence[int]) -> bool:
        """Is ``sentence`` a short line in capitals (``. BAYES' THEOREM``) that ``units``, whose kept text
        contains it case aside, write only in another case (``"Bayes' Theorem" or "Bayes' Rule", …``)?

        Then it is a heading of its own, not a copy: a copy of kept text, or a fragment cut from it, has
        the case the kept text has.  English only, fewer than :data:`_HEADING_WORDS` words, two or more
        (each of two letters or more) in capitals.
        """
        words = [w for w in re.findall(r"[^\W\d_]+", sentence) if len(w) > 1]
        if is_cjk(sentence) or not (2 <= len(words) < _HEADING_WORDS) or not all(w.isupper() for w in words):
            return False
        found = self._written_as(sentence, units)
        return bool(found) and all(any(c.islower() for c in f) for f in found)

    def _written_as(self, sentence: str, units: Sequence[int]) -> list[str]:
        """How ``units`` write ``sentence``, case aside: its first :data:`_CASE_TOKENS` words and numbers (its list
        marker aside), wherever their kept text has them in a row (none: a typo among them, or not there)."""
        tokens = re.findall(r"[^\W_]+", sentence[strip_marker(sentence) :])[:_CASE_TOKENS]
        pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, tokens)) + r"\b", re.IGNORECASE)
        return [m.group() for v in units for m in pattern.finditer(self.draft.current(self.units[v].span.start, self.units[v].span.end))]

    def _kept_in_another_order(self, key: str, pool: Sequence[str], seen_global: dict[str, int]) -> dict | None:
        """A verdict when ``key`` is kept sentences, whole, end to end in another order (:func:`dedup.invariant.made_of`).

        A copy whose swapped sentences lost the full stop between them
        (``［详细］X。`` beside ``X。［详细］``) reads as one sentence that no single
        kept one covers.  The pieces are looked for among the sentences of the
        cluster kept so far, kept sentences most of whose text ``key`` has, and
        kept short ones (a link, a tag) that begin or end it.
        """
        if len(key) < self.cfg.min_global_chars or " " in key:
            return None  # (a key with spaces is never made of others: made_of answers None, nothing to gather)
        pieces = set(pool) | {self.kept.keys[i] for i in self.kept.contained_in(key, limit=12)}
        pieces.update(key[:n] for n in range(2, 7) if key[:n] in seen_global)
        pieces.update(key[-n:] for n in range(2, 7) if key[-n:] in seen_global)
        found = made_of(key, pieces)
        if found is None:
            return None
        units = []
        for piece in found:
            # the earliest paragraph that has the piece now (a kept sentence extended since reads otherwise)
            unit = self.kept.first_unit(piece)
            if unit is None:
                return None
            units.append(unit)
        units = sorted(set(units))
        return {"why": "kept sentences in another order", "duplicate_of_unit": units[0], "duplicate_of_units": units, "score": 1.0}

    def _cut_copy_then_next(self, key: str, seen_global: dict[str, int], sentence: str = "") -> dict | None:
        """A verdict when ``key`` is the beginning of a kept sentence, then another kept one whole (:mod:`dedup.merged_copy`).

        A truncated copy that ran into the next paragraph (``… based on computer MODERATOR: PAGERANK …``):
        both pieces are said where they are kept; ``seen_global`` has the kept keys.  In Chinese the
        copy's ``sentence`` must break its line where the two meet (``…设计（作`` ⏎ ``二是2013年…``),
        or the next paragraph's list marker must open there (``…承担民四是据此，…``): a key split
        anywhere may be chance.
        """
        if " " not in key:
            return self._cut_line_then_next(sentence, seen_global)
        if isinstance(seen_global, SeenKeys) and not seen_global.may_end(key):
            return None

        def beginning_of(head: str) -> str | None:
            return next((k for k in (self.kept.keys[i] for i in self.kept.candidates(head)) if begins_with(k, head)), None)

        found = cut_then_whole(key, seen_global.__contains__, beginning_of)
        return self._run_into(found)

    def _cut_line_then_next(self, sentence: str, seen_global: dict[str, int]) -> dict | None:
        """:meth:`_cut_copy_then_next` in Chinese: ``sentence``, split where two paragraphs meet
        (:func:`_meeting_points`), is the beginning of a kept sentence (exact key) and another kept
        sentence whole (list marker aside)."""
        for at in _meeting_points(sentence):
            head, rest = sentence_key(sentence[:at], self.keys), sentence_key(sentence[at:], self.keys)
            # after the next item's list marker the cut may have left a short head (``…定额络绎不绝`` ⏎ ``三是…``)
            short_head = 1 if strip_marker(sentence[at:].lstrip(), LIST_MARKERS_ONLY) else MIN_CJK_CHARS
            if len(head) < short_head or len(rest) < MIN_CJK_CHARS or rest not in seen_global or not is_cjk(head):
                continue
            found = next((k for k in (self.kept.keys[i] for i in self.kept.candidates(head)) if begins_with(k, head) and k != rest), None)
            if found is not None:
                return self._run_into((found, rest))
        return None

    def _run_into(self, found: tuple[str, str] | None) -> dict | None:
        """The verdict on a cut copy run into the next paragraph whose two pieces are kept keys ``found``."""
        units = [self.kept.first_unit(p) for p in found] if found is not None else [None]
        if None in units:
            return None
        at = sorted({u for u in units if u is not None})
        return {"why": "a cut copy run into the next paragraph", "duplicate_of_unit": at[0], "duplicate_of_units": at, "score": 1.0}

    def _short_link(self, sentence: str) -> bool:
        """A link that ends a paragraph (``［详细］``): whole, and too short to be removed from a paragraph that stays.

        Every paragraph of a news page may end with it; a copy of one paragraph
        that matched it does not make it a repeat in another.
        """
        return bracketed(sentence) and not self._says_enough(sentence_key(sentence, self.keys))
