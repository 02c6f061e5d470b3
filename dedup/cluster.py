"""From matching keys to clusters: shingles, MinHash, LSH, verification, components.

Only *verified* pairs join clusters (raw LSH buckets chain unrelated texts
together).  A pair is accepted when the keys are similar as strings
(normalised Indel similarity, rapidfuzz) or when the shorter one's shingles
are contained in the longer one (a truncated copy, or a copy that goes on
differently).  Keys too short to have a shingle are compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .fingerprint.lsh import LSHConfig, candidate_pairs
from .fingerprint.minhash import MinHashConfig, signatures
from .fingerprint.shingle import ShingleConfig, shingle_hashes
from .model import Cluster, Pair


@dataclass(frozen=True)
class MatchConfig:
    """When two texts count as near-duplicates (defaults: benchmarks/tune_defaults.py)."""

    #: normalised edit similarity of the keys at or above which a pair is a duplicate
    threshold: float = 0.8
    #: share of the shorter text's shingles found in the longer one that makes it a copy
    containment: float = 0.8
    #: containment is only trusted for texts with at least this many shingles
    min_containment_shingles: int = 8
    #: keys longer than this skip the quadratic edit similarity (shingle scores decide)
    max_edit_chars: int = 20_000
    shingles: ShingleConfig = field(default_factory=ShingleConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)

    def __post_init__(self) -> None:
        for name in ("threshold", "containment"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {v}")


@dataclass(frozen=True)
class ClusterResult:
    """Clusters (size >= 2) ordered by first member, and every pair that was scored."""

    clusters: tuple[Cluster, ...]
    #: cluster id of each item, -1 for items in no cluster
    labels: tuple[int, ...]
    pairs: tuple[Pair, ...]
    stats: dict


def score_pair(a: int, b: int, keys: Sequence[str], sets: Sequence[np.ndarray], config: MatchConfig) -> Pair:
    """Exact Jaccard and containment of the shingle sets, then edit similarity."""
    from rapidfuzz import fuzz

    sa, sb = sets[a], sets[b]
    if len(sa) and len(sb):
        inter = int(np.intersect1d(sa, sb, assume_unique=True).size)
        jac = inter / (len(sa) + len(sb) - inter)
        small = min(len(sa), len(sb))
        cont = inter / small
    else:
        jac = cont = 1.0 if keys[a] == keys[b] else 0.0
        small = 0
    ka, kb = keys[a], keys[b]
    if ka == kb:
        sim = 1.0
    elif max(len(ka), len(kb)) <= config.max_edit_chars:
        sim = fuzz.ratio(ka, kb, score_cutoff=config.threshold * 100) / 100.0
    else:
        sim = jac
    if sim >= config.threshold:
        return Pair(a, b, jac, cont, sim, True, "similar" if sim < 1.0 else "identical")
    if cont >= config.containment and small >= config.min_containment_shingles:
        return Pair(a, b, jac, cont, sim, True, "contained")
    return Pair(a, b, jac, cont, sim, False, "below threshold")


def find_clusters(keys: Sequence[str], config: MatchConfig = MatchConfig()) -> ClusterResult:
    """Cluster near-duplicate keys; empty keys never join a cluster.

    >>> r = find_clusters(["推进义务教育优质均衡发展助力双减", "无关的一段文字内容在这里", "推进义务教育优质均衡发展助力双减政策"])
    >>> [c.members for c in r.clusters]
    [(0, 2)]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(keys)
    sets = [shingle_hashes(k, config.shingles) for k in keys]
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=n)
    sigs = signatures(sets, config.minhash)
    cand = candidate_pairs(sigs, config.lsh, valid=sizes > 0)
    pair_set = {(int(i), int(j)) for i, j in cand}
    # identical keys always pair, whether or not they have shingles
    first_of: dict[str, int] = {}
    for i, k in enumerate(keys):
        if not k:
            continue
        j = first_of.setdefault(k, i)
        if j != i:
            pair_set.add((j, i))
    scored = [score_pair(i, j, keys, sets, config) for i, j in sorted(pair_set)]
    acc = [p for p in scored if p.accepted]
    labels = np.full(n, -1, dtype=np.int64)
    clusters: list[Cluster] = []
    if acc:
        rows = np.array([p.a for p in acc])
        cols = np.array([p.b for p in acc])
        graph = coo_matrix((np.ones(len(acc)), (rows, cols)), shape=(n, n))
        _, comp = connected_components(graph, directed=False)
        counts = np.bincount(comp)
        by_comp: dict[int, list[int]] = {}
        for i in range(n):
            if counts[comp[i]] >= 2:
                by_comp.setdefault(int(comp[i]), []).append(i)
        groups = sorted(by_comp.values(), key=lambda m: m[0])
        pairs_of: dict[int, list[Pair]] = {}
        for p in scored:
            if counts[comp[p.a]] >= 2 and comp[p.a] == comp[p.b]:
                pairs_of.setdefault(int(comp[p.a]), []).append(p)
        for cid, members in enumerate(groups):
            labels[members] = cid
            clusters.append(Cluster(cid, tuple(members), tuple(pairs_of.get(int(comp[members[0]]), ()))))
    stats = {
        "items": n,
        "too_short_for_shingles": int(np.sum((sizes == 0) & np.array([bool(k) for k in keys], dtype=bool))) if n else 0,
        "candidate_pairs": len(pair_set),
        "accepted_pairs": len(acc),
        "clusters": len(clusters),
    }
    return ClusterResult(tuple(clusters), tuple(int(x) for x in labels), tuple(scored), stats)
