"""Dropped characters, restored from the document's own vocabulary.

``继续贯彻落中央`` → ``继续贯彻落实中央``: the document writes ``贯彻落实``
elsewhere, ``贯彻落`` is not a word, and no word crosses the edges of
``贯彻落`` at this spot (``落中`` is not a word).  The evidence is recorded:
the word, where the document uses it, and how often.  Only words of four or
more characters are used in ``safe`` mode (a three-character word minus one
character is a two-character string that occurs everywhere by chance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..lexicon import HAN_RUN, Lexicon
from .base import Repair

RULE = "repair.dropped_char"
#: function characters are often legitimately absent (党领导 / 党的领导): they
#: are never restored, and never the evidence next to a restored character
FUNCTION_CHARS = frozenset("的地得了着过之个和与及或也都就而并把被将在是为以其所于对从向由给让使这那此该各每某")


@dataclass(frozen=True)
class Vocabulary:
    """Lexicon words the document uses, with counts and first positions."""

    counts: Mapping[str, int]
    first: Mapping[str, int]
    #: the document itself, for counting short words
    document: str = ""


def document_vocabulary(document: str, lexicon: Lexicon, lengths: tuple[int, ...] = (4, 5)) -> Vocabulary:
    """Every lexicon word of the given lengths found in ``document``'s Han runs."""
    from .reading import document_ngrams

    # the document's n-gram counts (built once per document and shared with
    # the other repairs), kept where the lexicon has the word
    ngrams = document_ngrams(document)
    counts: dict[str, int] = {}
    for n in lengths:
        counts.update(ngrams.lexicon_counts(lexicon, n))
    found = sorted(counts)
    return Vocabulary({w: counts[w] for w in found}, _FirstPositions(document), document)


class _FirstPositions(Mapping[str, int]):
    """Where a word first occurs in the document, looked up only when an edit cites it."""

    def __init__(self, document: str) -> None:
        self._document = document

    def __getitem__(self, word: str) -> int:
        at = self._document.find(word)
        if at < 0:
            raise KeyError(word)
        return at

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0



def dropped_char_repairs(text: str, vocab: Vocabulary, lexicon: Lexicon, *, min_count: int = 1, min_len: int = 4, outside_only: bool = True) -> list[Repair]:
    r"""Re-insert characters dropped from words the document uses elsewhere.

    ``outside_only``: the word must occur outside ``text`` (another paragraph);
    a sentence is not evidence for itself.

    >>> from dedup.lexicon import lexicon
    >>> doc = "认真贯彻落实中央精神，推动工作落实。\n\n继续贯彻落中央部署。"
    >>> v = document_vocabulary(doc, lexicon())
    >>> [(r.start, r.after) for r in dropped_char_repairs("继续贯彻落中央部署。", v, lexicon())]
    [(5, '实')]
    >>> doc = "全面落实中央精神。\n\n完全落实中央部署。"
    >>> dropped_char_repairs("完全落实中央部署。", document_vocabulary(doc, lexicon()), lexicon())
    []
    """
    index = gap_index(vocab, lexicon, min_count=min_count, min_len=min_len)
    if not index.by_short:
        return []
    out: list[Repair] = []
    seen: set[tuple[int, str]] = set()
    for short in sorted(shorts_in(text, index)):
        cands = index.by_short[short]
        n = len(short)
        start = text.find(short)
        while start >= 0:
            end = start + n
            for word, k in cands:
                count = vocab.counts[word]
                elsewhere = count - text.count(word) if outside_only else count
                at = start + k
                if elsewhere < min_count or (at, word[k]) in seen:
                    continue
                if word[k] in text[max(0, at - 1) : at + 1]:
                    continue  # the insertion would double a character
                if not _plain_context(text, start, end):
                    continue  # leftover mojibake (U+FFFD, rare hanzi) reads as anything
                if not _plausible(text, start, end, word, k, lexicon):
                    continue
                seen.add((at, word[k]))
                evidence = {
                    "word": word,
                    "missing": word[k],
                    "found": short,
                    "word_in_document": count,
                    "word_elsewhere": elsewhere,
                    "word_first_at": vocab.first[word],
                    "found_is_word": False,
                }
                reason = f"{short} is not a word; the document writes {word} {count} time(s) elsewhere, so {word[k]} was dropped"
                out.append(Repair(at, at, word[k], RULE, reason, evidence, min(0.95, 0.8 + 0.05 * count)))
            start = text.find(short, start + 1)
    return sorted(out)


@dataclass(frozen=True)
class GapIndex:
    """Each document word with one character removed -> (word, position of the removed character).

    Built once per document, so a paragraph is searched with one set lookup
    per position instead of one scan per word.
    """

    by_short: Mapping[str, tuple[tuple[str, int], ...]]
    lengths: tuple[int, ...]
    #: the first ``lengths[0]`` characters of every short form (a position whose next characters
    #: are none of these starts no short form)
    prefixes: frozenset[str] = frozenset()


