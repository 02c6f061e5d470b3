"""From matching keys to clusters: shingles, MinHash, LSH, verification, components.

Only *verified* pairs join clusters (raw LSH buckets chain unrelated texts
together).  A pair is accepted when the keys are similar as strings
(normalised Indel similarity, rapidfuzz) or when the shorter one's shingles
are contained in the longer one (a truncated copy, or a copy that goes on
differently).  Keys too short to have a shingle are compared exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .fingerprint.lsh import LSHConfig, band_hashes, candidates_from_bands, optimal_param, sorted_unique, unique_pairs
from .fingerprint.minhash import MinHashConfig, signatures
from .fingerprint.shingle import ShingleConfig, ShingleSets, batch_shingle_sets, cjk_flags, code_points, symbol_batch
from .model import REASONS, Cluster, Pair, Reason


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
    #: below this many shingle co-occurrences (a single document, a small batch), contained
    #: copies are also found exactly: LSH estimates Jaccard, and a short copy of a long text
    #: has a low Jaccard however contained it is
    exact_containment_budget: int = 2_000_000
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

    Every stage works on whole batches: shingle sets and signatures per chunk
    of keys (:func:`fingerprint`), candidates by sorting band hashes,
    verification of all candidate pairs at once (:func:`verify_pairs`),
    components with a union-find or scipy (:func:`component_ids`).  The
    result is the same as scoring each candidate pair with
    :func:`score_pair`.

    >>> r = find_clusters(["推进义务教育优质均衡发展助力双减", "无关的一段文字内容在这里", "推进义务教育优质均衡发展助力双减政策"])
    >>> [c.members for c in r.clusters]
    [(0, 2)]
    """
    n = len(keys)
    fp = fingerprint(keys, config)
    sizes = fp.sets.sizes
    valid = np.flatnonzero(sizes > 0)
    # indexing copies the band hashes (240 MB at 10^6 keys): skip it when every key takes part
    bh = fp.band_hashes if len(valid) == n else fp.band_hashes[valid]
    cand = candidates_from_bands(bh, valid, config.lsh.max_bucket_pairs)
    del bh
    key_id, same = identical_pairs(keys)
    contained = contained_pairs(fp.sets, config)
    pairs = unique_pairs(np.concatenate([cand, same, contained]), max(n, 1))
    v = verify_pairs(pairs, keys, fp.sets, config, key_id=key_id, cjk=fp.cjk)
    scored = v.to_pairs()
    acc = np.flatnonzero(v.accepted)
    clusters, labels = _components(n, pairs, acc, scored)
    stats = {
        "items": n,
        "too_short_for_shingles": int(np.sum((sizes == 0) & (np.fromiter(map(len, keys), dtype=np.int64, count=n) > 0))) if n else 0,
        "candidate_pairs": len(pairs),
        "accepted_pairs": len(acc),
        "clusters": len(clusters),
    }
    return ClusterResult(tuple(clusters), tuple(labels.tolist()), tuple(scored), stats)


