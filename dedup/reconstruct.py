"""One canonical paragraph per cluster, in reading order; nothing lost, nothing twice.

For each cluster the keep policy picks the canonical copy.  When the first
occurrence is cut short, the missing end of its last sentence (and the
sentences after it that other copies say too) is *appended* to it from the
canonical copy (``dedup.complete_from_copy``): an insertion only, so the first
occurrence's own reading is never rewritten.  Then every paragraph is read
sentence by sentence, in order:

* a sentence that text kept earlier *covers* (:func:`dedup.invariant.covers`:
  no word, number or three characters it lacks) is removed, naming the
  paragraph(s) whose text covers it.  Within a cluster the match tolerates
  typos (:data:`dedup.invariant.CLUSTER`); anywhere else in the document only
  a near-exact repeat goes (:data:`dedup.invariant.GLOBAL`), found through a
  3-gram index of the kept sentences (:class:`KeptText`) with their
  neighbours, so halves of a copy cut at any point beside the whole are found;
* a sentence that says everything a kept one says and more
  (``X，确保农民增收。`` after ``X。``) completes the kept one by insertions
  (``dedup.extend_from_copy``) and goes as its duplicate;
* any other sentence is new content and stays where it is.

Removals only ever point at text that was kept (and stays: later stages
never rewrite kept text, and :func:`layout` never rewrites text inserted at
a paragraph's border), which :func:`dedup.check` verifies on every report.
A paragraph all of whose sentences go is removed as one edit; from a
paragraph that otherwise stays, only sentences long enough to be more than a
common phrase are taken.  So a wrong cluster can cost a duplicate, never a
sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .cluster import ClusterResult
from .completion import Deferred, OutsideCluster, aligned_end, as_units_say, best_completion, byline_end, complete_cut_from, member_openings, merged_at_end, opening_tag, other_firsts, tagged_copy
from .draft import Draft
from .fingerprint.keys import LIST_MARKERS_ONLY, KeyConfig, matching_key, strip_marker
from .invariant import GLOBAL, join_keys, speaker_tag_end
from .invariant import remembered_is_cjk as is_cjk  # (remembered: pure functions asked again and again)
from .invariant import remembered_sentence_key as sentence_key
from .keep import KEEP_POLICIES, Copy, KeepName, KeepPolicy, earliest, keep_policy, keep_policy_name, most_complete  # noqa: F401  (dedup.reconstruct.* are documented paths)
from .kept_rules import KeptTextRules, SeenKeys, bracketed, cut_end, goes_on, says
from .kept_text import AllBut, KeptText, covers
from .model import Span, Unit
from .paragraph_shapes import introduces_a_list, longer_title, marks_left, merged_inside
from .repair import RepairConfig, consensus
from .segment import ends_sentence, sentences
from .sentence_pool import SentencePool, extract_best, prefix_order


@dataclass(frozen=True)
class SentenceConfig:
    """How later copies are compared sentence by sentence."""

    #: a later sentence of the same cluster this similar (normalised Indel) to one already kept
    #: is a duplicate (0.75 keeps OCR-damaged copies out; benchmarks/tune_defaults.py)
    threshold: float = 0.75
    #: sentences with keys at least this long are removed when repeated anywhere in the document
    min_global_chars: int = 8
    #: an unfinished last sentence of a copy is a truncation when this similar to the start of a kept one
    truncation_threshold: float = 0.9


#: a paragraph all of whose sentences kept text covers is removed when it has this many key characters
MIN_CONTAINED_UNIT = 4

#: ... and a sentence of another script, this many words, to be removed alone from a paragraph that stays
MIN_CONTAINED_WORDS = 8

#: a kept sentence is extended from a later one only when it is at least this share of it
EXTENSION_SHARE = 0.5
#: ... or this share, when the later one is in a copy of the kept one's paragraph (same cluster)
EXTENSION_SHARE_CLUSTER = 0.3

#: verdicts found anywhere in the document, not among copies of one cluster
_GLOBAL_VERDICTS = frozenset({"repeated sentence", "contained in kept text"})



class Reconstructor(KeptTextRules):
    """Applies the keep policy and the sentence-level merge to a draft."""

    def __init__(
        self,
        draft: Draft,
        units: Sequence[Unit],
        clusters: ClusterResult,
        *,
        keep: KeepPolicy = most_complete,
        sentence: SentenceConfig = SentenceConfig(),
        keys: KeyConfig = KeyConfig(),
        repair: RepairConfig = RepairConfig(),
    ) -> None:
        self.draft = draft
        self.units = units
        self.clusters = clusters
        self.keep = keep
        self.cfg = sentence
        self.keys = keys
        self.repair = repair
        #: unit -> canonical unit of its cluster
        self.canonical: dict[int, int] = {}
        #: the unit whose cut-short end the last extension completed (see :meth:`_continue_into`)
        self._open_end: int | None = None
        #: (kept unit, the copy's unfinished last sentence, the copy's unit): a cut copy of a cut-short
        #: paragraph, whose tail may open the next unit (see :meth:`_complete_across`)
        self._cut_copy: tuple[int, str, int] | None = None

    def run(self) -> None:
        texts = [self.draft.current(u.span.start, u.span.end) for u in self.units]
        all_keys = [matching_key(text, self.keys) for text in texts]  # once: a cluster's completion may ask about every unit
        unit_keys: dict[int, str] = dict(enumerate(all_keys))  # (``texts`` do not change: each key is made once, here)
        firsts: set[int] = set()  # members that are no copies of their cluster's first: their own first occurrences
        for c in self.clusters.clusters:
            copies = [Copy(m, texts[m], all_keys[m]) for m in c.members]
            chosen = copies[self.keep(copies)].unit
            first = c.members[0]
            support = [all_keys[m] for m in c.members if m not in (first, chosen)]
            others = AllBut(all_keys, (first, chosen))
            outside = OutsideCluster(texts, c.members, self.keys, unit_keys)
            openings = Deferred(partial(member_openings, c.members, chosen, first, texts, all_keys, self.keys))  # (made only if a completion reads it)

            complete = partial(self._completion, support=support, outside=outside, openings=openings, others=others)

            source, missing = best_completion(complete, first, chosen, c.members, texts)
            if missing is not None:
                self._complete_first(first, source, c.id, missing)
            for m in other_firsts(c.members, texts, self.keys):
                source, missing = best_completion(complete, m, chosen, c.members, texts)
                if missing is not None:
                    self._complete_first(m, source, c.id, missing)
            # the text now at the first occurrence is corrected by the majority of the copies
            firsts.update(consensus(self.draft, self.units, c.members, first, c.id, self.repair))  # later items of first's list
            self.canonical.update(dict.fromkeys(c.members, chosen))
        seen_global: dict[str, int] = SeenKeys()  # (a dict that knows its keys' last words: kept_rules)
        self.kept = KeptText()
        seen_cluster: dict[int, list[tuple[str, int]]] = {}
        pools: dict[int, SentencePool] = {}  # the keys of seen_cluster's lists, kept across a cluster's copies
        for u in self.units:
            if u.kind == "heading":
                continue
            cid = self.clusters.labels[u.index]
            is_first = cid < 0 or self.clusters.clusters[cid].members[0] == u.index or u.index in firsts
            self._merge_sentences(u, cid, is_first, seen_global, seen_cluster.setdefault(cid, []) if cid >= 0 else [], pools.setdefault(cid, SentencePool()) if cid >= 0 else None)

    # -- the canonical copy at the first occurrence ----------------------
    def _completion(
        self,
        full: str,
        part: str,
        support: Sequence[str] = (),
        outside: Callable[[str], bool] | None = None,
        openings: Sequence[str] = (),
        others: Collection[str] = (),
    ) -> tuple[int, int] | None:
        """What of ``full`` completes ``part``: ``(start, end)`` in ``full`` of the missing end
        of ``part``'s unfinished last sentence and of the paragraph after it, or None.

        ``part`` must be cut short (its last sentence has no final punctuation)
        and every earlier sentence of it must be said by ``full``.  ``start`` is
        where ``part``'s fragment stops in ``full``'s reading of that sentence.
        ``end`` is the end of that sentence, or of the sentences after it that
        are the paragraph's own: a copy cut short lacks the rest of its
        paragraph.  In CJK text a sentence is the paragraph's own unless a
        paragraph of ``others`` (the keys of every unit but the cluster's first
        and chosen copies) says it without saying the cut fragment: that is
        another paragraph, merged into ``full``, and stays at its own place;
        with no ``others`` given, only what other copies of the paragraph
        (``support``) say too is taken.  In other text a sentence is taken
        when other copies of the paragraph (``support``: their keys) say it
        too, or no paragraph outside the cluster says it (``outside``: whether
        one does).  In both, a sentence whose opening opens another member
        (``openings``: their keys) that ``part`` does not say is not taken.
        """
        spans = sentences(part)
        if not spans or ends_sentence(part[spans[-1][0] : spans[-1][1]]) or bracketed(part[spans[-1][0] : spans[-1][1]]):
            return None  # finished, or ends with a link (``…。［详细］``): not cut short
        full_spans = sentences(full)
        full_keys = [sentence_key(full[a:b], self.keys) for a, b in full_spans]
        said_up_to = -1  # the sentence of ``full`` that ``part``'s last whole sentence matches
        for a, b in spans[:-1]:
            k = sentence_key(part[a:b], self.keys)
            if not k:
                continue
            m = self._match(k, full_keys)
            if m is None:
                return None
            said_up_to = m[0]
        last = sentence_key(part[spans[-1][0] : spans[-1][1]], self.keys)
        if not last:
            return None
        hit = self._prefix_of(last, full_keys, after=said_up_to)
        # the whole copy's reading must be finished, unless, in English, it is its last sentence (a
        # paragraph that ends without a full stop in every copy: ``… exposed by an ancestor``), or
        # links end it (``…［详细］［卫士奖官`` cut inside ``［卫士奖官方网站］［…微博］``)
        read = full[full_spans[hit][0] : full_spans[hit][1]] if hit is not None else ""
        if hit is None or not (ends_sentence(read) or (hit == len(full_spans) - 1 and (not is_cjk(last) or introduces_a_list(full) or bracketed(read)))):
            return None
        fragment = part[spans[-1][0] : spans[-1][1]].rstrip()
        if len(spans) == 1:
            fragment = fragment[strip_marker(fragment, LIST_MARKERS_ONLY) :]
        a, b = full_spans[hit]
        if hit == 0:
            a += strip_marker(full[a:b], LIST_MARKERS_ONLY)
        start = a + aligned_end(fragment, full[a:b])
        end = a + len(full[a:b].rstrip())
        rest = sentence_key(full[start:end], self.keys)
        # what a unit's key (tag and marker stripped, as ``others`` are) says of the fragment: an opening
        # sentence keeps its speaker tag in its sentence key (``Ｑ：为什么…``), which no unit's key has
        last = as_units_say(part, spans, last, self.keys)
        # (a phrase is said in many places: only a long rest, near-exactly, is another paragraph's)
        if is_cjk(last) and others and len(rest) >= 2 * self.cfg.min_global_chars and any(says(o, rest, GLOBAL) and not says(o, last) for o in others):
            return None  # the rest is another paragraph's (``标题`` / ``标题⏎正文…``): ``part`` is whole
        part_key = matching_key(part, self.keys, marker=False)
        foreign = [o for o in openings if not covers(part_key, o)]
        for (c, d), k in zip(full_spans[hit + 1 :], full_keys[hit + 1 :]):
            if not k:
                continue
            if is_cjk(k):
                done = ends_sentence(full[c:d]) or bracketed(full[c:d]) or cut_end(full, d)  # (or the copy's own cut)
                if not (done or (byline_end(full, c, d) and (any(covers(o, k) for o in support) or any(ch.isspace() for ch in full[c:d].strip())))):
                    break
                if others:  # a short one (``［详细］``) is said everywhere: only a sentence says whose it is
                    if len(k) >= self.cfg.min_global_chars and any(says(o, k) and not says(o, last) for o in others):
                        break
                elif not any(covers(o, k) for o in support):
                    break
            else:
                finished = ends_sentence(full[c:d]) or d >= len(full.rstrip())  # an English paragraph may end without a stop
                if not finished or not (any(covers(o, k) for o in support) or (outside is not None and not outside(k))):
                    break
            if any(fuzz.ratio(k, o) >= 90 for o in foreign):
                break  # another paragraph of the cluster opens here (a copy merged two): it is not this one's end
            end = c + len(full[c:d].rstrip())
        if start >= end:
            return None
        # ``X。［详细］`` ends "unfinished", and ``［详细］X。`` begins with it: what would be
        # appended is a sentence ``part`` already says before its fragment, and would be said twice
        said = join_keys([sentence_key(part[a:b], self.keys) for a, b in spans[:-1]])
        tail = sentence_key(full[start:end], self.keys)
        # (a near-exact repeat of a sentence's worth: ``the two vectors;`` is a phrase, said anywhere; nor ``参加过那些公益活动`` ``参加过公公益活动``)
        if self._says_enough(tail) and said and covers(said, tail, GLOBAL):
            return None
        if any(fuzz.ratio(tail, sentence_key(part[c:d], self.keys)) >= 90 for c, d in spans[:-1]):
            return None  # not ``X. Y`` cut short: ``Y X.`` is a copy that swapped them, and ``X`` is said already
        return None if merged_at_end(full[start:end], fragment, is_cjk(last)) else (start, end)

    def _prefix_of(self, key: str, pool: Sequence[str], after: int = -1) -> int | None:
        """Index of the pool sentence that ``key`` is the (fuzzy) beginning of.

        Several may begin alike (``司马伦意图…``, ``司马伦不知…``): the one right
        after ``after`` (the sentence the copy said last) is the one cut, then
        the best, the earliest of equals.  None when the sentence right after
        ``after`` is ``key`` itself: that copy is cut at the same point and
        completes nothing (its earlier sentences begin alike only by chance).
        """
        if 0 <= after + 1 < len(pool) and pool[after + 1] == key:
            return None
        best, best_score = None, self.cfg.truncation_threshold
        for i, p in enumerate(pool):
            if len(p) > len(key):
                score = 1.0 if p.startswith(key) else fuzz.ratio(key, p[: len(key)]) / 100.0
                if i == after + 1 and score >= self.cfg.truncation_threshold:
                    return i
                if score > best_score or (best is None and score >= best_score):
                    best, best_score = i, score
        return best

    def _complete_first(self, first: int, chosen: int, cid: int, missing: tuple[int, int]) -> None:
        """Append the missing end of the first occurrence's last sentence, read from ``chosen``.

        Only an insertion: what the first occurrence has is never rewritten
        (its reading may be the right one; the copy's typos stay with the copy).
        """
        u, v = self.units[first], self.units[chosen]
        cur_first = self.draft.current(u.span.start, u.span.end)
        tail = self.draft.current(v.span.start, v.span.end)[missing[0] : missing[1]]
        at = len(cur_first.rstrip())
        self.draft.replace_current(
            u.span,
            at,
            at,
            tail,
            rule="dedup.complete_from_copy",
            reason=f"this first occurrence is cut short; the copy at [{v.span.start}, {v.span.end}) of cluster {cid} completes its last sentence",
            evidence={"cluster": cid, "unit": first, "canonical_unit": chosen, "canonical_span": v.span.as_list()},
            confidence=0.9,
        )

    def _complete_across(self, target: int, copy_sentence: str, key: str, sentence: str, unit: int) -> dict | None:
        """Complete the cut-short paragraph ``target`` from a cut copy's last sentence and this one, which opens the next unit.

        ``…创意项目，经评`` kept (a first copy cut short), a copy cut across a
        blank line at another point (``…创意项目，经`` / ``评估，可优先资助实施。``):
        the copy's sentence read on into this one is the whole sentence, so
        what it says beyond the kept end is appended to ``target`` (an
        insertion) and this sentence goes, as :meth:`_continue_into` does for a
        copy that goes on within one unit.  Only when the sentence read across
        begins with the kept fragment (typos allowed) and ends a sentence, and
        this one opens as the rest of a sentence does (not with a quote or a
        bracket, as a new paragraph may: ``“关注贫困家庭孩子…``).
        """
        if not ends_sentence(sentence) or not is_cjk(key) or not goes_on(sentence):
            return None
        region = self.units[target].span
        cur = self.draft.current(region.start, region.end).rstrip()
        fragment = cur[sentences(cur)[-1][0] :]
        whole = copy_sentence + sentence.strip()
        end = aligned_end(fragment, whole)
        if fuzz.ratio(fragment, whole[:end]) < 100 * self.cfg.truncation_threshold:
            return None  # the copy does not read on from the kept fragment
        return self._continue_into(target, key, whole[end:], unit)

    # -- sentence-level merge of later copies ----------------------------
    def _match(self, key: str, pool: Sequence[str]) -> tuple[int, float] | None:
        if not pool:
            return None
        try:
            i = pool.index(key)
            return i, 1.0
        except ValueError:
            pass
        hit = extract_best(key, pool, self.cfg.threshold * 100)  # (extractOne's answer; a large pool is filtered first)
        if hit is None:
            return None
        # a sentence that says more than the one it resembles (a word, a number it lacks)
        # is new content: removing it would lose its extra words
        if not covers(pool[hit[2]], key):
            return None
        return hit[2], hit[1] / 100.0

    def _truncation(self, key: str, pool: Sequence[str]) -> tuple[int, float] | None:
        if len(key) < 2:
            for i, p in enumerate(pool):
                if p.startswith(key) or p.endswith(key):
                    return i, 1.0
            return None
        best = None
        for i in prefix_order(key, pool, self.cfg.truncation_threshold * 100):  # (all that can match, in order)
            p = pool[i]
            if key in p:
                return i, 1.0
            if len(p) >= len(key):
                s = fuzz.ratio(key, p[: len(key)]) / 100.0
                if s >= self.cfg.truncation_threshold and (best is None or s > best[1]) and covers(p, key):
                    best = (i, s)
        return best

    def _extend_kept(self, key: str, sentence: str, unit: int, seen_cluster: list[tuple[str, int]], pool: list[str], seen_global: dict[str, int]) -> dict | None:
        """Complete a kept sentence of the cluster from a later copy that says more (see :meth:`_extend_into`)."""
        for j in sorted((j for j, p in enumerate(pool) if self._extendable(p, key, EXTENSION_SHARE_CLUSTER, in_cluster=True)), key=lambda j: (-len(pool[j]), j)):
            kept_key, kept_unit = seen_cluster[j]
            new_key = self._extend_into(kept_key, kept_unit, key, sentence, unit)
            if new_key is None:
                continue
            self._record_extension(j, kept_key, kept_unit, new_key, seen_cluster, pool, seen_global)
            return {"why": "said by the kept sentence it extended", "duplicate_of_unit": kept_unit, "score": round(fuzz.ratio(key, kept_key) / 100.0, 4)}
        return None

    def _extendable(self, kept_key: str, key: str, share: float = EXTENSION_SHARE, *, in_cluster: bool = False) -> bool:
        """Whether ``key`` may extend ``kept_key``: it says all of it, and the kept one is ``share`` of it or more.

        A copy of the same paragraph may add more (``…改为高平郡，让他们吃饱喝足…。``
        after ``…改为高平郡。``) than a sentence of an unrelated one that merely contains a kept one;
        there a kept sentence the copy's one begins with is extended whatever its share, and even
        when short (``西晋官员。`` → ``西晋官员，阿列省和涅夫勒省接壤。``).
        """
        if in_cluster and is_cjk(kept_key) and key.startswith(kept_key):
            return len(kept_key) >= MIN_CONTAINED_UNIT
        return len(kept_key) >= max(self.cfg.min_global_chars, share * len(key)) and covers(key, kept_key)

    def _extend_anywhere(self, key: str, sentence: str, unit: int, seen_global: dict[str, int]) -> dict | None:
        """Complete a kept sentence anywhere earlier from this one, when this one says it all and more."""
        for i in self.kept.contained_in(key):
            kept_key, kept_unit = self.kept.keys[i], self.kept.units[i]
            if not self._extendable(kept_key, key):
                continue
            new_key = self._extend_into(kept_key, kept_unit, key, sentence, unit)
            if new_key is not None:
                seen_global.setdefault(new_key, kept_unit)
                self.kept.extend(kept_key, kept_unit, new_key)
                return {"why": "said by the kept sentence it extended", "duplicate_of_unit": kept_unit, "score": round(fuzz.ratio(key, kept_key) / 100.0, 4)}
        return None

    def _extend_into(self, kept_key: str, kept_unit: int, key: str, sentence: str, unit: int) -> str | None:
        """Insert into the kept sentence the words ``sentence`` (a later one) adds; its new key, or None.

        ``X。`` kept, ``X，确保农民增收。`` later: the words the later sentence
        adds are inserted into the kept one where they belong (only insertions,
        of runs of three characters or more: what the kept sentence says, its
        reading included, stays), so the paragraph reads whole at its first
        place and the later sentence can go as its duplicate.  Nothing is done
        unless the later sentence covers the kept one and the result covers the
        later one, and words the kept paragraph already says elsewhere (a
        sentence moved, not added) are not inserted.
        """
        if kept_unit == unit or covers(kept_key, key) or not covers(key, kept_key):
            return None
        where = self._locate(kept_unit, kept_key)
        if where is None:
            return None
        region = self.units[kept_unit].span
        cur = self.draft.current(region.start, region.end)
        whole = matching_key(cur, self.keys, marker=False)
        a, b = where
        kept = cur[a:b].rstrip()
        inserts = [
            (op.src_start, sentence[op.dest_start : op.dest_end])
            for op in Indel.opcodes(kept, sentence.rstrip())
            if op.tag == "insert" and op.dest_end - op.dest_start > 2 and op.src_start > _opening_marker(kept)
        ]
        if merged_inside(inserts, kept):
            return None
        # (nor, at a cut end, the next paragraph's list number or tag a copy merged in: ``… from 3. INHERITANCE``, ``…）⏎四是…``)
        inserts = [(at, w) for at, w in inserts if matching_key(w, self.keys, marker=False) not in whole and not self._kept_elsewhere(w) and not (at >= len(kept) and merged_at_end(w, kept))]
        if not inserts or longer_title(kept, cur, sentence, inserts):
            return None
        extended = kept
        for at, words in reversed(inserts):
            extended = extended[:at] + words + extended[at:]
        new_key = sentence_key(extended, self.keys)
        if not covers(new_key, key):
            return None
        tu = self.units[unit]
        # the kept sentence was its paragraph's cut-short end: what the copy says after it may follow
        self._open_end = kept_unit if not ends_sentence(kept) and not cur[b:].strip() and is_cjk(kept_key) else None
        for at, words in reversed(inserts):
            self.draft.replace_current(
                region,
                a + at,
                a + at,
                words,
                rule="dedup.extend_from_copy",
                reason=f"a later copy at [{tu.span.start}, {tu.span.end}) says more in this sentence; its extra words are inserted here and the copy goes",
                evidence={"unit": kept_unit, "copy_unit": unit, "copy_span": tu.span.as_list()},
                confidence=0.9,
            )
        return new_key

    def _locate(self, unit: int, key: str) -> tuple[int, int] | None:
        """Current range of the sentence of ``unit`` whose key is ``key``."""
        u = self.units[unit]
        text = self.draft.current(u.span.start, u.span.end)
        for a, b in sentences(text):
            if sentence_key(text[a:b], self.keys) == key:
                return a, b
        return None

    def _covered_elsewhere(self, key: str, i: int, n: int, sentence: str, unit: int = -1) -> dict | None:
        """A verdict when text kept anywhere earlier covers this sentence (or fragment of a cut copy).

        Stricter than a match inside a cluster (:data:`dedup.invariant.GLOBAL`): the
        sentence comes from a paragraph not judged a copy, so only a near-exact repeat goes.
        Not a near repeat of a sentence of its own paragraph (``unit``), in Chinese: a page says
        ``计划是将一半的家产都捐给北大…。我的计划是一半的家产…。`` on purpose (a word for word repeat went already).
        """
        units = self.kept.covering(key, GLOBAL) or self._covered_without_spaces(key)
        if units is None or (units == [unit] and is_cjk(key)) or self._in_another_case(sentence, units):
            return None
        return {"why": "contained in kept text", "duplicate_of_unit": units[0], "duplicate_of_units": units, "score": 1.0, "chars": len(key)}

    def _tagged_sentence_kept(self, sentence: str) -> dict | None:
        """A verdict for ``Reporter: Y.`` opening a paragraph when ``Y.`` is a sentence kept in a paragraph that
        opens with the same tag (``Reporter: X. Y. Z.``): a copy that dropped ``X``, too short for a cluster.

        Only when the tagged paragraph itself covers ``Y`` (near-exactly, as any repeat), English only:
        the tag and the sentence are both in the output there (the invariant checks that).
        """
        n = speaker_tag_end(sentence)
        if not n or is_cjk(sentence):
            return None
        rest = sentence_key(sentence[n:], self.keys)
        units = self.kept.covering(rest, GLOBAL) if rest else None
        tag = matching_key(sentence[:n], self.keys, marker=False)
        if units is None or len(units) != 1 or opening_tag(units[0], self.draft, self.units, self.keys) != tag:
            return None
        return {"why": "near-duplicate sentence", "duplicate_of_unit": units[0], "score": 1.0, "speaker": tag}

    def _says_enough(self, key: str) -> bool:
        """Long enough to be removed on its own from a paragraph that otherwise stays.

        A short phrase (a fragment left by a mis-split abbreviation, ``In the U.S.``)
        said elsewhere is not a repeated sentence; taking it out of its paragraph
        would break the sentence it belongs to.
        """
        if is_cjk(key):
            return len(key) >= self.cfg.min_global_chars
        return key.count(" ") + 1 >= MIN_CONTAINED_WORDS

    def _merge_sentences(self, u: Unit, cid: int, is_first: bool, seen_global: dict[str, int], seen_cluster: list[tuple[str, int]], pool: SentencePool | None = None) -> None:
        """Read ``u`` sentence by sentence (see the module).  ``pool``: the keys of ``seen_cluster``, in step
        with it (kept by the caller across the cluster's copies instead of rebuilt for each)."""
        text = self.draft.current(u.span.start, u.span.end)
        spans = sentences(text)
        if pool is None:
            pool = SentencePool(k for k, _ in seen_cluster)
        drops: list[tuple[int, int, dict]] = []
        continuing: int | None = None  # a cut-short paragraph this copy's next sentences complete
        opened = False  # a sentence with a key was read: the next one does not open the paragraph
        previous: dict | None = None  # the verdict on the sentence before (None: it stays)
        cut_copy, self._cut_copy = self._cut_copy, None  # the unit before was a cut copy whose tail may open this one
        if cut_copy is not None and cut_copy[2] != u.index - 1:
            cut_copy = None
        last: tuple[str, dict | None] | None = None  # the last sentence with a key, and its verdict
        for i, (a, b) in enumerate(spans):
            k = sentence_key(text[a:b], self.keys)
            if not k:
                continue
            self._open_end = None
            verdict = None
            # a copy repeating a sentence of its own cluster goes as a copy, however short (not as a
            # "repeated sentence", which a paragraph that stays keeps when it is short)
            if len(k) >= self.cfg.min_global_chars and k in seen_global and (is_first or k not in pool) and not self._in_another_case(text[a:b], [seen_global[k]]):
                verdict = {"why": "repeated sentence", "duplicate_of_unit": seen_global[k], "score": 1.0}
            elif not is_first:
                hit = self._match(k, pool)
                if hit is None and i == len(spans) - 1 and not ends_sentence(text[a:b]):
                    hit = self._truncation(k, pool)
                    verdict = self._cut_end_verdict(hit, k, text[a:b], u.index, seen_cluster, pool, seen_global)
                elif hit is not None:
                    verdict = {"why": "near-duplicate sentence", "duplicate_of_unit": seen_cluster[hit[0]][1], "score": round(hit[1], 4)}
                else:
                    verdict = self._extend_kept(k, text[a:b], u.index, seen_cluster, pool, seen_global)
            if verdict is None:
                verdict = self._covered_elsewhere(k, i, len(spans), text[a:b], unit=u.index)
            if verdict is None:
                verdict = self._extend_anywhere(k, text[a:b], u.index, seen_global)
            if verdict is None and not is_first and not opened:
                verdict = tagged_copy(text[a:b], pool, seen_cluster, self._match, self.draft, self.units, self.keys)
            if verdict is None and not opened:
                verdict = self._tagged_sentence_kept(text[a:b])
            if verdict is None and previous is not None:
                verdict = complete_cut_from(self.draft, self.units, self.keys, previous["duplicate_of_unit"], text[a:b], u.index, self.kept.units)
                if verdict is not None:
                    self.kept.extend(verdict.pop("cut"), verdict["duplicate_of_unit"], k)
            opening, opened = not opened, True
            previous = verdict
            if verdict is None:
                verdict = self._kept_in_another_order(k, pool, seen_global) or self._cut_copy_then_next(k, seen_global, text[a:b])
            if verdict is None and opening and cut_copy is not None:
                verdict = self._complete_across(cut_copy[0], cut_copy[1], k, text[a:b], u.index)
                if verdict is not None:
                    continuing = cut_copy[0]
                    seen_global.setdefault(k, continuing)
                    self.kept.add(k, continuing)
                    drops.append((a, b, verdict))
                    last = (text[a:b], verdict)
                    continue
            if verdict is None and continuing is not None:
                verdict = self._continue_into(continuing, k, text[a:b], u.index)
                if verdict is not None:
                    seen_global.setdefault(k, continuing)
                    seen_cluster.append((k, continuing))
                    pool.append(k)
                    self.kept.add(k, continuing)
                    drops.append((a, b, verdict))
                    last = (text[a:b], verdict)
                    continue
            continuing = self._open_end if verdict is not None and verdict.get("why") == "said by the kept sentence it extended" else None
            last = (text[a:b], verdict)
            if verdict is None:
                seen_global.setdefault(k, u.index)
                seen_cluster.append((k, u.index))
                pool.append(k)
                self.kept.add(k, u.index)
            else:
                drops.append((a, b, verdict))
        if last is not None and last[1] is not None:
            self._cut_copy = self._cut_copy_of(last[1]["duplicate_of_unit"], last[0], u.index, last[1].get("why") == "said by the kept sentence it extended")
        if drops and len(drops) < len([1 for a, b in spans if sentence_key(text[a:b], self.keys)]):
            # a partly repeated paragraph: only sentences long enough to be more than a
            # common phrase go; short ones stay with the new content around them
            drops = [d for d in drops if (d[2]["why"] not in _GLOBAL_VERDICTS and not self._short_link(text[d[0] : d[1]])) or self._says_enough(sentence_key(text[d[0] : d[1]], self.keys))]
        elif drops and all(d[2]["why"] == "contained in kept text" for d in drops) and (sum(d[2]["chars"] for d in drops) < MIN_CONTAINED_UNIT or self._tail_of_cut(u.index, text, drops)):
            drops = []  # "谢谢。" said twice is not a repeated paragraph
        if not drops:
            return
        # whole-unit removal: one edit over the unit
        rest = [text[a:b] for a, b in _complement([(a, b) for a, b, _ in drops], len(text))]
        if (sum(b - a for a, b, _ in drops) >= len(text.strip()) and all(not r.strip() for r in rest)) or marks_left(rest, self.keys):
            target = drops[0][2]["duplicate_of_unit"]
            tu = self.units[target]
            self.draft.replace(
                u.span.start,
                u.span.end,
                "",
                rule="dedup.duplicate_paragraph",
                reason=f"every sentence repeats the paragraph at [{tu.span.start}, {tu.span.end})" + (f" (cluster {cid})" if cid >= 0 else ""),
                evidence={"cluster": cid, "duplicate_of_unit": target, "duplicate_of_span": tu.span.as_list(), "sentences": [d for _, _, d in drops]},
                confidence=min(d["score"] for _, _, d in drops),
            )
            return
        # otherwise one edit per run of removed sentences, right to left
        runs: list[list] = []
        for a, b, d in drops:
            if runs and runs[-1][1] == a:
                runs[-1][1] = b
                runs[-1][2].append(d)
            else:
                runs.append([a, b, [d]])
        for a, b, ds in reversed(runs):
            target = ds[0]["duplicate_of_unit"]
            tu = self.units[target]
            self.draft.replace_current(
                u.span,
                a,
                b,
                "",
                rule="dedup.duplicate_sentence",
                reason=f"already said in the paragraph at [{tu.span.start}, {tu.span.end}); the rest of this copy is new content and stays",
                evidence={"cluster": cid, "duplicate_of_unit": target, "duplicate_of_span": tu.span.as_list(), "sentences": ds},
                confidence=min(d["score"] for d in ds),
            )


def _opening_marker(sentence: str) -> int:
    """Length of the list marker ``sentence`` opens with (``三是``), in CJK text; 0 if none.

    Words a later copy puts before a kept sentence (``作品名称：`` before the
    title ``安全驾驶…``) make another sentence, not a longer one: an extension
    never inserts at the start, and right after the marker is the start too.
    """
    return strip_marker(sentence, LIST_MARKERS_ONLY) if is_cjk(sentence) else 0


def _complement(ranges: Sequence[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    for a, b in sorted(ranges):
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < n:
        out.append((pos, n))
    return out


def layout(draft: Draft, document: str, units: Sequence[Unit], *, paragraph_mode: bool = True) -> None:
    """Normalise the whitespace between the paragraphs that remain.

    Between two kept paragraphs: one blank line (paragraph mode) or the
    original line break, at most one blank line (line mode).  Before the first:
    nothing.  After the last: one newline.
    """
    kept = [u.index for u in units if draft.current(u.span.start, u.span.end).strip()]
    if not kept:
        if document and draft.text:
            draft.replace(0, len(document), "", rule="layout.empty", reason="the input has no text")
        return
    n = len(units)
    bounds = [0] + [x for u in units for x in (u.span.start, u.span.end)] + [len(document)]
    gap_spans = [Span(bounds[2 * k], bounds[2 * k + 1]) for k in range(n + 1)]  # gap k precedes unit k
    kept_set = set(kept)
    for k, g in enumerate(gap_spans):
        if k == n:
            want = "\n"
        elif k <= kept[0] or k > kept[-1]:
            want = ""
        elif (k - 1) in kept_set:
            # a blank line anywhere between the two kept lines survives the removal of what was between
            nxt = kept[bisect.bisect_left(kept, k)]  # the next kept unit (kept is sorted): no scan from the start
            blank = any(document[gap_spans[j].start : gap_spans[j].end].count("\n") >= 2 for j in range(k, nxt + 1))
            want = "\n\n" if paragraph_mode or blank else "\n"
        else:
            want = ""
        cur = draft.current(g.start, g.end)
        # text inserted at either border of the gap (a completion appended to the paragraph
        # before it) is content, not whitespace: only what lies between is laid out
        head = draft.inserted_at(g.start)
        tail = draft.inserted_at(g.end) if g.end > g.start else ""
        lo, hi = len(head), len(cur) - len(tail)
        if cur[lo:hi] != want:
            draft.replace_current(
                g,
                lo,
                hi,
                want,
                rule="layout.paragraph_break",
                reason="one blank line between the paragraphs that remain, none before the first, one newline after the last",
            )
