"""Batched clustering gives exactly what scoring pair by pair gives.

The oracle below is the clustering written plainly: shingle sets one key at a
time, LSH candidates plus identical keys, :func:`score_pair` for every pair,
and a Python union-find.  ``find_clusters`` (batched verification, edit
bound, scipy components) must return the same pairs, clusters, labels and
stats under both kernel modes.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedup.cluster import MatchConfig, find_clusters, score_pair, verify_pairs
from dedup.fingerprint.keys import matching_key
from dedup.fingerprint.lsh import candidate_pairs
from dedup.fingerprint.minhash import signatures
from dedup.fingerprint.shingle import ShingleConfig, ShingleSets, shingle_hashes
from dedup.model import Cluster

from test_fingerprint_fast import kernel_mode

SEED_TEXT = (Path(__file__).resolve().parents[2] / "examples" / "seed_zh_press.txt").read_text(encoding="utf-8")
SEED_KEYS = [matching_key(p) for p in SEED_TEXT.split("\n") if p.strip()]


def plain_clusters(keys, config):
    """The clustering rule, one pair and one key at a time."""
    n = len(keys)
    sets = [shingle_hashes(k, config.shingles) for k in keys]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    sigs = signatures(sets, config.minhash)
    pair_set = {(int(i), int(j)) for i, j in candidate_pairs(sigs, config.lsh, valid=sizes > 0)}
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k:
            j = first.setdefault(k, i)
            if j != i:
                pair_set.add((j, i))
    # contained copies, found exactly while the shingle co-occurrences stay within budget
    py_sets = [set(s.tolist()) for s in sets]
    holders: dict[int, int] = {}
    for s in py_sets:
        for h in s:
            holders[h] = holders.get(h, 0) + 1
    if sum(g * (g - 1) // 2 for g in holders.values()) <= config.exact_containment_budget:
        for i, j in combinations(range(n), 2):
            small = min(len(py_sets[i]), len(py_sets[j]))
            if small >= config.min_containment_shingles and len(py_sets[i] & py_sets[j]) >= config.containment * small:
                pair_set.add((i, j))
    scored = [score_pair(i, j, keys, sets, config) for i, j in sorted(pair_set)]
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in scored:
        if p.accepted:
            parent[find(p.a)] = find(p.b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    members = sorted((g for g in groups.values() if len(g) >= 2), key=lambda g: g[0])
    labels = [-1] * n
    clusters = []
    for cid, g in enumerate(members):
        for i in g:
            labels[i] = cid
        inside = tuple(p for p in scored if labels[p.a] == cid and labels[p.b] == cid)
        clusters.append(Cluster(cid, tuple(g), inside))
    stats = {
        "items": n,
        "too_short_for_shingles": sum(1 for k, s in zip(keys, sets) if k and not len(s)),
        "candidate_pairs": len(pair_set),
        "accepted_pairs": sum(p.accepted for p in scored),
        "clusters": len(clusters),
    }
    return tuple(clusters), tuple(labels), tuple(scored), stats


def assert_same(keys, config=MatchConfig()):
    expected = plain_clusters(keys, config)
    for mode in ("numba", "numpy"):
        with kernel_mode(mode):
            r = find_clusters(keys, config)
        assert (r.clusters, r.labels, r.pairs, r.stats) == expected, mode


def test_seed_sample_clusters_equal_plain():
    assert_same(SEED_KEYS)


def test_mixed_scripts_short_and_empty_keys():
    keys = SEED_KEYS[:10] + ["the cat sat on the mat today", "the cat sat on a mat today", "", "", "ab", "ab", "the cat sat on the mat today", "推进"]
    assert_same(keys)


def _edit(text: str, ops: list[tuple[int, str, str]]) -> str:
    for pos, op, ch in ops:
        pos = pos % (len(text) + 1)
        if op == "d":
            text = text[:pos] + text[pos + 1 :]
        elif op == "s":
            text = text[:pos] + ch + text[pos + 1 :]
        elif op == "i":
            text = text[:pos] + ch + text[pos:]
        else:  # truncate: a cut copy, which containment should catch
            text = text[: max(1, pos)]
    return text


_ops = st.lists(st.tuples(st.integers(0, 400), st.sampled_from("dsit"), st.sampled_from(list("的一是在了有和人"))), max_size=25)
_derived = st.lists(st.tuples(st.integers(0, len(SEED_KEYS) - 1), _ops), min_size=1, max_size=30)


@given(_derived, st.sampled_from([0.5, 0.8, 0.95]), st.sampled_from([3, 4, 5]))
def test_near_copies_cluster_like_plain(items, threshold, n):
    """Random near copies, cuts and unrelated keys: identical to scoring pair by pair."""
    keys = [_edit(SEED_KEYS[i], ops) for i, ops in items]
    assert_same(keys, MatchConfig(threshold=threshold, shingles=ShingleConfig(char_ngram=n)))


@given(_derived)
def test_verify_pairs_equals_score_pair_on_all_pairs(items):
    """Every pair (not only candidates): same scores, decision and reason as ``score_pair``."""
    keys = [_edit(SEED_KEYS[i], ops) for i, ops in items] + ["", "x"]
    config = MatchConfig()
    sets = [shingle_hashes(k) for k in keys]
    pairs = np.array(list(combinations(range(len(keys)), 2)), dtype=np.int64).reshape(-1, 2)
    expected = [score_pair(a, b, keys, sets, config) for a, b in pairs.tolist()]
    for mode in ("numba", "numpy"):
        with kernel_mode(mode):
            got = verify_pairs(pairs, keys, ShingleSets.from_sets(sets), config).to_pairs()
        assert got == expected, mode


def test_long_keys_skip_edit_similarity():
    a = SEED_KEYS[0] * 3
    keys = [a, a[:-2] + "的的", "无关" * 40]
    assert_same(keys, MatchConfig(max_edit_chars=50))


def test_chunked_fingerprints_equal_one_chunk():
    from dedup.cluster import fingerprint

    keys = SEED_KEYS * 2
    whole = fingerprint(keys)
    parts = fingerprint(keys, chunk_symbols=500)
    assert np.array_equal(whole.sets.indptr, parts.sets.indptr)
    assert np.array_equal(whole.sets.hashes, parts.sets.hashes)
    assert np.array_equal(whole.band_hashes, parts.band_hashes)


def test_empty_input():
    r = find_clusters([])
    assert r.clusters == () and r.labels == () and r.pairs == () and r.stats["items"] == 0


def test_union_find_and_scipy_give_the_same_partition():
    import dedup.cluster as cl

    rng = np.random.default_rng(3)
    n = 400
    a = rng.integers(0, n, 300)
    b = rng.integers(0, n, 300)
    small = cl.component_ids(n, a, b)
    saved = cl.SMALL_GRAPH_EDGES
    cl.SMALL_GRAPH_EDGES = 0
    try:
        big = cl.component_ids(n, a, b)
    finally:
        cl.SMALL_GRAPH_EDGES = saved
    # same partition: the first node of each component maps one to one
    first_small = {c: i for i, c in reversed(list(enumerate(small.tolist())))}
    first_big = {c: i for i, c in reversed(list(enumerate(big.tolist())))}
    assert [first_small[c] for c in small.tolist()] == [first_big[c] for c in big.tolist()]
