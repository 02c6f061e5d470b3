"""Corpus mode's decisions, on the driver: candidate pairs, clusters solved, keepers, boilerplate.

Pure array functions (numpy in, numpy out): which documents could match, which
verified pairs are accepted at a threshold, who is kept in each cluster and
why each removal is a direct match of a kept document, which units are
boilerplate and who keeps them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cluster import MatchConfig
from ..fingerprint.lsh import unique_pairs
from .config import BoilerplateConfig
from .model import REASON_CODE


def rederive(cache: dict[str, np.ndarray], shingles: np.ndarray, match: MatchConfig) -> dict[str, np.ndarray]:
    """Verified pairs re-decided at ``match``'s thresholds from their stored scores.

    Jaccard and containment are exact; an edit similarity is exact when it is
    at least the cutoff it was computed with (``cutoff``, the threshold of that
    run) and 0 below it, as rapidfuzz returns under a ``score_cutoff``.  So a
    pair is decided again without its keys, except a 0 whose cutoff was above
    the new threshold: those rows are dropped, to be verified again.  The same
    rule as :func:`dedup.cluster.verify_pairs` (same ``accepted`` and
    ``reason``) then applies at the new threshold.  A cache from before
    ``cutoff`` was stored counts every 0 as undecided.
    """
    n = len(cache["code"])
    cutoff = cache["cutoff"] if "cutoff" in cache else np.full(n, np.inf)
    sim, cont = cache["similarity"], cache["containment"]
    keep = (sim > 0) | (cutoff <= match.threshold)
    out = {k: v[keep] for k, v in cache.items()}
    out["cutoff"] = cutoff[keep]
    if not len(out["code"]):
        return out
    a = (out["code"] >> np.uint64(32)).astype(np.int64)
    b = (out["code"] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    small = np.minimum(shingles[a], shingles[b])
    sim, cont = out["similarity"], out["containment"]
    similar = sim >= match.threshold
    contained = ~similar & (cont >= match.containment) & (small >= match.min_containment_shingles)
    out["accepted"] = similar | contained
    out["reason"] = np.where(
        similar, np.where(sim < 1.0, REASON_CODE["similar"], REASON_CODE["identical"]), np.where(contained, REASON_CODE["contained"], REASON_CODE["below threshold"])
    ).astype(np.int8)
    return out


def near_threshold(cache: dict[str, np.ndarray], pairs: np.ndarray, threshold: float, n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` verified ``pairs`` whose edit similarity lies nearest ``threshold`` (a valley or a crowd?)."""
    if not len(pairs):
        return []
    pos = np.searchsorted(cache["code"], pair_codes(pairs))
    sim = cache["similarity"][pos]
    # a 0 is "below the cutoff", not a score: it says nothing about the neighbourhood
    scored = np.flatnonzero(sim > 0)
    near = scored[np.lexsort((scored, np.abs(sim[scored] - threshold)))][:n]
    rows = []
    for i in near[np.argsort(-sim[near], kind="stable")].tolist():
        p = int(pos[i])
        similarity, containment = round(float(cache["similarity"][p]), 4), round(float(cache["containment"][p]), 4)
        rows.append({"a": int(pairs[i, 0]), "b": int(pairs[i, 1]), "similarity": similarity, "containment": containment, "accepted": bool(cache["accepted"][p])})
    return rows


