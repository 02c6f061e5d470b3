"""Completing a cut paragraph from its copies, and the copies that go once it is whole (issue 13).

Helpers of :mod:`dedup.reconstruct` for the shapes English copies take
(``benchmarks/quality_clean.py --sets en``): which member of a cluster
completes a cut first occurrence, which later members are first occurrences
of a paragraph of their own (a merged copy joins two clusters), a cut
paragraph that clustering missed completed by the copy that goes on from it,
and a copy that kept its speaker tag but dropped the sentence it tagged.
Every edit is an insertion (``dedup.complete_from_copy``); the invariant
(:mod:`dedup.invariant`) checks it like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from .draft import Draft
from .fingerprint.keys import KeyConfig, matching_key
from .invariant import remembered_covers as covers  # (remembered: pure functions asked again and again)
from .invariant import remembered_is_cjk as is_cjk
from .invariant import remembered_sentence_key as sentence_key
from .model import Unit
from .normalize._cut_sides import opens_with_a_tag
from .segment import ends_sentence, sentences
from .speaker import speaker_tag_end

#: what completes a cut copy from a whole one: ``complete(full, part)`` -> ``(start, end)`` in ``full``, or None
Completer = Callable[[str, str], "tuple[int, int] | None"]


class OutsideCluster:
    """Whether a paragraph outside a cluster says a sentence (a key): ``OutsideCluster(texts, members, keys, {})(key)``.

    Keys are made on first use, and a paragraph is aligned only when it holds
    the sentence's longest word, so asking costs little in a long document.
    """

    def __init__(self, texts: Sequence[str], members: Sequence[int], keys: KeyConfig, cache: dict[int, str]) -> None:
        self.texts, self.members, self.keys = texts, frozenset(members), keys
        self._keys = cache  # shared by the clusters of one document

    def __call__(self, key: str) -> bool:
        probe = max(key.split(), key=len) if " " in key else key[:4]
        for m, text in enumerate(self.texts):
            if m in self.members:
                continue
            if m not in self._keys:
                self._keys[m] = matching_key(text, self.keys)
            if probe in self._keys[m] and covers(self._keys[m], key):
                return True
        return False


def opening(text: str, keys: KeyConfig) -> str:
    """The key of the first sentence of ``text`` ('' if none)."""
    spans = sentences(text)
    return sentence_key(text[spans[0][0] : spans[0][1]], keys) if spans else ""


def swapped_copy(copy_key: str, copy_opening: str, first_opening: str) -> bool:
    """Does a member that opens otherwise than the first occurrence still say its opening (a copy that swapped sentences)?

    ``It is often used … In probability theory, Bayes' theorem …`` beside a
    first occurrence cut in ``In probability theory, …``: that opening is the
    paragraph's own second sentence moved first, not another paragraph's
    start, so it does not stop the completion of the first occurrence (a copy
    that merged two paragraphs brings openings that do not say it).
    """
    return bool(first_opening) and copy_opening != first_opening and covers(copy_key, first_opening)


def member_openings(members: Sequence[int], chosen: int, first: int, texts: Sequence[str], all_keys: Sequence[str], keys: KeyConfig) -> list[str]:
    """The openings (keys) of a cluster's members but ``chosen``, less those of copies that swapped
    sentences (:func:`swapped_copy`): what :meth:`dedup.reconstruct.Reconstructor._completion` reads as ``openings``."""
    first_opening = opening(texts[first], keys)
    return [o for m, o in ((m, opening(texts[m], keys)) for m in members if m != chosen) if o and not swapped_copy(all_keys[m], o, first_opening)]


class Deferred(Sequence[str]):
    """The list ``make()`` returns, made when first read (issue 15: how fast, not what).

    A cluster's ``openings`` cost one alignment per member (:func:`swapped_copy`),
    and only the completion of a cut first occurrence that its copy matches reads
    them: most clusters never do.  ``make`` must be pure (it is: keys of texts that
    do not change), so when it runs changes nothing.
    """

    def __init__(self, make: Callable[[], list[str]]) -> None:
        self._make: Callable[[], list[str]] | None = make
        self._items: list[str] = []

    def _made(self) -> list[str]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return self._items

    def __getitem__(self, i):
        return self._made()[i]

    def __len__(self) -> int:
        return len(self._made())

    def __iter__(self):
        return iter(self._made())


def aligned_end(fragment: str, sentence: str) -> int:
    """Where in ``sentence`` the text that ``fragment`` begins it with ends (best alignment).

    >>> aligned_end("切实加强经费保", "切实加强经废保障，确保运转。")
    7
    """
    best, best_score = len(fragment), -1.0
    lo, hi = max(1, len(fragment) // 2), min(len(sentence), 2 * len(fragment) + 2)
    for j in range(lo, hi + 1):
        score = fuzz.ratio(fragment, sentence[:j])
        if score > best_score:
            best, best_score = j, score
    return best


def merged_in(tail: str, before: str) -> bool:
    """Does the missing end ``tail`` a copy would give ``before`` (a cut paragraph) open another paragraph (English)?

    A copy that merged the cut paragraph with the next one reads on from the
    cut into that paragraph's speaker tag (``… based on computer MODERATOR:
    PAGERANK …``): that is no end of the cut sentence; another copy may give
    the right one.  A tag as :func:`dedup.normalize._cut_sides.opens_with_a_tag`
    tells it (``… in Dynamic`` / ``Programming:`` goes on).  A bare list number
    (``… from 3.``) is left alone: measured worse without it, as the merged copy
    then stays beside the paragraph.

    >>> merged_in(" MODERATOR: PAGERANK (PR) REFERS TO BOTH.", "based on computer"), merged_in(" its parents.", "from")
    (True, False)
    >>> merged_in(" bases: set theory.", "three mathematical"), merged_in(" Programming:", "four steps in Dynamic")
    (False, False)
    """
    return opens_with_a_tag(before, tail)


def merged_at_end(words: str, before: str, cjk: bool | None = None) -> bool:
    """Do ``words`` a copy reads after ``before`` (a cut end) open another paragraph merged into it?

    A tag or list number (:func:`merged_in`: ``… from 3. INHERITANCE``), or in
    Chinese (``cjk``, by default: is ``before`` Chinese) a line break
    (``…任何的异`` ⏎ ``记者：…``, ``…新域剧团）`` ⏎ ``四是…``): the next
    paragraph, not the rest of this one.
    """
    return merged_in(words, before) or (words[:1] == "\n" and (is_cjk(before) if cjk is None else cjk))


def best_completion(complete: Completer, part: int, chosen: int, members: Sequence[int], texts: Sequence[str]) -> tuple[int, tuple[int, int] | None]:
    """The member to complete ``part`` from, and what of it completes it.

    The canonical copy ``chosen``, or in English the member that completes it
    most: the most complete copy may be one that merged a truncated copy with
    the next paragraph (``… ITS FIRST 3. Dynamic …``), which completes nothing right.
    In Chinese the others are asked only when ``chosen`` completes nothing (a
    merged copy reads on across a line break into the next paragraph,
    ``…任何的异`` ⏎ ``记者：被慈善机构收养后…``, which is no end of this one).
    """
    best = (chosen, complete(texts[chosen], texts[part]) if chosen != part else None)
    if is_cjk(texts[part]) and best[1] is not None:
        return best
    for m in members:
        if m in (part, chosen):
            continue
        got = complete(texts[m], texts[part])
        if got is not None and (best[1] is None or got[1] - got[0] > best[1][1] - best[1][0]):
            best = (m, got)
    return best


def other_firsts(members: Sequence[int], texts: Sequence[str], keys: KeyConfig) -> list[int]:
    """Later members cut short that are the first occurrence of another paragraph (Chinese: see :func:`_cjk_first_of_another`).

    A copy that merges two paragraphs puts both in one cluster; the second
    paragraph's first occurrence, cut short, is no copy of the cluster's
    first member and is completed like it: its first sentence is said by
    no earlier member.
    """
    out = []
    for k, m in enumerate(members[1:], 1):
        spans = sentences(texts[m])
        if not spans or ends_sentence(texts[m][spans[-1][0] : spans[-1][1]]):
            continue
        head = sentence_key(texts[m][spans[0][0] : spans[0][1]], keys)
        if is_cjk(texts[m]) and not _cjk_first_of_another(head, len(spans)):
            continue
        if (len(spans) > 1 or is_cjk(texts[m])) and head and not said_by_an_earlier_member(head, members[:k], texts, keys):
            out.append(m)
    return out


def said_by_an_earlier_member(head: str, earlier: Sequence[int], texts: Sequence[str], keys: KeyConfig) -> bool:
    """``any(covers(key of e, head) for e in earlier)``, the same answer, the nearest member asked first.

    :func:`covers` is a pure predicate, so the order of the questions cannot
    change what ``any`` answers.  A member cut short is most often said by
    the copy just before it: a drifting chain (each copy a light edit of the
    one before) drifts further from ``head`` with every copy back, and asking
    from the cluster's first member on took a cover per earlier member before
    the near one said it (113 of 129 s CPU on a 5,000-paragraph chain).
    """
    return any(covers(matching_key(texts[e], keys, marker=False), head) for e in reversed(earlier))


#: a Chinese member cut short in its first sentence is another paragraph's first occurrence only when that much is left
_CJK_FIRST_CHARS = 24


def _cjk_first_of_another(head: str, n_sentences: int) -> bool:
    """May a Chinese member cut short be another paragraph's first occurrence (:func:`other_firsts`)?

    ``二是Ｑ：为什么我的试用报告不通过…试用体验过程`` in the cluster of the
    paragraph before it (a copy merged the two): one sentence, cut, but long
    enough (``_CJK_FIRST_CHARS``) to be a paragraph's own, not a phrase.
    """
    return n_sentences > 1 or len(head) >= _CJK_FIRST_CHARS


def complete_cut_from(draft: Draft, units: Sequence[Unit], keys: KeyConfig, target: int, sentence: str, unit: int, kept_units: Sequence[int]) -> dict | None:
    """Complete the cut end of kept paragraph ``target`` from ``sentence`` of ``unit``, which goes on from it (English only).

    The sentence before this one repeated ``target``, whose last sentence is
    unfinished and begins this one (``… ANNOTATE; OPEN`` kept, ``… ANNOTATE;
    OPEN DIRECTORY PROJECT USING PAGERANK.`` later): a copy of a paragraph
    cut short that clustering missed (too few words).  The missing end is
    appended to ``target`` (an insertion only); the verdict that the sentence
    goes is returned, with ``cut``, the key the kept sentence had.
    """
    key = sentence_key(sentence, keys)
    if target == unit or is_cjk(sentence) or not (0 <= target < len(units)) or target not in kept_units:
        return None
    region = units[target].span
    cur = draft.current(region.start, region.end)
    spans = sentences(cur)
    if not spans or ends_sentence(cur[spans[-1][0] : spans[-1][1]]):
        return None
    fragment = cur[spans[-1][0] : spans[-1][1]].rstrip()
    cut = sentence_key(fragment, keys)
    if not cut or not key.startswith(cut + " "):
        return None
    tail = sentence.rstrip()[aligned_end(fragment, sentence.rstrip()) :]
    if not tail.strip() or merged_in(tail, fragment) or not covers(sentence_key(fragment + tail, keys), key):
        return None
    at = len(cur.rstrip())
    tu = units[unit]
    draft.replace_current(
        region,
        at,
        at,
        tail,
        rule="dedup.complete_from_copy",
        reason=f"this paragraph is cut short; the sentence at [{tu.span.start}, {tu.span.end}) goes on from its last words",
        evidence={"unit": target, "copy_unit": unit, "copy_span": tu.span.as_list()},
        confidence=0.9,
    )
    return {"why": "said by the kept sentence it completed", "duplicate_of_unit": target, "score": 1.0, "cut": cut}


def tagged_copy(
    sentence: str,
    pool: Sequence[str],
    seen_cluster: Sequence[tuple[str, int]],
    match: Callable[[str, Sequence[str]], tuple[int, float] | None],
    draft: Draft,
    units: Sequence[Unit],
    keys: KeyConfig,
) -> dict | None:
    """A verdict for the opening sentence of a copy that keeps its speaker tag but dropped the sentence it tagged.

    ``Reporter: X. Y.`` kept, ``Reporter: Y.`` later: the tag goes with the
    copy, as the kept paragraph says it too, at its start.  In Chinese too: a
    copy that swapped two sentences carries the tag before the second
    (``发言人：论官位…。与将军…`` after ``发言人：与将军…。论官位…。``).
    """
    n = speaker_tag_end(sentence)
    if not n:
        return None
    hit = match(sentence_key(sentence[n:], keys), pool)
    if hit is None:
        return None
    target = seen_cluster[hit[0]][1]
    tag = matching_key(sentence[:n], keys, marker=False)
    if opening_tag(target, draft, units, keys) == tag:
        return {"why": "near-duplicate sentence", "duplicate_of_unit": target, "score": round(hit[1], 4), "speaker": tag}
    # ``Reporter: X. Y.`` kept, then a copy ``Reporter: X. Z. Y.`` whose ``Z`` stayed as new content
    # (its paragraph no longer opens with the tag), then ``Reporter: Z. X. Y.``: the tag is said by the
    # first kept copy, ``Z`` by the other; both are named
    tagged = next((v for _k, v in seen_cluster if opening_tag(v, draft, units, keys) == tag), None)
    if tagged is None:
        return None
    return {"why": "near-duplicate sentence", "duplicate_of_unit": target, "duplicate_of_units": sorted({tagged, target}), "score": round(hit[1], 4), "speaker": tag}


def opening_tag(unit: int, draft: Draft, units: Sequence[Unit], keys: KeyConfig) -> str:
    """The speaker tag (its matching key) the current text of ``unit`` opens with ('' if none)."""
    u = units[unit]
    kept = draft.current(u.span.start, u.span.end)
    return matching_key(kept[: speaker_tag_end(kept)], keys, marker=False)


#: a paragraph's last piece without a final mark this short is a byline (``新京报记者　韩宇明``), not a cut sentence
_BYLINE_CHARS = 16


def byline_end(full: str, c: int, d: int) -> bool:
    """Is ``full[c:d]`` the paragraph's last piece, unfinished and short, after a finished sentence: a byline?

    ``…返乡的情况。新京报记者　韩宇明`` ends so in every copy; a first copy cut
    short in the sentence before it is completed with it too, or it stays at
    the later copy's place, apart from its paragraph.  (The caller also asks
    another copy to say it, or a space to part its name from its source, as
    bylines do: a copy cut across a blank line ends so too, ``…募集费用是高`` /
    ``了些，…``, and its piece is no byline.)
    """
    piece = full[c:d].strip()
    return d >= len(full.rstrip()) and 0 < len(piece) <= _BYLINE_CHARS and ends_sentence(full[:c].rstrip())


def as_units_say(part: str, spans: Sequence[tuple[int, int]], last: str, keys: KeyConfig) -> str:
    """The key of ``part``'s last sentence as a unit's key reads it: without the paragraph's speaker tag when it is the only one."""
    if len(spans) != 1:
        return last
    return matching_key(part[spans[0][0] : spans[0][1]], keys) or last
