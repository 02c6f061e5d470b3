"""The content invariant: every sentence of the input survives or is accounted for.

A cleaner that removes repeats can lose text in two ways: it removes a
sentence that says more than the one it resembles, or it removes a sentence
in favour of text that does not survive.  Both are caught here, by one
predicate, :func:`covers`, that the reconstructor uses to decide and
:func:`content_problems` (called by :func:`dedup.report.check`) uses to verify:

* every sentence of every unit is in the output text of its own unit (repairs
  allowed: a few characters), **or**
* it was removed by an edit that names the units it duplicates, and the text
  those units have *in the output* covers it, **or**
* it was changed by a named text repair (``unicode.*``) that rewrites whole spans.

Completions (``dedup.complete_from_copy``, ``dedup.extend_from_copy``) must insert only; layout and
stitching edits may touch whitespace only.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, LCSseq, Levenshtein

from .document_words import misspelt_word, remembered_per_document
from .fingerprint.keys import LIST_MARKERS_ONLY, KeyConfig, is_cjk, matching_key, strip_marker
from .merged_copy import among, cut_then_whole, cut_then_whole_cjk
from .segment import sentences
from .speaker import speaker_tag_end
from .word_change import replaces_a_word


@dataclass(frozen=True)
class Tolerance:
    """How much a covered sentence may differ from the text covering it.

    A copy differs from its original by typos, doubled or dropped characters:
    scattered single characters.  Three or more adjacent characters that the
    covering text lacks are a word it does not say, and a digit it lacks is a
    different number: either makes the sentence new content.
    """

    #: longest run of characters of the sentence the covering text lacks
    max_run: int = 2
    #: at most this share of the sentence's characters may be unmatched ...
    max_share: float = 0.25
    #: ... or this many, whichever is more
    min_allowed: int = 2


#: what a removal inside a cluster (copies of one paragraph) may differ by
CLUSTER = Tolerance()
#: what a removal of a sentence from an unrelated paragraph may differ by (matches ratio >= 0.9)
GLOBAL = Tolerance(max_share=0.1, min_allowed=0)


def unmatched(sentence: str, text: str) -> list[tuple[int, int, bool]] | None:
    """Runs ``(start, end, hanging)`` of ``sentence`` that the best-aligned part of ``text`` lacks.

    A run is *hanging* when it begins or ends the sentence and ``text`` has
    nothing opposite it (``text`` ends, or begins, right at the aligned part):
    that is ``text`` cut short, not a typo.  None when ``text`` is empty.
    ``sentence`` and ``text`` are matching keys.

    >>> unmatched("推进义务教育", "一是推进义务教育优质")
    []
    >>> unmatched("推进义务教育确保增收", "推进义务教育")
    [(6, 10, True)]
    >>> unmatched("推进义务教肓", "推进义务教育，另外")
    [(5, 6, False)]
    """
    aligned = _align(sentence, text)
    return None if aligned is None else aligned[0]


#: sentences longer than this are aligned against the whole text, not the stretch most like them
LONG_SENTENCE = 2_000


def _stretch(sentence: str, text: str) -> Any:
    """The stretch of ``text`` most like ``sentence`` (rapidfuzz's partial alignment), or None.

    None also when the sentence is too long for one (then the whole text is aligned).
    """
    # partial_ratio_alignment is quadratic in a long needle (a 48,000-character paragraph without a
    # full stop took minutes); past LONG_SENTENCE the whole text is aligned, bit-parallel
    if len(sentence) <= min(len(text), LONG_SENTENCE):
        return fuzz.partial_ratio_alignment(sentence, text)
    return None


#: "not asked yet" for :func:`_align`'s ``stretch``
_UNASKED: Any = object()


def _align(sentence: str, text: str, *, padded: bool = True, stretch: Any = _UNASKED) -> tuple[list[tuple[int, int, bool]], list[int]] | None:
    """:func:`unmatched`'s runs, and the lengths of the gaps ``text`` has between aligned characters.

    The alignment is made in the stretch of ``text`` most like the sentence,
    ``padded`` on each side so that a sentence with extra or missing
    characters still finds its whole counterpart.  ``stretch``: that stretch
    (:func:`_stretch`) when the caller has it already.
    """
    if not text:
        return None
    if sentence in text:
        return [], []
    lo, hi = 0, len(text)
    if len(sentence) <= min(len(text), LONG_SENTENCE):
        al = _stretch(sentence, text) if stretch is _UNASKED else stretch
        if al is not None:
            pad = max(2, len(sentence) // 5) if padded else 0
            lo, hi = max(0, al.dest_start - pad), min(len(text), al.dest_end + pad)
    matched = bytearray(len(sentence))
    first_dest = last_dest = None
    gaps: list[int] = []
    for op in Indel.opcodes(sentence, text[lo:hi]):
        if op.tag == "equal" and op.src_end > op.src_start:
            matched[op.src_start : op.src_end] = b"\x01" * (op.src_end - op.src_start)
            if last_dest is not None and lo + op.dest_start > last_dest:
                gaps.append(lo + op.dest_start - last_dest)
            first_dest = lo + op.dest_start if first_dest is None else first_dest
            last_dest = lo + op.dest_end
    runs: list[tuple[int, int, bool]] = []
    i, n = 0, len(sentence)
    while i < n:
        if matched[i]:
            i += 1
            continue
        j = i
        while j < n and not matched[j]:
            j += 1
        hanging = first_dest is None or (i == 0 and first_dest == 0) or (j == n and last_dest == len(text))
        runs.append((i, j, hanging))
        i = j
    return runs, gaps


def covers(text: str, sentence: str, tolerance: Tolerance = CLUSTER) -> bool:
    """True if ``text`` says everything ``sentence`` says (both matching keys).

    >>> covers("推进义务教育优质均衡发展", "推进义务教肓优质均衡发展")
    True
    >>> covers("推进义务教育优质均衡发展", "推进义务教育优质均衡发展确保农民增收")
    False
    >>> covers("推进义务教育优质均衡发展办好人民满意的", "推进义务教育优质均衡发展办好人民满意的教育")
    False
    >>> covers("增长百分之五点二", "增长百分之5点二")
    False
    >>> covers("要破除养老制度方面的种种不公", "养老制度种种不公")
    False
    """
    if not sentence or sentence in text:
        return True
    if " " in sentence and not is_cjk(sentence):
        if " " in text:
            return not _lacks_a_word(text, sentence) and any(_covers_words(text, sentence, tolerance, padded=p) for p in (False, True))
        # Latin words inside a Chinese paragraph: its key has no spaces, so neither may theirs
        sentence = sentence.replace(" ", "")
        if sentence in text:
            return True
    if _too_much_unmatched(sentence, text, tolerance):
        return False
    # the tight stretch first: padding lets a stray character outside it (``a`` of ``hale an``)
    # pull the alignment apart; both read the same stretch, found once
    stretch = _stretch(sentence, text) if text else None
    if not any(_within(_align(sentence, text, padded=p, stretch=stretch), sentence, tolerance) for p in (False, True)):
        return False
    return not replaces_a_word(sentence, text)


def _too_much_unmatched(sentence: str, text: str, tolerance: Tolerance) -> bool:
    """A quick proof that no alignment :func:`covers` makes passes :func:`_within` (it changes no answer).

    Any alignment of the sentence with a stretch of ``text`` matches at most
    LCS(sentence, text) characters, so it leaves at least the rest unmatched;
    when that is more than ``tolerance`` allows, :func:`_within` says False for
    every stretch.  The LCS is bit-parallel (microseconds); the partial
    alignment it spares is hundreds of microseconds on a 200-character sentence.
    """
    allowed = max(tolerance.min_allowed, tolerance.max_share * len(sentence))
    return len(sentence) - LCSseq.similarity(sentence, text) > allowed


#: a word of a copy this similar (rapidfuzz ratio) to the one opposite it is that word with a typo
TYPO_RATIO = 75
#: words this short (articles, prepositions) may differ without the sentence saying more
SHORT_WORD = 3


def _typo_of(word: str, window: Sequence[str], said: Sequence[str] = ()) -> str:
    """The word of ``window`` that ``word`` (of the sentence whose words are ``said``) is a typo of (``word`` itself if none).

    A typo changes, adds or drops a character in place: a word two letters longer or shorter
    (``probabilities`` / ``probability``) is another word, not a typo of it.  Of words alike, one the window has more often than the
    sentence first (``theoe``, ``clasas``: the ``these``, ``classs`` it lacks), then the likest, then the fewest edits away (``thnt``: ``that``).
    """
    near = [w for w in window if abs(len(w) - len(word)) <= 1]
    hits = process.extract(word, near, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO, limit=None)
    hit = max(hits, key=lambda h: (window.count(h[0]) > said.count(h[0]), h[1], -Levenshtein.distance(word, h[0])), default=None)
    if hit is None:
        return misspelt_word(word, near) or word  # two typos in one word, on the document's evidence
    return word if any(map(str.isdigit, hit[0])) else hit[0]


def _lacks_a_word(text: str, sentence: str) -> bool:
    """A quick proof that :func:`_covers_words` answers False, padded or not (it changes no answer).

    ``sentence`` has a number, or a word of more than SHORT_WORD characters, that
    is no word of ``text`` and no typo (TYPO_RATIO) of one.  Every window that
    :func:`_covers_words` aligns is words of ``text``, so that word stays
    unaligned there, and a missing number or long word makes the sentence new
    content.  Most kept text a sentence is compared with is another sentence:
    this answers those without two alignments.

    >>> _lacks_a_word("the local farmer measured the annual budget", "the local famer measured the budget")
    False
    >>> _lacks_a_word("the local farmer measured the annual budget", "the local farmer measured 5 budgets")
    True
    """
    present = set(text.split())
    words: list[str] | None = None
    for w in sentence.split():
        if w in present:
            continue
        if any(map(str.isdigit, w)):
            return True
        if len(w) > SHORT_WORD:
            words = list(present) if words is None else words
            if process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO) is None and misspelt_word(w, words) is None:
                return True
    return False


def _covers_words(text: str, sentence: str, tolerance: Tolerance = CLUSTER, *, padded: bool = True) -> bool:
    """:func:`covers` for text written in words: aligned word by word, not character by character.

    Letters recur so often in words that a character alignment lets a missing
    word dissolve into stray matches; words do not.  A word of the sentence
    is said by the text when the word opposite it is the same or the same
    with a typo.  The sentence is covered unless it has a word of more than
    three letters (or any number) that the text lacks, or more short ones than
    the tolerance allows, or begins or ends beyond the text; and the text may
    have at most ``max_run`` words of its own between two aligned ones.

    >>> covers("the local farmer measured the annual budget", "the local famer measured the budget")
    True
    >>> covers("the local farmer measured the annual budget", "the local farmer never measured the budget")
    False
    >>> covers("petrova postponed the new new water pipes", "petrova postponed the new water pipes")
    True
    >>> covers("the method takes much less time", "the method takes much much less time")
    True
    """
    sw, tw = sentence.split(), text.split()
    if not tw:
        return False
    lo, hi = 0, len(tw)
    if len(sentence) <= len(text):
        al = fuzz.partial_ratio_alignment(sentence, text)
        if al is not None:
            pad = max(1, len(sw) // 5) if padded else 0
            lo = max(0, text.count(" ", 0, al.dest_start) - pad)
            hi = min(len(tw), text.count(" ", 0, al.dest_end) + 1 + pad)
    window = tw[lo:hi]
    # a word with a typo reads as the word it is a typo of, so the alignment matches it
    present = set(window)
    sw = [w if w in present or any(map(str.isdigit, w)) else _typo_of(w, window, sw) for w in sw]  # (map: the digit test in C)
    missing: list[str] = []
    gaps: list[int] = []
    first = last = None  # window positions of the first and last aligned words
    for op in Indel.opcodes(sw, window):
        if op.tag == "equal":
            if last is not None and op.dest_start > last:
                gaps.append(op.dest_start - last)
            first = op.dest_start if first is None else first
            last = op.dest_end
        elif op.tag == "delete":
            hanging = (op.src_start == 0 and lo + op.dest_start == 0) or (op.src_end == len(sw) and lo + op.dest_end == len(tw))
            if hanging:
                return False
            # a word written twice in a row (``much much less``) says nothing the text's one lacks
            missing.extend(w for k, w in enumerate(sw[op.src_start : op.src_end], op.src_start) if k == 0 or w != sw[k - 1])
    if first is None:
        return False
    if any(any(map(str.isdigit, w)) or len(w) > SHORT_WORD for w in missing):
        return False
    allowed = tolerance.max_share * len(sw) + (1 if tolerance.min_allowed else 0)
    if len(missing) > allowed:
        return False
    return not gaps or (max(gaps) <= tolerance.max_run and sum(gaps) <= max(tolerance.max_run, allowed))


def _within(aligned: tuple[list[tuple[int, int, bool]], list[int]] | None, sentence: str, tolerance: Tolerance) -> bool:
    """Whether an alignment of ``sentence`` (:func:`_align`) differs only by what ``tolerance`` allows."""
    if aligned is None:
        return False
    # ``gaps``: what the text has between the sentence's aligned characters: a sentence
    # spelled out of scattered characters of a longer text is not said by it
    runs, gaps = aligned
    if not runs and not gaps:
        return True
    if len(sentence) <= 3 or any(h for _, _, h in runs):
        return False
    allowed = max(tolerance.min_allowed, tolerance.max_share * len(sentence))
    for lengths in ([b - a for a, b, _ in runs], gaps):
        if lengths and (max(lengths) > tolerance.max_run or sum(lengths) > allowed):
            return False
    return not any(any(map(str.isdigit, sentence[a:b])) for a, b, _ in runs)




def sentence_key(text: str, keys: KeyConfig = KeyConfig()) -> str:
    """The matching key of one sentence, every leading list marker folded away.

    Copies renumber and stack markers (``三是２、纪念…`` beside ``２、纪念…``):
    all of them go, not just the first, so that a renumbered copy is a copy.
    A speaker tag (``记者：``, ``卫生部：``) stays: it is content, and a sentence
    removed in favour of one without it would lose it (paragraphs still
    cluster without it, see :mod:`dedup.fingerprint.keys`).

    >>> sentence_key("三是２、纪念５月１２日"), sentence_key("２、纪念５月１２日")
    ('纪念5月12日', '纪念5月12日')
    """
    n = 0
    for _ in range(4):
        if not keys.strip_markers:
            break
        m = strip_marker(text[n:], LIST_MARKERS_ONLY)
        if not m:
            break
        n += m
    return matching_key(text[n:], keys, marker=False)


#: :func:`covers`, :func:`sentence_key` and :func:`dedup.chardata.is_cjk`, remembered (``lru_cache``): pure
#: functions of their arguments that the reconstruction (:mod:`dedup.reconstruct`, :mod:`dedup.kept_text`,
#: :mod:`dedup.kept_rules`, :mod:`dedup.completion`) asks again and again of the same keys and sentences
#: (:func:`covers` also reads the document's words, :mod:`dedup.document_words`: they are part of the key)
remembered_covers = remembered_per_document(covers, 1 << 15)
remembered_sentence_key = lru_cache(maxsize=1 << 14)(sentence_key)
remembered_is_cjk = lru_cache(maxsize=1 << 14)(is_cjk)


# -- verifying a report ------------------------------------------------------------

#: rules that remove text as a repeat of something else
REMOVAL_RULES = ("dedup.duplicate_paragraph", "dedup.duplicate_sentence")
#: rules allowed to rewrite a sentence beyond recognition (mojibake decoded again)
REWRITING_RULES = ("unicode.",)
#: rules that change a sentence in place, each with its evidence
REPAIR_RULES = ("repair.", "unicode.")
#: rules that may only touch whitespace
WHITESPACE_RULES = ("layout.", "stitch.")
#: rules that insert into a first occurrence what a later copy adds: insertions only
INSERTING_RULES = ("dedup.complete_from_copy", "dedup.extend_from_copy")


class _Replay:
    """Output text produced by input ranges, from the report's edits."""

    def __init__(self, input_text: str, edits: Sequence[dict[str, Any]]) -> None:
        self.input = input_text
        self.edits = sorted(edits, key=lambda e: (e["span"][0], e["span"][1]))
        self.starts = [e["span"][0] for e in self.edits]

    def text(self, start: int, end: int, *, unit: int | None = None) -> str:
        """Output of input ``[start, end)``: edits inside it, and insertions inside it or at
        its borders that do not say they belong to a unit other than ``unit``."""
        out = []
        pos = start
        k = max(0, bisect.bisect_left(self.starts, start) - 1)
        while k < len(self.edits):
            e = self.edits[k]
            s, t = e["span"]
            if s > end:
                break
            k += 1
            if t > end or s < start:
                # an edit reaching past the region: its text counts as the region's
                # when it overlaps it (nothing, for a removal)
                if t > start and s < end:
                    out.append(self.input[pos : max(pos, s)])
                    out.append(e["after"])
                    pos = max(pos, min(t, end))
                continue
            if s == t and s in (start, end):
                # an insertion at a border belongs to this unit unless it says it belongs to
                # another (a paragraph's borders are never another paragraph's: a gap lies between)
                claims = _inserted_for(e)
                mine = unit is not None and (unit in claims or not claims)
                if not mine:
                    continue
            out.append(self.input[pos:s])
            out.append(e["after"])
            pos = t
        out.append(self.input[pos:end])
        return "".join(out)

    def touching(self, start: int, end: int) -> list[dict[str, Any]]:
        """Edits that rewrite at least one character of ``[start, end)``."""
        k = max(0, bisect.bisect_left(self.starts, start) - 1)
        out = []
        for e in self.edits[k:]:
            s, t = e["span"]
            if s >= end:
                break
            if t > start and s < end:
                out.append(e)
        return out


def _inserted_for(e: dict[str, Any]) -> set[int]:
    """Units an insertion says it belongs to (a repair that absorbed a completion keeps its claim)."""
    ev = e.get("evidence") or {}
    out = {ev["unit"]} if isinstance(ev.get("unit"), int) else set()
    for sub in e.get("subsumes", ()):
        out |= _inserted_for(sub)
    return out


def _rules(e: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for sub in e.get("subsumes", ()):
        out.extend(_rules(sub))
    out.append(e["rule"])
    return out


def _duplicate_targets(e: dict[str, Any]) -> set[int]:
    ev = e.get("evidence") or {}
    out = {ev["duplicate_of_unit"]} if isinstance(ev.get("duplicate_of_unit"), int) else set()
    out.update(u for u in ev.get("duplicate_of_units", ()) if isinstance(u, int))
    for s in ev.get("sentences", ()):
        if isinstance(s, dict):
            if isinstance(s.get("duplicate_of_unit"), int):
                out.add(s["duplicate_of_unit"])
            out.update(u for u in s.get("duplicate_of_units", ()) if isinstance(u, int))
    for sub in e.get("subsumes", ()):
        out |= _duplicate_targets(sub)
    return out


def _repairs_in(e: dict[str, Any]) -> list[dict[str, Any]]:
    """The repair edits an edit is or absorbed (innermost ones, in no particular order)."""
    if e["rule"].startswith(REPAIR_RULES) and not e.get("subsumes"):
        return [e]
    out: list[dict[str, Any]] = []
    for sub in e.get("subsumes", ()):
        out.extend(_repairs_in(sub))
    if e["rule"].startswith(REPAIR_RULES) and not out:
        out.append(e)
    return out


def _joins_in(e: dict[str, Any]) -> list[dict[str, Any]]:
    """The stitching edits an edit is or absorbed (a cut rejoined inside a word: ``RES`` / ``ULTS``)."""
    if e["rule"].startswith("stitch."):
        return [e]
    return [j for sub in e.get("subsumes", ()) for j in _joins_in(sub)]


def _repaired(input_text: str, start: int, end: int, touching: Sequence[dict[str, Any]]) -> str:
    """Input ``[start, end)`` with the repairs and joins inside it applied (those crossing its borders skipped).

    A join matters for a cut inside a word: the removal compared ``RESULTS``, not ``RES ULTS``.
    """
    found = [r for e in touching for r in (*_repairs_in(e), *_joins_in(e))]
    reps = sorted((r for r in found if start <= r["span"][0] and r["span"][1] <= end), key=lambda r: r["span"])
    out, pos = [], start
    for r in reps:
        a, b = r["span"]
        if a < pos:
            continue
        out.append(input_text[pos:a])
        out.append(r["after"])
        pos = b
    out.append(input_text[pos:end])
    return "".join(out)


def _short(s: str, n: int = 24) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _absorbed_cover(e: dict[str, Any]) -> bool:
    """Whether the edits ``e`` absorbed account for every input character it rewrites.

    An insertion next to an earlier repair absorbs it (edits never overlap), so
    its ``before`` is the repair's, not text the insertion itself replaced.
    """
    s, t = e["span"]
    pos = s
    for sub in sorted(e.get("subsumes", ()), key=lambda x: x["span"][0]):
        a, b = sub["span"]
        if a > pos:
            return False
        pos = max(pos, b)
    return pos >= t


def edit_shape_problems(edits: Iterable[dict[str, Any]]) -> list[str]:
    """Edits whose rule promises a shape they do not have."""
    problems = []
    for i, e in enumerate(edits):
        rule = e.get("rule", "")
        if rule in INSERTING_RULES and e.get("before") and not _absorbed_cover(e):
            problems.append(f"edit {i} at {e['span']}: a completion rewrites {_short(e['before'])!r} of the first copy (it may only insert)")
        if rule.startswith(WHITESPACE_RULES) and (e.get("before", "").strip() or e.get("after", "").strip()):
            problems.append(f"edit {i} at {e['span']}: {rule} rewrites text, not only whitespace ({_short(e.get('before', ''))!r} -> {_short(e.get('after', ''))!r})")
    return problems


def join_keys(keys: Sequence[str]) -> str:
    """Consecutive sentence keys as one text (words stay apart)."""
    return (" " if any(" " in k for k in keys) else "").join(keys)


def said_by(kept: Sequence[str], key: str, tolerance: Tolerance = CLUSTER) -> bool:
    """Whether the sentences ``kept`` (keys, in order) say ``key``: one of them, or two or three in a row,
    or several of them whole, end to end in another order (:func:`made_of`), or the beginning of one and the
    whole of another (:mod:`dedup.merged_copy`).

    Sentence by sentence, as the cleaner compares, so that an alignment over a
    whole paragraph cannot settle on the wrong one of two similar sentences.
    """
    if not kept:
        return False
    if key in join_keys(kept):
        return True
    n = len(kept)
    if any(covers(join_keys(kept[i : i + w]), key, tolerance) for w in (1, 2, 3) for i in range(max(1, n - w + 1))):
        return True
    if made_of(key, kept) is not None or (cut_then_whole(key, *among(kept)) if " " in key else cut_then_whole_cjk(key, kept)) is not None:
        return True
    # two sentences a copy swapped (one without a full stop of its own reads as one with the other)
    return any(covers(join_keys(kept[i : i + 2][::-1]), key, tolerance) for i in range(n - 1))


def made_of(key: str, pieces: Iterable[str]) -> list[str] | None:
    """The whole sentences of ``pieces`` (keys) that ``key`` is, end to end in any order; None if it is not.

    A copy with two sentences swapped, one of which has no final punctuation
    (``［详细］``, ``…保障．．．``), reads as one sentence that says the two
    kept ones in another order: ``详细世间本没有歧视…`` beside ``世间本没有歧视…``
    and ``详细``.  Only exact keys, at least two, every character of ``key``
    accounted for: a sentence that adds a word of its own is new content.
    CJK keys only (Latin keys keep the spaces between sentences' words).

    >>> made_of("详细世间本没有歧视", ["世间本没有歧视", "详细"])
    ['详细', '世间本没有歧视']
    >>> made_of("详细世间本没有歧视了", ["世间本没有歧视", "详细"]) is None
    True
    >>> made_of("详细三是世间本没有歧视", ["世间本没有歧视", "详细"])
    ['详细', '世间本没有歧视']
    """
    if " " in key or len(key) < 4:
        return None
    words = sorted({p for p in pieces if p and p != key and p in key}, key=len, reverse=True)
    if len(words) < 2:
        return None
    # reach[i]: the pieces that spell key[:i] (a shortest-first search over positions)
    reach: dict[int, list[str]] = {0: []}
    for i in range(len(key)):
        if i not in reach:
            continue
        # a list marker between two pieces (``详细三是在这些…``: a merged copy's next item) is
        # no word of its own: sentence keys drop it where it leads
        m = strip_marker(key[i:], LIST_MARKERS_ONLY) if i else 0
        if m and i + m not in reach:
            reach[i + m] = reach[i]
        for w in words:
            j = i + len(w)
            if j not in reach and key.startswith(w, i):
                reach[j] = reach[i] + [w]
    found = reach.get(len(key))
    return found if found is not None and len(found) >= 2 else None


def _said_once_joined(joined: str, kept: Sequence[str], outputs: Sequence[Sequence[str]], keys: KeyConfig = KeyConfig(), own: Sequence[str] = ()) -> bool:
    """A sentence of the input read across a cut inside a word, judged as the joined text reads.

    In the input ``… END OF THE MONT`` / ``H. AS PROF. LEE …`` is one sentence
    (``H.`` looks like an initial); joined, it is two, ``… MONTH.`` and ``AS PROF.
    LEE …``, each of which the kept text may say apart.  Each sentence of the
    joined text must be said by ``kept`` (or, with its speaker tag, by one of
    ``outputs``), or by ``own``, its own unit's output (``… MONTH.`` stays, ``AS PROF.
    LEE …`` went as a repeat): nothing is accepted that the output does not hold.

    >>> _said_once_joined("It rose by a month. As Lee noted, it fell.", ["it rose by a month", "the bridge was closed"], [])
    False
    >>> _said_once_joined("It rose by a month. As Lee noted, it fell.", ["it rose by a month", "as lee noted it fell"], [])
    True
    """
    pieces = [(joined[c:d], sentence_key(joined[c:d], keys)) for c, d in sentences(joined)]
    pieces = [(s, k) for s, k in pieces if k]
    return bool(pieces) and all(said_by(kept, k) or said_by(own, k) or _tag_and_rest_said(s, outputs, keys) for s, k in pieces)


def _tag_and_rest_said(sentence: str, outputs: Sequence[Sequence[str]], keys: KeyConfig = KeyConfig()) -> bool:
    """``Reporter: Y.`` removed in favour of ``Reporter: X. Y.``: a unit opens with the tag and says ``Y``,
    or one of the units named opens with the tag and another says ``Y`` (``Reporter: X.`` kept, ``Y``
    kept from a later copy that said it first).

    >>> _tag_and_rest_said("Reporter: The river rose again.", [["reporter the rain fell", "the river rose again"]])
    True
    >>> _tag_and_rest_said("Reporter: The river rose again.", [["the rain fell", "the river rose again"]])
    False
    >>> _tag_and_rest_said("Reporter: The river rose again.", [["reporter the rain fell"], ["the river rose again"]])
    True
    """
    n = speaker_tag_end(sentence)
    if not n:
        return False
    tag, rest = matching_key(sentence[:n], keys, marker=False), sentence_key(sentence[n:], keys)
    sep = "" if is_cjk(tag) else " "
    tagged = [out for out in outputs if out and out[0].startswith(tag + sep)]
    return any(said_by(out, rest) for out in tagged) or (bool(tagged) and any(said_by(out, rest) for out in outputs))


def content_problems(input_text: str, report: dict[str, Any], keys: KeyConfig = KeyConfig()) -> list[str]:
    """Sentences of the input neither in the output nor accounted for (see the module docstring)."""
    units = report.get("units", [])
    edits = report.get("edits", [])
    problems = edit_shape_problems(edits)
    replay = _Replay(input_text, edits)
    out_cache: dict[int, list[str]] = {}

    def unit_output(u: int) -> list[str]:
        """Keys of the sentences unit ``u`` has in the output."""
        if u not in out_cache:
            if not (isinstance(u, int) and 0 <= u < len(units)):
                out_cache[u] = []
            else:
                s, t = units[u]["span"]
                text = replay.text(s, t, unit=u)
                out_cache[u] = [k for k in (sentence_key(text[a:b], keys) for a, b in sentences(text)) if k]
        return out_cache[u]

    for u in units:
        if u.get("kind") == "heading":
            continue
        s0, t0 = u["span"]
        text = input_text[s0:t0]
        for a, b in sentences(text):
            key = sentence_key(text[a:b], keys)
            if not key:
                continue
            if said_by(unit_output(u["id"]), key):
                continue
            touching = replay.touching(s0 + a, s0 + b)
            if not touching and text[a:b].strip():
                continue  # no edit touches it: it is in the output as it is, read there with what follows (``3.`` ⏎ ``3. ALGORITHM.``)
            # a cut rejoined inside a word (``appe`` / ``ndix``) is in the output as the joined word
            if any(_joins_in(e) for e in touching) and said_by(unit_output(u["id"]), sentence_key(_repaired(input_text, s0 + a, s0 + b, touching), keys)):
                continue
            rules = [r for e in touching for r in _rules(e)]
            removals = [e for e in touching if any(r in REMOVAL_RULES for r in _rules(e))]
            if any(r.startswith(REWRITING_RULES) for r in rules):
                continue  # changed by a named repair that rewrites whole spans
            where = f"sentence {_short(text[a:b])!r} of unit {u['id']} at [{s0 + a}, {s0 + b})"
            if not removals:
                if not any(r.startswith(REPAIR_RULES) for r in rules):
                    problems.append(f"{where} is not in the output and no edit accounts for it")
                continue  # changed by named repairs (their shape is checked above)
            targets = sorted({t for e in removals for t in _duplicate_targets(e)})
            # the sentence as the removal saw it: repairs made before it (absorbed by it) applied
            repaired = sentence_key(_repaired(input_text, s0 + a, s0 + b, touching), keys)
            kept = [k for t in targets for k in unit_output(t)]  # a fragment may span two kept units
            outputs = [unit_output(t) for t in targets]
            if not (said_by(kept, key) or said_by(kept, repaired) or _tag_and_rest_said(text[a:b], outputs, keys)):
                if any(_joins_in(e) for e in touching) and _said_once_joined(_repaired(input_text, s0 + a, s0 + b, touching), kept, outputs, keys, own=unit_output(u["id"])):
                    continue
                problems.append(f"{where} is removed as a repeat of unit(s) {targets}, whose text in the output does not contain it")
    return problems