def candidate_pairs(engine: Any, bands: np.ndarray, valid: np.ndarray, keyhash: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
    """Band-key pairs (through the engine) plus chains of identical keys."""
    ids = np.flatnonzero(valid)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    # the engine explodes the (documents x bands) table into rows itself, a part at a time
    lsh = engine.band_pairs(bands, ids, rank, limit) if len(ids) >= 2 and nb else np.empty((0, 2), np.int64)
    # identical non-empty keys always pair, even when too short for shingles
    nz = np.flatnonzero(keyhash != 0)
    order = nz[np.lexsort((nz, keyhash[nz]))]
    same = keyhash[order[1:]] == keyhash[order[:-1]]
    exact = np.stack([order[:-1][same], order[1:][same]], axis=1).astype(np.int64)
    both = np.concatenate([lsh, exact]) if len(exact) else lsh
    return unique_pairs(both, len(keyhash))


def pair_codes(pairs: np.ndarray) -> np.ndarray:
    return (pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64)


def keep_order(comp: np.ndarray, keylen: np.ndarray, keyhash: np.ndarray, policy: str) -> np.ndarray:
    """Every document, grouped by cluster and, inside it, in keep-policy order.

    ``most_complete``: longest key, then the key most members share, then the
    earliest document; ``earliest``: the earliest.

    >>> keep_order(np.array([0, 0, 0, 1]), np.array([5, 9, 9, 3]), np.array([1, 2, 2, 3], np.uint64), "most_complete").tolist()
    [1, 2, 0, 3]
    """
    n = len(comp)
    g = np.arange(n, dtype=np.int64)
    if policy == "earliest":
        return np.lexsort((g, comp))
    # how many members of the same cluster share each document's exact key
    o = np.lexsort((keyhash, comp))
    new = np.ones(n, dtype=bool)
    new[1:] = (comp[o][1:] != comp[o][:-1]) | (keyhash[o][1:] != keyhash[o][:-1])
    run = np.cumsum(new) - 1
    counts = np.bincount(run)
    same = np.empty(n, dtype=np.int64)
    same[o] = counts[run]
    return np.lexsort((g, -same, -keylen, comp))


def keepers(comp: np.ndarray, keylen: np.ndarray, keyhash: np.ndarray, policy: str) -> np.ndarray:
    """The first document of each document's cluster in keep-policy order (itself when alone).

    >>> keepers(np.array([0, 0, 0, 1]), np.array([5, 9, 9, 3]), np.array([1, 2, 2, 3], np.uint64), "most_complete").tolist()
    [1, 1, 1, 3]
    """
    n = len(comp)
    order = keep_order(comp, keylen, keyhash, policy)
    first = np.ones(n, dtype=bool)
    first[1:] = comp[order][1:] != comp[order][:-1]
    keeper_of = np.empty(int(comp.max()) + 1 if n else 0, dtype=np.int64)
    keeper_of[comp[order][first]] = order[first]
    return keeper_of[comp]


@dataclass(frozen=True)
class Solved:
    """Each document's direct representative: itself when kept, else the kept document it matches."""

    rep: np.ndarray  # int64, the kept document each one is a direct match of (itself when kept)
    score: np.ndarray  # float64, the direct score against ``rep`` (nan when kept)
    reason: np.ndarray  # int8, index into REASONS (-1 when kept)
    rounds: int
    unsolved: int  # members left kept because ``max_rounds`` was reached (a missed duplicate, never a loss)


def _slices(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] .. starts[i] + lengths[i] - 1`` of every slice, concatenated.

    >>> _slices(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    total = int(lengths.sum())
    if not total:
        return np.empty(0, np.int64)
    shift = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return shift + np.arange(total, dtype=np.int64)


@dataclass
class _Buckets:
    """The "could match" relation of a solve, built once: buckets of members, in keep order.

    A bucket is ``(component, column, hash)``: one per LSH band hash shared by
    valid members, plus one per non-zero key hash (the last column).  Two
    members could match exactly when they share a bucket, so a round looks at
    the buckets of its representatives only.  Buckets shrink as their members
    are decided (``length`` counts the live prefix of each slice of ``entries``).
    """

    entries: np.ndarray  # member of each bucket slot, bucket by bucket, in keep order
    start: np.ndarray
    length: np.ndarray
    member_off: np.ndarray  # CSR: buckets of member m are member_bucket[member_off[m]:member_off[m + 1]]
    member_bucket: np.ndarray


def _bucket_order(who: np.ndarray, cc: np.ndarray, hsh: np.ndarray, position: np.ndarray) -> np.ndarray:
    """An order of the bucket entries that puts each bucket ``(cc, hsh)`` together, its members in keep order.

    ``who`` lists members in keep order within each component.  One stable
    sort of a mixed 64-bit key (equal ``(cc, hsh)`` give an equal mix) groups
    the buckets and leaves their members in that order; a three-key
    ``lexsort`` cost twice as much.  Which bucket comes first never matters
    to a solve (it reads buckets by member).  Should two buckets mix to the
    same key (a 64-bit collision), the exact ``lexsort`` is used instead.
    """
    mix = hsh ^ (cc.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    o = np.argsort(mix, kind="stable")
    m, c, h = mix[o], cc[o], hsh[o]
    if np.any((m[1:] == m[:-1]) & ((c[1:] != c[:-1]) | (h[1:] != h[:-1]))):
        return _bucket_order_exact(who, cc, hsh, position)
    return o


def _bucket_order_exact(who: np.ndarray, cc: np.ndarray, hsh: np.ndarray, position: np.ndarray) -> np.ndarray:
    """:func:`_bucket_order` by sorting on ``(cc, hsh, position)`` itself."""
    return np.lexsort((position[who], hsh, cc))


def _buckets(comp: np.ndarray, position: np.ndarray, members: np.ndarray, bands: np.ndarray, valid: np.ndarray, keyhash: np.ndarray) -> _Buckets:
    """Buckets of ``members`` (the members of components of two or more) that hold two or more."""
    n = len(comp)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    who, col, hsh = [], [], []
    if nb:
        v = members[valid[members]]
        who.append(np.repeat(v, nb))
        col.append(np.tile(np.arange(nb, dtype=np.int64), len(v)))
        hsh.append(bands[v].reshape(-1).astype(np.uint64))
    k = members[keyhash[members] != 0]
    who.append(k)
    col.append(np.full(len(k), nb, dtype=np.int64))
    hsh.append(keyhash[k].astype(np.uint64))
    who_a, col_a, hsh_a = np.concatenate(who), np.concatenate(col), np.concatenate(hsh)
    cc = comp[who_a] * (nb + 1) + col_a
    o = _bucket_order(who_a, cc, hsh_a, position)
    who_a, cc, hsh_a = who_a[o], cc[o], hsh_a[o]
    new = np.ones(len(who_a), dtype=bool)
    new[1:] = (cc[1:] != cc[:-1]) | (hsh_a[1:] != hsh_a[:-1])
    bid = np.cumsum(new) - 1
    size = np.bincount(bid) if len(bid) else np.empty(0, np.int64)
    shared = size[bid] >= 2  # a bucket of one relates nothing
    entries, bid = who_a[shared], bid[shared]
    new = np.ones(len(bid), dtype=bool)
    new[1:] = bid[1:] != bid[:-1]
    start = np.flatnonzero(new).astype(np.int64)
    length = np.diff(np.append(start, len(entries))).astype(np.int64)
    bucket = np.cumsum(new) - 1
    by_member = np.argsort(entries, kind="stable")
    member_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entries, minlength=n), out=member_off[1:])
    return _Buckets(entries, start, length, member_off, bucket[by_member].astype(np.int64))


def solve_clusters(
    comp: np.ndarray,
    order: np.ndarray,
    bands: np.ndarray,
    valid: np.ndarray,
    keyhash: np.ndarray,
    verify: Any,
    max_rounds: int = 10_000,
    sizes: np.ndarray | None = None,
) -> Solved:
    """Decide every cluster so that each removal is a direct match of a kept document.

    A connected component of verified pairs can chain documents that share
    nothing (document i is close to i+1, the ends are unrelated): removing the
    whole component in favour of one member loses text. Here, per component and
    in keep order (``order``, from :func:`keep_order`), the first undecided
    member is kept as a representative; every other undecided member that
    could match it (a shared LSH band or an identical key) is verified against
    it directly (``verify(pairs) -> (accepted, score, reason)``, pairs as
    ``(low, high)``), and removed only if accepted — and, for a containment
    match, only if it is the contained side (``sizes``: shingle counts; a
    longer document is never removed for containing a shorter one); the rest
    are solved again among themselves. All components advance together, one representative per
    round, so the verification of a round is one batch.

    A round costs what its representatives could match, not the size of the
    open components: the buckets of "could match" (:class:`_Buckets`) are
    built once, a round reads the representatives' buckets only, and drops
    the members decided since from the buckets it reads.  A 200,000-member
    chain is thousands of rounds; each used to scan every undecided member.

    >>> comp = np.zeros(3, np.int64); bands = np.array([[1, 2], [1, 3], [4, 3]], np.uint64)
    >>> ok = lambda p: (np.array([sorted(x) in ([0, 1], [1, 2]) for x in p.tolist()]), np.ones(len(p)), np.ones(len(p), np.int8))
    >>> solve_clusters(comp, np.array([0, 1, 2]), bands, np.ones(3, bool), np.array([5, 6, 7], np.uint64), ok).rep.tolist()
    [0, 0, 2]
    """
    n = len(comp)
    rep = np.arange(n, dtype=np.int64)
    score = np.full(n, np.nan)
    reason = np.full(n, -1, dtype=np.int8)
    if not n:
        return Solved(rep, score, reason, 0, 0)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    size = np.bincount(comp)[comp]
    decided = size < 2
    # components of two (most of them): their rounds without buckets
    pair_rounds = _solve_twos(np.flatnonzero(size == 2), comp, position, bands, valid, keyhash, verify, max_rounds, sizes, rep, score, reason, decided)
    # the members of the other open components, component by component, each in keep order
    grouped = np.flatnonzero(size >= 3)
    grouped = grouped[np.lexsort((position[grouped], comp[grouped]))]
    if not len(grouped):
        return Solved(rep, score, reason, pair_rounds, int(np.sum(~decided)))
    buckets = _buckets(comp, position, grouped, bands, valid, keyhash)
    first = np.flatnonzero(np.r_[True, comp[grouped][1:] != comp[grouped][:-1]])
    ends = np.append(first[1:], len(grouped))
    # each open component's next undecided place in ``grouped`` (each place is passed once in all)
    cursor = dict(zip(first.tolist(), ends.tolist()))
    grouped_list = grouped.tolist()
    rounds = 0
    while cursor and rounds < max_rounds:
        heads_l: list[int] = []
        nxt: dict[int, int] = {}
        for p, end in cursor.items():
            while p < end and decided[grouped_list[p]]:
                p += 1
            if p < end:
                heads_l.append(grouped_list[p])
                nxt[p + 1] = end
        cursor = nxt
        if not heads_l:
            break
        rounds += 1
        heads = np.array(heads_l, dtype=np.int64)
        decided[heads] = True  # kept: a representative of its component
        # the heads' buckets, then their live members
        counts = buckets.member_off[heads + 1] - buckets.member_off[heads]
        hb = buckets.member_bucket[_slices(buckets.member_off[heads], counts)]
        hh = np.repeat(heads, counts)
        slots = _slices(buckets.start[hb], buckets.length[hb])
        mem = buckets.entries[slots]
        head_of = np.repeat(hh, buckets.length[hb])
        live = ~decided[mem]
        m, first_at = np.unique(mem[live], return_index=True)
        if len(m):
            h = head_of[live][first_at]
            _remove_verified(m, h, verify, sizes, rep, score, reason, decided)
        # the buckets read lose their decided members (each slot is dropped once)
        keep = ~decided[mem]
        lengths = buckets.length[hb]
        seg = np.repeat(np.arange(len(hb)), lengths)
        kept_upto = np.concatenate([[0], np.cumsum(keep)])
        rank = kept_upto[:-1] - kept_upto[np.cumsum(lengths) - lengths][seg]
        buckets.entries[buckets.start[hb][seg[keep]] + rank[keep]] = mem[keep]
        buckets.length[hb] = np.bincount(seg[keep], minlength=len(hb))
    unsolved = int(np.sum(~decided))
    return Solved(rep, score, reason, max(rounds, pair_rounds), unsolved)


def _remove_verified(m: np.ndarray, h: np.ndarray, verify: Any, sizes: np.ndarray | None, rep: np.ndarray, score: np.ndarray, reason: np.ndarray, decided: np.ndarray) -> None:
    """Members ``m`` verified against their kept representatives ``h`` (pairwise): those accepted are removed, in place."""
    accepted, s, r = verify(np.stack([np.minimum(m, h), np.maximum(m, h)], axis=1))
    if sizes is not None:
        # containment is measured against the smaller set: only the contained side may go
        accepted = accepted & ~((r == REASON_CODE["contained"]) & (sizes[m] > sizes[h]))
    m, h = m[accepted], h[accepted]
    rep[m], score[m], reason[m] = h, s[accepted], r[accepted]
    decided[m] = True


#: components of two compared at once by :func:`_solve_twos` (a gather of both members' band rows)
_TWOS_AT_ONCE = 1 << 18


def _solve_twos(
    members: np.ndarray,
    comp: np.ndarray,
    position: np.ndarray,
    bands: np.ndarray,
    valid: np.ndarray,
    keyhash: np.ndarray,
    verify: Any,
    max_rounds: int,
    sizes: np.ndarray | None,
    rep: np.ndarray,
    score: np.ndarray,
    reason: np.ndarray,
    decided: np.ndarray,
) -> int:
    """:func:`solve_clusters`' rounds for the components of two ``members``, in place; returns the rounds they take.

    Round 1 keeps the first in keep order; the other is verified against it
    when they could match (a band hash both valid members share, or an
    identical non-empty key: what their one common bucket would say) and
    removed if accepted (a containment only on the contained side).  Round 2
    keeps the one left.  The rounds are those :func:`solve_clusters` runs for
    every component at once, so they count alongside the others' (the most
    rounds any component takes), under the same ``max_rounds``.
    """
    if not len(members) or max_rounds < 1:
        return 0
    o = members[np.lexsort((position[members], comp[members]))]
    heads, others = o[0::2], o[1::2]
    decided[heads] = True
    nb = bands.shape[1] if bands.ndim == 2 else 0
    for s in range(0, len(heads), _TWOS_AT_ONCE):
        h, m = heads[s : s + _TWOS_AT_ONCE], others[s : s + _TWOS_AT_ONCE]
        could = (keyhash[h] == keyhash[m]) & (keyhash[h] != 0)
        if nb:
            could |= valid[h] & valid[m] & (bands[h] == bands[m]).any(axis=1)
        h, m = h[could], m[could]
        if not len(m):
            continue
        _remove_verified(m, h, verify, sizes, rep, score, reason, decided)
    left = others[~decided[others]]
    if not len(left):
        return 1
    if max_rounds < 2:
        return 1  # left undecided: unsolved, as the joint rounds would leave them
    decided[left] = True  # round 2: each kept, a representative of its own
    return 2


def template_shares(comp: np.ndarray, bands: np.ndarray, valid: np.ndarray, min_members: int) -> np.ndarray:
    """Per component, how much of its members' text most of them share (nan below ``min_members``).

    The share of its valid members' LSH band hashes (cells of the band table)
    that at least half of the component's valid members hold in the same band:
    a MinHash estimate of the text common to most members.  Pages of one
    template with a different fill each share it (about 0.7 for a 12-sentence
    frame around one sentence), as do many copies of one story; a chain (each
    document close to the next) does not, whatever its size, because a band
    hash is held by a few neighbours only.  Units cannot tell: pages without
    line breaks are one unit each, all different.

    >>> b = np.array([[1, 2], [1, 3], [1, 4], [5, 6]], np.uint64)
    >>> template_shares(np.array([0, 0, 0, 1]), b, np.ones(4, bool), 2).round(2).tolist()
    [0.5, nan]
    """
    sizes = np.bincount(comp) if len(comp) else np.empty(0, np.int64)
    share = np.full(len(sizes), np.nan)
    nb = bands.shape[1] if bands.ndim == 2 else 0
    big = np.flatnonzero(sizes >= min_members)
    if not nb or not len(big):
        return share
    who = np.flatnonzero(np.isin(comp, big) & valid)
    members = np.bincount(comp[who], minlength=len(sizes))
    cc = np.repeat(comp[who] * nb, nb) + np.tile(np.arange(nb, dtype=np.int64), len(who))
    h = bands[who].reshape(-1)
    o = np.lexsort((h, cc))
    cc, h = cc[o], h[o]
    new = np.ones(len(cc), dtype=bool)
    new[1:] = (cc[1:] != cc[:-1]) | (h[1:] != h[:-1])
    run = np.cumsum(new) - 1
    held = np.bincount(run)[run]  # members of the component holding this cell's hash in this band
    c = cc // nb
    common = held * 2 >= members[c]
    cells = members * nb
    share[big] = 0.0
    has = cells > 0
    share[has] = np.bincount(c[common], minlength=len(sizes))[has] / cells[has]
    return share


def boilerplate_table(units: np.ndarray, owner_doc: np.ndarray, comp: np.ndarray, config: BoilerplateConfig) -> tuple[np.ndarray, int]:
    """Sorted boilerplate unit hashes and the count threshold.

    Units are counted once per *cluster* (``comp`` labels each document's
    cluster): five near-copies of one story do not make its paragraphs
    boilerplate, five different stories sharing a line do.
    """
    if not config.enabled or not len(units):
        return np.empty(0, np.uint64), 0
    n_clusters = len(np.unique(comp))
    threshold = max(config.min_docs, math.ceil(config.share * n_clusters))
    hashes, counts = clusters_per_unit(units, comp[owner_doc])
    return hashes[counts >= threshold], threshold


def clusters_per_unit(units: np.ndarray, cluster: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct unit hash, sorted, and how many distinct clusters hold it (``cluster``: each unit's).

    One two-key sort instead of ``np.unique`` of the ``(unit, cluster)`` rows
    (a row-wise sort of a structured view, then a second ``unique``).

    >>> h, n = clusters_per_unit(np.array([9, 4, 9, 9], np.uint64), np.array([0, 0, 1, 0]))
    >>> h.tolist(), n.tolist()
    ([4, 9], [1, 2])
    """
    u = units.astype(np.uint64)
    o = np.lexsort((cluster, u))
    us, cs = u[o], cluster[o]
    pair_starts = np.ones(len(us), dtype=bool)
    pair_starts[1:] = (us[1:] != us[:-1]) | (cs[1:] != cs[:-1])
    held = us[pair_starts]  # one per (unit, cluster), sorted by unit
    starts = np.flatnonzero(np.r_[True, held[1:] != held[:-1]]) if len(held) else np.empty(0, np.int64)
    return held[starts], np.diff(np.append(starts, len(held))).astype(np.int64)


def boilerplate_owners(boiler: np.ndarray, units: np.ndarray, owner_doc: np.ndarray, kept: np.ndarray, config: BoilerplateConfig) -> np.ndarray:
    """The document that keeps each boilerplate unit: the first kept one having it (``keep="first"``), else -1."""
    owners = np.full(len(boiler), -1, dtype=np.int64)
    if config.keep == "first" and len(boiler):
        m = kept[owner_doc] & np.isin(units, boiler)
        u, d = units[m], owner_doc[m]
        o = np.lexsort((d, u))
        u, d = u[o], d[o]
        firsts = np.ones(len(u), dtype=bool)
        firsts[1:] = u[1:] != u[:-1]
        owners[np.searchsorted(boiler, u[firsts])] = d[firsts]
    return owners


def content_lengths(keylen: np.ndarray, boiler: np.ndarray, units: np.ndarray, unit_len: np.ndarray, owner_doc: np.ndarray) -> np.ndarray:
    """Key length of each document without its boilerplate units: what "most complete" compares.

    A copy is not more complete for carrying a copyright line.
    """
    if not len(boiler):
        return keylen
    hit = np.isin(units, boiler)
    minus = np.bincount(owner_doc[hit], weights=unit_len[hit], minlength=len(keylen)).astype(np.int64)
    return np.maximum(keylen - minus, 0)


__all__ = [
    "Solved",
    "boilerplate_owners",
    "boilerplate_table",
    "candidate_pairs",
    "content_lengths",
    "keep_order",
    "keepers",
    "near_threshold",
    "pair_codes",
    "rederive",
    "solve_clusters",
    "template_shares",
]
