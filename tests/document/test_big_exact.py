"""Issue 15 (big documents): each shortcut answers exactly as the plain computation it replaces.

How fast, not what: every function here that skips work is checked, on
generated inputs built to reach its edge cases, against the computation it
stands for.  Each test was seen failing against a deliberately broken
shortcut (named in its docstring).
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.repair import list_siblings, list_siblings_read

# -- consensus: the later items of the first occurrence's numbered list ------------------

#: list openings of both kinds the ordinal reads (Chinese numerals, digits), and none
_OPENINGS = ["", "一是", "二是", "三是", "四是", "五是", "六是", "七是", "十二、", "十三、", "1. ", "2. ", "3）", "4、", "5．"]
#: list bodies: two one word apart (``以上``), a typo's copy, another text
_BODIES = ["延误１５分钟且短时间", "延误１５分钟以上且短时间", "延误１５分钟且短时问", "推进义务教育", "推进义务教肓"]


@st.composite
def _numbered_document(draw: st.DrawFn) -> tuple[list[str], list[int], int]:
    """Unit texts with runs of consecutive list items, a cluster's members (sorted) and its target."""
    texts: list[str] = []
    n = draw(st.integers(1, 40))
    while len(texts) < n:
        if draw(st.booleans()):  # a numbered run, counting on from a random ordinal
            start, length = draw(st.integers(1, 8)), draw(st.integers(1, 8))
            for k in range(start, start + length):
                texts.append((draw(st.sampled_from(["{}是", "{}、", "{}. "])).format(k if draw(st.booleans()) else "一二三四五六七八九十"[min(k, 10) - 1])) + draw(st.sampled_from(_BODIES)))
        else:
            texts.append(draw(st.sampled_from(_OPENINGS)) + draw(st.sampled_from(_BODIES)))
    texts = texts[:n]
    members = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))
    target = draw(st.sampled_from(members))
    return texts, members, target


@settings(max_examples=400, deadline=None)
@given(_numbered_document())
@example((["四是延误１５分钟且短时间", "五是乙", "六是丙", "七是延误１５分钟以上且短时间"], [0, 3], 0))
@example((["四是延误１５分钟且短时间", "五是乙", "七是延误１５分钟以上且短时间"], [0, 2], 0))
def test_list_siblings_read_is_list_siblings(case: tuple[list[str], list[int], int]) -> None:
    """Reading units only while the target's numbering runs on finds the siblings the full read finds.

    Seen failing with the loop's break condition off by one (``nxt != at``).
    """
    texts, members, target = case
    assert list_siblings_read(texts.__getitem__, members, target) == list_siblings(texts[: members[-1] + 1], members, target)


def test_list_siblings_read_stops_at_the_break() -> None:
    """Units past the end of the target's numbered run are never read."""
    texts = ["四是延误１５分钟且短时间", "五是乙", "七是延误１５分钟以上且短时间"] + ["正文"] * 50
    read: list[int] = []

    def text_of(u: int) -> str:
        read.append(u)
        return texts[u]

    assert list_siblings_read(text_of, [0, 2, 52], 0) == list_siblings(texts, [0, 2, 52], 0) == []
    assert max(read) == 2


# -- the doubled-character repair: a document pair's reading, made only when read -------------

from dedup.lexicon import lexicon  # noqa: E402
from dedup.repair.doubled import read_doubled  # noqa: E402
from dedup.repair.reading import DeferredReading, DocumentNgrams, best_reading  # noqa: E402

#: common characters, words of the lexicon and doubled pairs among them
_HAN = "建立政府外交部陌陌常常的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_HAN, min_size=1, max_size=24), st.integers(0, 30))
def test_deferred_reading_is_best_reading(text: str, index: int) -> None:
    """Every field and query of a :class:`DeferredReading` is :func:`best_reading`'s.

    Seen failing when the deferred reading segmented ``text[:-1]``.
    """
    plain, deferred = best_reading(text, lexicon()), DeferredReading(text, lexicon())
    at = index % len(text)
    assert deferred.word_at(at) == plain.word_at(at)
    assert (deferred.words, deferred.cost) == (plain.words, plain.cost)
    assert hash(deferred) == hash(plain)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_HAN, min_size=0, max_size=10), st.text(alphabet=_HAN, min_size=0, max_size=10), st.sampled_from("陌常立交的"))
def test_document_pair_spot_reads_as_before(before: str, after: str, c: str) -> None:
    """A pair the document writes elsewhere gets the spot the plain segmentation gave it."""
    text = before + c + c + after
    doc = DocumentNgrams(text + "，" + c + c + "说。")
    spot = read_doubled(text, len(before), lexicon(), doc)
    if spot.kind == "document_pair":
        lo = max(0, len(before) - 8)
        window = text[lo : len(before) + 2 + min(8, len(after))]
        plain = best_reading(window, lexicon())
        assert (spot.as_is.words, spot.as_is.cost, spot.fixed.words, spot.fixed.cost) == (plain.words, plain.cost, plain.words, plain.cost)