def contained_pairs(sets: ShingleSets, config: MatchConfig) -> np.ndarray:
    """Pairs whose shorter set is at least ``config.containment`` inside the longer one, found exactly.

    Counts shared shingles through an inverted index (sort by hash, pairs
    within each group of equal hashes).  Only runs while the number of
    co-occurrences stays within ``config.exact_containment_budget``; above it
    (corpus scale) LSH alone proposes candidates.
    """
    sizes = sets.sizes
    n = len(sizes)
    empty = np.empty((0, 2), dtype=np.int64)
    if n < 2 or not len(sets.hashes):
        return empty
    doc = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.lexsort((doc, sets.hashes))
    h, d = sets.hashes[order], doc[order]
    cut = np.flatnonzero(h[1:] != h[:-1]) + 1
    starts = np.concatenate(([0], cut))
    g = np.diff(np.concatenate((starts, [len(h)])))
    if int(np.sum(g * (g - 1) // 2)) > config.exact_containment_budget:
        return empty
    codes = []
    for size in sorted_unique(g[g >= 2]).tolist():
        firsts = starts[g == size]
        i, j = np.triu_indices(size, 1)
        block = d[firsts[:, None] + np.arange(size)[None, :]]  # (groups, size), docs sorted in each
        codes.append((block[:, i] * n + block[:, j]).ravel())
    if not codes:
        return empty
    pair_codes, inter = np.unique(np.concatenate(codes), return_counts=True)
    a, b = pair_codes // n, pair_codes % n
    small = np.minimum(sizes[a], sizes[b])
    keep = (inter >= config.containment * small) & (small >= config.min_containment_shingles)
    return np.stack([a[keep], b[keep]], axis=1)


@dataclass(frozen=True)
class Fingerprints:
    """What the later stages need of each key: its shingle set and its LSH band hashes."""

    sets: ShingleSets
    band_hashes: np.ndarray
    #: which keys are CJK (their shingles are runs of their own characters)
    cjk: np.ndarray


def fingerprint(keys: Sequence[str], config: MatchConfig = MatchConfig(), *, chunk_symbols: int = 1 << 22) -> Fingerprints:
    """Shingle sets and band hashes of all keys, computed in chunks of about ``chunk_symbols`` characters.

    Chunks bound the temporary arrays (symbols, signatures), so memory grows
    with the number of shingles kept, not with a full signature matrix.
    Signatures are taken from the shingle sets (which verification needs
    anyway) rather than with the fused code-point kernel
    (:func:`~dedup.fingerprint.minhash.signatures_of_batch`): hashing each
    shingle once and running the permutations over unique shingles only is
    less work than hashing twice.
    """
    n = len(keys)
    bands, rows = optimal_param(config.lsh.threshold, config.minhash.num_perm, config.lsh.false_positive_weight, config.lsh.false_negative_weight)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    ends = np.cumsum(lengths)
    # outputs are allocated once and filled chunk by chunk (no concatenation
    # that would briefly double them); a key has at most len - n + 1 shingles
    bound = int(np.maximum(lengths - min(config.shingles.char_ngram, config.shingles.word_ngram) + 1, 0).sum())
    hashes = np.empty(bound, dtype=np.uint32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    bh = np.empty((n, bands), dtype=np.uint64)
    cjk = np.zeros(n, dtype=bool)
    i = 0
    while i < n:
        base = ends[i - 1] if i else 0
        j = min(max(int(np.searchsorted(ends, base + chunk_symbols, side="right")), i + 1), n)
        batch = symbol_batch(keys[i:j], config.shingles)
        sets = batch_shingle_sets(batch)
        cjk[i:j] = batch.cjk
        del batch  # the chunk's symbols are no longer needed
        bh[i:j] = band_hashes(signatures(sets, config.minhash), bands, rows)
        o = indptr[i]
        hashes[o : o + len(sets.hashes)] = sets.hashes
        indptr[i + 1 : j + 1] = sets.indptr[1:] + o
        i = j
    return Fingerprints(ShingleSets(indptr, hashes[: indptr[-1]]), bh, cjk)


def identical_pairs(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each key's id (index of its first occurrence) and the ``(first, i)`` pairs of repeated non-empty keys.

    Identical keys always pair, whether or not they have shingles.
    """
    first_of: dict[str, int] = {}
    key_id = np.fromiter((first_of.setdefault(k, i) for i, k in enumerate(keys)), dtype=np.int64, count=len(keys))
    nonempty = np.fromiter(map(bool, keys), dtype=bool, count=len(keys))
    later = np.flatnonzero((key_id != np.arange(len(keys))) & nonempty)
    return key_id, np.stack([key_id[later], later], axis=1)


@dataclass(frozen=True)
class Verified:
    """Scores of a batch of pairs, as arrays (one row per pair, in pair order)."""

    pairs: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    similarity: np.ndarray
    accepted: np.ndarray
    reason: np.ndarray  # index into REASONS

    def to_pairs(self) -> list[Pair]:
        """:class:`~dedup.model.Pair` objects, the same as :func:`score_pair` would build."""
        rs = [REASONS[r] for r in self.reason.tolist()]
        return [
            Pair(a, b, j, c, s, ok, r)
            for (a, b), j, c, s, ok, r in zip(self.pairs.tolist(), self.jaccard.tolist(), self.containment.tolist(), self.similarity.tolist(), self.accepted.tolist(), rs)
        ]



#: fewer pairs than this are edit-scored on one thread (the scores are the same either way)
PARALLEL_MIN_PAIRS = 256


def verify_pairs(
    pairs: np.ndarray,
    keys: Sequence[str],
    sets: ShingleSets,
    config: MatchConfig = MatchConfig(),
    *,
    key_id: np.ndarray | None = None,
    cjk: np.ndarray | None = None,
) -> Verified:
    """Score every pair at once, with the same rule and numbers as :func:`score_pair`.

    Exact Jaccard and containment come from sorted-merge intersections of the
    hashed shingle sets (a compiled kernel for big batches).  Edit similarity
    (rapidfuzz, with ``score_cutoff``) is computed only for pairs it can
    still decide: a pair whose shingle sets or lengths already prove the
    similarity is below the cutoff gets 0, exactly what rapidfuzz returns
    under the cutoff (see :func:`edit_upper_bound`).
    """
    if key_id is None:
        key_id = identical_pairs(keys)[0]
    if cjk is None:
        cjk = cjk_flags(*code_points(keys))
    pa = pairs[:, 0].astype(np.int64, copy=False)
    pb = pairs[:, 1].astype(np.int64, copy=False)
    sizes = sets.sizes
    sa, sb = sizes[pa], sizes[pb]
    inter = intersection_sizes(sets, pa, pb)
    both = (sa > 0) & (sb > 0)
    eq = key_id[pa] == key_id[pb]
    union = np.where(both, sa + sb - inter, 1)
    small = np.where(both, np.minimum(sa, sb), 0)
    jac = np.where(both, inter / union, np.where(eq, 1.0, 0.0))
    cont = np.where(both, inter / np.maximum(small, 1), np.where(eq, 1.0, 0.0))
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    la, lb = lengths[pa], lengths[pb]
    editable = ~eq & (np.maximum(la, lb) <= config.max_edit_chars)
    sim = np.where(eq, 1.0, np.where(editable, 0.0, jac))
    cutoff = config.threshold * 100
    # the shingle bound needs both keys' shingles to be runs of their own characters (CJK keys)
    ngram = np.where(cjk[pa] & cjk[pb], config.shingles.char_ngram, 0)
    bound = edit_upper_bound(la, lb, sa, sb, inter, ngram)
    todo = np.flatnonzero(editable & (bound >= cutoff * (1 - 1e-9)))
    if len(todo):
        from rapidfuzz import fuzz, process

        from .fingerprint.kernels import workers

        qa = [keys[i] for i in pa[todo].tolist()]
        qb = [keys[i] for i in pb[todo].tolist()]
        # threads cost ~0.25 ms to start: a single document's few pairs score in one
        threads = workers() if len(todo) >= PARALLEL_MIN_PAIRS else 1
        scores = process.cpdist(qa, qb, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64, workers=threads)
        sim[todo] = np.asarray(scores, dtype=np.float64) / 100.0
    similar = sim >= config.threshold
    contained = ~similar & (cont >= config.containment) & (small >= config.min_containment_shingles)
    reason = np.where(similar, np.where(sim < 1.0, Reason.SIMILAR, Reason.IDENTICAL), np.where(contained, Reason.CONTAINED, Reason.BELOW_THRESHOLD)).astype(np.int8)
    return Verified(pairs, jac, cont, sim, similar | contained, reason)


def edit_upper_bound(la: np.ndarray, lb: np.ndarray, sa: np.ndarray, sb: np.ndarray, inter: np.ndarray, ngram: np.ndarray) -> np.ndarray:
    """An upper bound on ``fuzz.ratio`` (0-100) of each pair, from lengths and shingle counts.

    ``ratio = 100 * (1 - d / (la + lb))`` with ``d`` the Indel distance.
    ``d >= |la - lb|``; and for character n-grams each edit breaks at most
    ``n`` of one side's n-grams, so ``d >= (max(|A|, |B|) - |A & B|) / n``
    (``ngram == 0`` disables this second bound).  Hash collisions only
    enlarge ``|A & B|``, which loosens the bound, so it stays safe.

    >>> edit_upper_bound(np.array([10]), np.array([30]), np.array([7]), np.array([27]), np.array([0]), np.array([4])).tolist()
    [50.0]
    """
    total = np.maximum(la + lb, 1)
    d_len = np.abs(la - lb)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_sh = np.where(ngram > 0, (np.maximum(sa, sb) - inter) / np.maximum(ngram, 1), 0.0)
    return 100.0 * (1.0 - np.maximum(d_len, d_sh) / total)


def intersection_sizes(sets: ShingleSets, pa: np.ndarray, pb: np.ndarray, *, chunk: int = 1 << 22) -> np.ndarray:
    """``|set[pa[k]] & set[pb[k]]|`` for every pair (compiled sorted merge, or numpy sort-and-count)."""
    from .fingerprint import kernels

    out = np.zeros(len(pa), dtype=np.int64)
    if len(pa) == 0:
        return out
    sizes = sets.sizes
    work = int(sizes[pa].sum() + sizes[pb].sum())
    # whether to load numba is decided by the document's size, not by how often its sets are paired
    if kernels.use_kernels(work, load_size=len(sets.hashes)):
        kernels.kernel("intersections")(sets.indptr, sets.hashes, pa, pb, out)
        return out
    # numpy: tag both sets of each pair with the pair number and look one side up in the other
    per_pair = sizes[pa] + sizes[pb]
    k = 0
    while k < len(pa):
        e = min(max(int(np.searchsorted(np.cumsum(per_pair[k:]), chunk, side="right")), 1) + k, len(pa))
        idx = np.arange(k, e)
        out[idx] = _tagged_intersections(sets, pa[idx], pb[idx])
        k = e
    return out


def _tagged_intersections(sets: ShingleSets, pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
    """``|set[pa[k]] & set[pb[k]]|`` for each k, as one sorted lookup.

    Each set is sorted and unique, and hashes fit in 32 bits, so ``k << 32 |
    hash`` over the pairs in order is sorted on each side: every code of one
    side found in the other is one shared shingle.  A binary search of the
    smaller side in the larger replaces sorting both together (the numpy
    twin's cost on the first run, while the compiled kernels are not ready).
    """
    tags = np.arange(len(pa), dtype=np.uint64) << np.uint64(32)
    sizes = sets.sizes
    code_a = np.repeat(tags, sizes[pa]) | _gather(sets, pa)
    code_b = np.repeat(tags, sizes[pb]) | _gather(sets, pb)
    if len(code_a) > len(code_b):
        code_a, code_b = code_b, code_a
    if not len(code_a):
        return np.zeros(len(pa), dtype=np.int64)
    at = np.searchsorted(code_b, code_a)
    np.minimum(at, len(code_b) - 1, out=at)
    shared = code_b[at] == code_a
    return np.bincount((code_a[shared] >> np.uint64(32)).astype(np.int64), minlength=len(pa))


def _gather(sets: ShingleSets, which: np.ndarray) -> np.ndarray:
    """The concatenated hashes of sets ``which`` (as uint64), without a Python loop per set."""
    starts = sets.indptr[which]
    lens = sets.indptr[which + 1] - starts
    offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()), dtype=np.int64)
    return sets.hashes[offs].astype(np.uint64)


#: up to this many edges a plain union-find is quicker than importing scipy (~0.3 s)
SMALL_GRAPH_EDGES = 20_000


def component_ids(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A component number for each of ``n`` nodes joined by edges ``a[k] - b[k]``.

    scipy's csgraph for big graphs; a union-find for small ones, so a
    one-document run does not import scipy.  Only the partition matters to
    callers, not the numbering.

    >>> component_ids(5, np.array([0, 3]), np.array([2, 4])).tolist()
    [0, 1, 0, 3, 3]
    """
    if len(a) > SMALL_GRAPH_EDGES:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
        return connected_components(graph, directed=False)[1]
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist()):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return np.array([root(i) for i in range(n)], dtype=np.int64)


def _components(n: int, pairs: np.ndarray, acc: np.ndarray, scored: list[Pair]) -> tuple[list[Cluster], np.ndarray]:
    """Connected components of the accepted pairs (scipy csgraph): clusters ordered by first member.

    Each cluster lists every scored pair whose ends both lie in it (accepted or
    not), in pair order.
    """
    labels = np.full(n, -1, dtype=np.int64)
    if len(acc) == 0:
        return [], labels
    comp = component_ids(n, pairs[acc, 0], pairs[acc, 1])
    counts = np.bincount(comp)
    in_cluster = counts[comp] >= 2
    members = np.flatnonzero(in_cluster)
    # clusters ordered by first member: number components by their smallest member
    first = np.full(len(counts), n, dtype=np.int64)
    np.minimum.at(first, comp[members], members)
    big = np.flatnonzero(counts >= 2)
    order = big[np.argsort(first[big], kind="stable")]
    cid_of_comp = np.full(len(counts), -1, dtype=np.int64)
    cid_of_comp[order] = np.arange(len(order))
    labels[members] = cid_of_comp[comp[members]]
    by_cluster = np.split(members[np.argsort(labels[members], kind="stable")], np.cumsum(counts[order])[:-1])
    ca, cb = labels[pairs[:, 0]], labels[pairs[:, 1]]
    inside = np.flatnonzero((ca >= 0) & (ca == cb))
    pair_order = inside[np.argsort(ca[inside], kind="stable")]
    pair_split = np.split(pair_order, np.searchsorted(ca[pair_order], np.arange(1, len(order))))
    clusters = [
        Cluster(cid, tuple(m.tolist()), tuple(scored[k] for k in ps.tolist()))
        for cid, (m, ps) in enumerate(zip(by_cluster, pair_split))
    ]
    return clusters, labels
