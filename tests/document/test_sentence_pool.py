"""The reconstruction's filtered searches answer exactly as the full scans they replace (issue 15: how fast, not what).

* :func:`dedup.sentence_pool.extract_best` over a :class:`SentencePool` is
  ``process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=...)`` -- the
  same key, score and position, the earliest of equal best scores included;
* :func:`dedup.sentence_pool.prefix_order` keeps every position whose key
  contains the query or begins similar to it (what ``_truncation`` looks for).

Pools are generated as a drifting chain (each key a light edit of one before it,
from a small alphabet, so that many keys tie and many pass the filter) with
unrelated keys mixed in, and edited in place as the reconstruction does.
"""

from __future__ import annotations

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from dedup.sentence_pool import MIN_FILTERED, SentencePool, extract_best, prefix_order

ALPHABET = "的一是在不了有和人这中大为上个国我以要"  # few characters: keys share many, as a cluster's do
ODD = ["\ud800", "😀", "a", " ", "5"]  # a lone surrogate, a character beyond the BMP, Latin, a space, a digit


def _edit(rng: random.Random, key: str) -> str:
    """``key`` with one to three characters replaced, inserted or dropped."""
    chars = list(key)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(3)
        if op == 0 and chars:
            chars[rng.randrange(len(chars))] = rng.choice(ALPHABET)
        elif op == 1:
            chars.insert(rng.randint(0, len(chars)), rng.choice(ALPHABET + "".join(ODD)))
        elif chars:
            del chars[rng.randrange(len(chars))]
    return "".join(chars)


def _pool(seed: int, size: int) -> tuple[SentencePool, random.Random]:
    """A drifting chain of keys with unrelated ones and exact repeats mixed in."""
    rng = random.Random(seed)
    cur = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 60)))
    keys = []
    for _ in range(size):
        r = rng.random()
        if r < 0.1 and keys:
            keys.append(rng.choice(keys))  # a repeat: ties on the best score
        elif r < 0.2:
            keys.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80))))
        else:
            cur = _edit(rng, cur)
            keys.append(cur)
    return SentencePool(keys), rng


def _queries(pool: SentencePool, rng: random.Random) -> list[str]:
    """Keys like those of the pool (edited, cut short, extended), and some of the pool's own."""
    out = []
    for _ in range(12):
        base = rng.choice(pool) if pool else ""
        r = rng.random()
        if r < 0.3:
            out.append(_edit(rng, base))
        elif r < 0.5:
            out.append(base[: rng.randint(0, len(base))])
        elif r < 0.6:
            out.append(base + _edit(rng, base))
        elif r < 0.7:
            out.append(base)
        else:
            out.append(_edit(rng, _edit(rng, _edit(rng, base))))
    return out


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), size=st.integers(0, 3 * MIN_FILTERED), cutoff=st.sampled_from([75.0, 90.0, 50.0, 0.0, 100.0]))
@example(seed=0, size=2 * MIN_FILTERED, cutoff=75.0)
def test_the_filtered_search_picks_what_extract_one_picks(seed: int, size: int, cutoff: float) -> None:
    pool, rng = _pool(seed, size)
    for step in range(4):
        for key in _queries(pool, rng):
            assert extract_best(key, pool, cutoff) == process.extractOne(key, list(pool), scorer=fuzz.ratio, score_cutoff=cutoff), (key, step)
        # the reconstruction appends kept keys and replaces extended ones between searches
        if pool:
            pool[rng.randrange(len(pool))] = _edit(rng, rng.choice(pool))
        pool.append(_edit(rng, rng.choice(pool)) if pool else "的的")
        pool.extend([_edit(rng, "一是在不了有和人这中大为上")] * rng.randint(0, 3))


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), size=st.integers(MIN_FILTERED, 3 * MIN_FILTERED), cutoff=st.sampled_from([90.0, 75.0, 100.0]))
def test_the_prefix_filter_keeps_every_key_that_can_be_cut_to_the_query(seed: int, size: int, cutoff: float) -> None:
    pool, rng = _pool(seed, size)
    for key in _queries(pool, rng):
        kept = list(prefix_order(key, pool, cutoff))
        assert kept == sorted(kept)
        need = [i for i, p in enumerate(pool) if key in p or (len(p) >= len(key) and fuzz.ratio(key, p[: len(key)]) >= cutoff)]
        assert set(need) <= set(kept), (key, sorted(set(need) - set(kept)))


def test_the_filter_filters() -> None:
    """Not vacuous: on a long drifting chain most of the pool is ruled out before the exact scorer runs."""
    pool, rng = _pool(7, 400)
    key = _edit(rng, pool[-1])
    assert len(pool.ratio_candidates(key, 75.0)) < len(pool) / 2
    assert extract_best(key, pool, 75.0) == process.extractOne(key, list(pool), scorer=fuzz.ratio, score_cutoff=75.0)