# -- completion: members cut short that open another paragraph -----------------------------------

import random  # noqa: E402

from dedup.completion import other_firsts  # noqa: E402
from dedup.fingerprint.keys import KeyConfig, matching_key  # noqa: E402
from dedup.invariant import covers, sentence_key  # noqa: E402
from dedup.segment import ends_sentence, sentences  # noqa: E402
from dedup.chardata import is_cjk  # noqa: E402


def _plain_other_firsts(members: list[int], texts: list[str], keys: KeyConfig) -> list[int]:
    """:func:`other_firsts` as it was (12f51a3): every earlier member asked, from the first on."""
    out = []
    for k, m in enumerate(members[1:], 1):
        spans = sentences(texts[m])
        if not spans or ends_sentence(texts[m][spans[-1][0] : spans[-1][1]]):
            continue
        head = sentence_key(texts[m][spans[0][0] : spans[0][1]], keys)
        if is_cjk(texts[m]) and not (len(spans) > 1 or len(head) >= 24):
            continue
        if (len(spans) > 1 or is_cjk(texts[m])) and head and not any(covers(matching_key(texts[e], keys, marker=False), head) for e in members[:k]):
            out.append(m)
    return out


_DRIFT = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"


def _drifting_cluster(seed: int, size: int, cut_share: float) -> list[str]:
    """A drifting chain of two-sentence paragraphs, some members cut short, some another paragraph's head."""
    rng = random.Random(seed)
    cur = list("".join(rng.choice(_DRIFT) for _ in range(30)) + "。" + "".join(rng.choice(_DRIFT) for _ in range(40)) + "。")
    texts = []
    for _ in range(size):
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(cur))
            if cur[at] != "。":
                cur[at] = rng.choice(_DRIFT)
        text = "".join(cur)
        r = rng.random()
        if r < cut_share:
            text = text[: rng.randint(len(text) // 2, len(text) - 2)]  # cut short: no final full stop
        elif r < cut_share + 0.1:
            text = "".join(rng.choice(_DRIFT) for _ in range(rng.randint(10, 40))) + "。" + text[: rng.randint(31, 60)]  # another head
        texts.append(text)
    return texts


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 60), st.sampled_from([0.3, 0.7, 1.0]))
def test_other_firsts_nearest_first_is_the_full_scan(seed: int, size: int, cut_share: float) -> None:
    """Asking the nearest earlier member first finds the members the scan from the first member finds.

    Seen failing when the nearest-first search skipped the nearest member (``reversed(earlier[:-1])``).
    """
    texts = _drifting_cluster(seed, size, cut_share)
    members = sorted(random.Random(seed).sample(range(size), k=max(2, size // 2)))
    keys = KeyConfig()
    assert other_firsts(members, texts, keys) == _plain_other_firsts(members, texts, keys)


# -- SubstringCounts: hashed, packed tables ------------------------------------------------------

import dedup.textindex as textindex  # noqa: E402

_COUNTED = st.lists(st.sampled_from(["哈", "a", "b", "\x00", "保", "障", "\ud800", "😀"]), max_size=400).map("".join)


@settings(max_examples=200, deadline=None)
@given(_COUNTED, st.lists(st.lists(st.sampled_from(["哈", "a", "b", "\x00", "保", "😀"]), min_size=1, max_size=7).map("".join), min_size=1, max_size=25), st.sampled_from([None, 1, 0]))
def test_hashed_table_counts_are_str_count(text: str, needles: list[str], bits: int | None) -> None:
    """Counts and starts from the 32-bit hash table are ``str.count`` and every overlapping start, also when
    the hash keeps one bit (``bits=1``) or none (``0``): every candidate is then checked against the text, one by
    one for a few, in numpy for many.

    Seen failing with the check of the candidates one by one left out.
    """
    real = textindex._table_hash
    if bits is not None:
        textindex._table_hash = lambda keys: real(keys) & (1 if bits else 0)  # type: ignore[assignment]
        mix = textindex._needle_hash
        textindex._needle_hash = lambda needle: mix(needle) & (1 if bits else 0)  # type: ignore[assignment]
    try:
        counts = textindex.SubstringCounts(text, scan_first=0, min_indexed=0)
        for needle in needles + [text[i : i + 3] for i in range(0, len(text), 11)]:
            assert counts.count(needle) == text.count(needle), needle
            every = [a for a in range(len(text)) if text.startswith(needle, a)] if needle else []
            assert counts.starts(needle).tolist() == every, needle
    finally:
        if bits is not None:
            textindex._table_hash, textindex._needle_hash = real, mix  # type: ignore[assignment]