def shorts_in(text: str, index: GapIndex) -> set[str]:
    """The short forms of ``index`` that occur in ``text``'s Han runs.

    The same set as intersecting every substring of the runs of each length
    with ``index.by_short``, but a position is looked at further only when its
    next ``lengths[0]`` characters begin some short form: ~3× faster than
    building every substring.

    >>> idx = GapIndex({"贯彻落": (("贯彻落实", 3),), "彻落实": (("贯彻落实", 0),)}, (3,), frozenset({"贯彻落", "彻落实"}))
    >>> sorted(shorts_in("继续贯彻落中央，彻落实", idx))
    ['彻落实', '贯彻落']
    """
    found: set[str] = set()
    if not index.lengths:
        return found
    keys = index.by_short.keys()
    prefixes = index.prefixes
    first = index.lengths[0]
    for match in HAN_RUN.finditer(text):
        run = match.group()
        size = len(run)
        for a in range(size - first + 1):
            if run[a : a + first] in prefixes:
                for n in index.lengths:
                    if a + n <= size and run[a : a + n] in keys:
                        found.add(run[a : a + n])
    return found


_GAP_CACHE: dict[tuple[int, int, int], tuple[Vocabulary, GapIndex]] = {}


def gap_index(vocab: Vocabulary, lexicon: Lexicon, *, min_count: int = 1, min_len: int = 4) -> GapIndex:
    """The :class:`GapIndex` of ``vocab`` (cached for the last document)."""
    key = (id(vocab), min_count, min_len)
    hit = _GAP_CACHE.get(key)
    if hit is not None and hit[0] is vocab:
        return hit[1]
    by_short: dict[str, list[tuple[str, int]]] = {}
    for word, count in sorted(vocab.counts.items()):
        if count < min_count or len(word) < min_len:
            continue
        for k in range(len(word)):
            short = word[:k] + word[k + 1 :]
            if short in lexicon or (k > 0 and word[k] == word[k - 1]) or not _binds(word, k, lexicon, vocab.document):
                continue  # a word in its own right; a doubled letter (found from the other copy); weak evidence
            by_short.setdefault(short, []).append((word, k))
    lengths = tuple(sorted({len(s) for s in by_short}))
    prefixes = frozenset(s[: lengths[0]] for s in by_short) if lengths else frozenset()
    index = GapIndex({s: tuple(v) for s, v in by_short.items()}, lengths, prefixes)
    _GAP_CACHE.clear()
    _GAP_CACHE[key] = (vocab, index)
    return index


def _binds(word: str, k: int, lexicon: Lexicon, document: str = "") -> bool:
    """True if dropping ``word[k]`` leaves a gap that only ``word[k]`` fills.

    The missing character and its neighbours are not function characters; at
    an edge of the word the missing character forms a word with its neighbour
    (``落实`` in ``贯彻落实``: otherwise ``晴转多云`` would "repair" ``雨转多云``),
    and the document uses that short word on its own too (``落实`` outside
    ``贯彻落实``; ``多久`` only inside ``没过多久`` is no evidence for 没过多|说);
    inside the word its two neighbours do not form a word by themselves
    (``各方面`` is not ``各个方面`` minus ``个``).
    """
    neighbours = word[max(0, k - 1) : k] + word[k + 1 : k + 2]
    if word[k] in FUNCTION_CHARS or any(c in FUNCTION_CHARS for c in neighbours):
        return False
    # at an edge, the neighbour must be free: in 没过多 the 多 belongs to 过多,
    # so 没过多说 is not 没过多久 minus 久
    if k == 0:
        pair = word[0:2]
        return pair in lexicon and word[1:3] not in lexicon and _used_alone(pair, word, document)
    if k == len(word) - 1:
        pair = word[k - 1 : k + 1]
        return pair in lexicon and word[k - 2 : k] not in lexicon and _used_alone(pair, word, document)
    return (word[k - 1] + word[k + 1]) not in lexicon


def _used_alone(short: str, word: str, document: str) -> bool:
    """True if ``document`` uses ``short`` outside occurrences of ``word``."""
    if not document:
        return True
    from .reading import document_ngrams

    ngrams = document_ngrams(document)  # built once per document, not a scan per word
    return ngrams.count(short) > ngrams.count(word)


def _plain_context(text: str, start: int, end: int) -> bool:
    """True if the text around ``text[start:end]`` is ordinary: no U+FFFD and only common hanzi.

    A paragraph the Unicode stage could not fully restore (lost bytes shown
    as U+FFFD, GBK mojibake such as ``鍙戣揪``) matches short forms of
    document words by chance.
    """
    from ..normalize.mojibake import common_hanzi

    common = common_hanzi()
    around = text[max(0, start - 3) : end + 3]
    return "\ufffd" not in around and all(c in common for c in around if HAN_RUN.match(c))


def _plausible(text: str, start: int, end: int, word: str, k: int, lexicon: Lexicon) -> bool:
    """True if ``text[start:end]`` reads as ``word`` with character ``k`` dropped, and as nothing else."""
    # the full word is not there already (the short form is part of it)
    lo = max(0, start - 1)
    if word in text[lo : end + 2]:
        return False
    # a character dropped at an edge of the word leaves the other side of the
    # gap reading as a word (贯彻落|中央); 经济社|壬发展 is a substitution, not a drop
    if k == len(word) - 1 and end < len(text) and HAN_RUN.match(text[end]) and not lexicon.words_starting_at(text, end):
        return False
    if k == 0 and start > 0 and HAN_RUN.match(text[start - 1]) and not lexicon.words_ending_at(text, start):
        return False
    # no word of the lexicon crosses the edges: 完全|落实 is not 全面落实 minus 面
    if lexicon.crosses(text, start, range(2, 4)) or lexicon.crosses(text, end, range(2, 4)):
        return False
    # the short form does not contain a longer word that explains it (4+ chars)
    return not lexicon.covers(text, start, end, range(end - start + 1, end - start + 3))
