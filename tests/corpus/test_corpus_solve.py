"""Corpus clusters are solved, never collapsed: every removed document directly matches a kept one.

A connected component of verified pairs can chain documents that share nothing
(document i is sentences i..i+7 of a news stream: neighbours share 7 of 8
sentences, the ends of the chain nothing).  Removing all but one member of such a
component loses text; this is how Marin lost whole sources
(marin-community/marin#6854).  Each removal must be a direct match at the threshold.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from dedup.corpus import CorpusConfig, dedup_records, solve_clusters
from dedup.fingerprint.keys import matching_key
from dedup.testing import synthetic_sentences

CONFIG = CorpusConfig(clean=False)


_stream = synthetic_sentences  # a synthetic news stream, one sentence each


def chain_corpus(seed: int, docs: int, width: int = 8) -> list[dict[str, str]]:
    sents = _stream(seed, docs + width)
    return [{"id": f"d{i:04d}", "text": "".join(sents[i : i + width])} for i in range(docs)]


def _direct(a: str, b: str) -> tuple[float, float]:
    """Edit similarity and sentence containment of two documents, computed apart from the engine."""
    ka, kb = matching_key(a), matching_key(b)
    sim = fuzz.ratio(ka, kb) / 100
    sa, sb = set(a.split("。")) - {""}, set(b.split("。")) - {""}
    cont = len(sa & sb) / min(len(sa), len(sb))
    return sim, cont


def _run(records: list[dict[str, str]], config: CorpusConfig = CONFIG) -> dict[str, object]:
    return {d.id: d for d in dedup_records(records, config)}


def test_chain_corpus_removes_only_direct_matches() -> None:
    records = chain_corpus(7, 280)
    text = {r["id"]: r["text"] for r in records}
    out = _run(records)
    removed = [d for d in out.values() if not d.kept]
    assert removed, "neighbours in the chain are near-duplicates: some must be removed"
    for d in removed:
        assert d.match in ("similar", "identical", "contained"), d
        assert out[d.duplicate_of].kept, f"{d.id} removed in favour of {d.duplicate_of}, which is removed too"
        sim, cont = _direct(text[d.id], text[d.duplicate_of])
        assert sim >= CONFIG.match.threshold - 0.02 or cont >= CONFIG.match.containment, (d.id, d.duplicate_of, sim, cont)
        assert d.score >= min(CONFIG.match.threshold, CONFIG.match.containment)
    # the sentences of the corpus survive in the kept documents
    sentences = {s for t in text.values() for s in t.split("。") if s}
    kept_sentences = {s for d in out.values() if d.kept for s in text[d.id].split("。") if s}
    assert len(kept_sentences) / len(sentences) >= 0.97


def test_decisions_do_not_depend_on_input_order() -> None:
    records = chain_corpus(11, 120)
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    a, b = _run(records), _run(shuffled)
    assert {k: (v.duplicate_of, v.cluster) for k, v in a.items()} == {k: (v.duplicate_of, v.cluster) for k, v in b.items()}


def test_giant_cluster_is_named_with_a_warning_and_solved(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from dedup.cli import main

    # a template corpus: one frame of 12 sentences, a different fill sentence per document
    frame = _stream(5, 12)
    fills = _stream(9, 60)
    src = tmp_path / "template.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(60):
            f.write(json.dumps({"id": f"t{i:03d}", "text": "".join(frame[:6]) + fills[i] + "".join(frame[6:])}, ensure_ascii=False) + "\n")
    rep = tmp_path / "report.jsonl"
    code = main(["corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(rep), "--no-clean", "--giant-cluster", "50", "--stats", "--workers", "1"])
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if "warning: cluster" in line]
    assert len(warnings) == 1 and "has 60 documents" in warnings[0], err
    stats = json.loads(err[-1])
    assert stats["giant_clusters"][0]["size"] == 60
    rows = [json.loads(line) for line in rep.read_text(encoding="utf-8").splitlines()]
    assert all(r["warning"] == "giant cluster" for r in rows)
    assert all(r["match"] != "transitive" for r in rows)


def _fake_verify(similar: set[tuple[int, int]]):  # type: ignore[no-untyped-def]
    def verify(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ok = np.array([(int(a), int(b)) in similar for a, b in pairs], dtype=bool)
        return ok, np.where(ok, 0.9, 0.1), np.where(ok, 1, 0).astype(np.int8)

    return verify


@given(st.integers(2, 40).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))), st.randoms())
@settings(max_examples=200)
def test_solver_every_removal_is_direct_and_every_kept_pair_is_not(case: tuple[int, set[tuple[int, int]]], rnd: random.Random) -> None:
    """Property: a removed member's representative is kept and directly similar to it; two kept
    members of one component are never a verified match (the solver would have removed one)."""
    n, raw = case
    similar = {(min(a, b), max(a, b)) for a, b in raw if a != b}
    # components of the similarity graph (plain union-find, apart from the code under test)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in similar:
        parent[find(a)] = find(b)
    comp = np.array([find(i) for i in range(n)], dtype=np.int64)
    order = np.array(sorted(range(n), key=lambda i: (comp[i], rnd.random())), dtype=np.int64)
    bands = np.zeros((n, 1), np.uint64)  # every pair may match: the verifier alone decides
    solved = solve_clusters(comp, order, bands, np.ones(n, bool), np.arange(1, n + 1, dtype=np.uint64), _fake_verify(similar))
    rep = solved.rep
    for i in range(n):
        if rep[i] != i:
            assert rep[rep[i]] == rep[i], "represented by a removed document"
            assert (min(i, rep[i]), max(i, rep[i])) in similar, "removed without a direct match"
            assert comp[rep[i]] == comp[i]
    kept = [i for i in range(n) if rep[i] == i]
    for a in kept:
        for b in kept:
            if a < b:
                assert (a, b) not in similar, "two kept documents match directly"


def _kernel_threads(_: object) -> int:
    from dedup.fingerprint import kernels

    return kernels.workers()


def test_workers_n_means_n_kernel_threads_in_all() -> None:
    """``--workers 1`` used to run kernels on every core (2 here), which on a loaded machine was slower."""
    from dedup.engines.local import LocalEngine
    from dedup.fingerprint import kernels

    threads = _kernel_threads
    one = LocalEngine(1)
    assert list(one.imap(threads, range(3))) == [1, 1, 1]
    assert kernels.workers() == max(1, kernels.workers())  # the caller's own budget is untouched
    two = LocalEngine(2)
    try:
        assert list(two.imap(threads, range(4))) == [1, 1, 1, 1]
    finally:
        two.close()


# ---------------------------------------------------------------------------- the bucketed solver equals the scanning one


def _reference_solve(comp, order, bands, valid, keyhash, verify, max_rounds=10_000, sizes=None):  # type: ignore[no-untyped-def]
    """The solver as it was before rounds read buckets (commit 292648b), kept here as the oracle.

    It scans every undecided member of every open component each round (numpy,
    all 42 band hashes): obviously the rule, but a 200,000-member chain cost
    ~119 ms a round.  The bucketed solver must decide exactly the same.
    """
    from dedup.corpus import REASON_CODE

    n = len(comp)
    rep = np.arange(n, dtype=np.int64)
    score = np.full(n, np.nan)
    reason = np.full(n, -1, dtype=np.int8)
    if not n:
        return rep, score, reason, 0, 0
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    open_ = np.bincount(comp)[comp] >= 2
    head_of = np.full(int(comp.max()) + 1, -1, dtype=np.int64)
    rounds = 0
    while open_.any() and rounds < max_rounds:
        rounds += 1
        undecided = np.flatnonzero(open_)
        by_order = undecided[np.argsort(position[undecided], kind="stable")]
        _, first = np.unique(comp[by_order], return_index=True)
        heads = by_order[first]
        open_[heads] = False
        head_of[comp[heads]] = heads
        members = undecided[open_[undecided]]
        if not len(members):
            break
        h = head_of[comp[members]]
        banded = valid[members] & valid[h]
        if bands.ndim == 2 and bands.shape[1]:
            banded &= (bands[members] == bands[h]).any(axis=1)
        else:
            banded[:] = False
        could = banded | ((keyhash[members] == keyhash[h]) & (keyhash[members] != 0))
        m, h = members[could], h[could]
        if not len(m):
            continue
        accepted, s, r = verify(np.stack([np.minimum(m, h), np.maximum(m, h)], axis=1))
        if sizes is not None:
            accepted = accepted & ~((r == REASON_CODE["contained"]) & (sizes[m] > sizes[h]))
        m, h = m[accepted], h[accepted]
        rep[m], score[m], reason[m] = h, s[accepted], r[accepted]
        open_[m] = False
    return rep, score, reason, rounds, int(open_.sum())


def _pair_verify(seed: int, accept_share: float):  # type: ignore[no-untyped-def]
    """A verifier that answers each pair the same whatever batch it comes in (like the real one)."""

    def verify(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        out = [random.Random(f"{seed}:{a}:{b}") for a, b in pairs.tolist()]
        draws = [(r.random(), r.random(), r.choice((1, 2, 3))) for r in out]
        ok = np.array([d[0] < accept_share for d in draws], dtype=bool)
        return ok, np.array([0.85 + d[1] / 10 for d in draws]), np.array([d[2] for d in draws], dtype=np.int8)

    return verify


@st.composite
def _solve_cases(draw):  # type: ignore[no-untyped-def]
    """Random components, keep orders and band tables, with stars and chains of shared band hashes."""
    n = draw(st.integers(1, 60))
    n_comp = draw(st.integers(1, max(1, n // 2)))
    comp = np.array(draw(st.lists(st.integers(0, n_comp - 1), min_size=n, max_size=n)), dtype=np.int64)
    nb = draw(st.integers(0, 5))
    alphabet = draw(st.integers(1, 6))
    bands = np.array(draw(st.lists(st.lists(st.integers(1, alphabet), min_size=nb, max_size=nb), min_size=n, max_size=n)), dtype=np.uint64).reshape(n, nb)
    shape = draw(st.sampled_from(["random", "star", "chain"]))
    if nb and shape == "star":
        bands[:, 0] = 99  # everyone shares one bucket with everyone
    elif nb and shape == "chain":
        bands[:] = np.arange(n * nb, dtype=np.uint64).reshape(n, nb) + 1000  # nothing shared ...
        for i in range(n - 1):
            bands[i + 1, i % nb] = bands[i, i % nb]  # ... but each member with the next
    valid = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool) | (shape != "random")
    keyhash = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.uint64)
    order = np.array(draw(st.permutations(range(n))), dtype=np.int64)
    sizes = np.array(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=np.int64) if draw(st.booleans()) else None
    return comp, order, bands, valid, keyhash, sizes


@given(_solve_cases(), st.integers(0, 10**6), st.floats(0.0, 1.0), st.sampled_from([10_000, 1, 2, 3]), st.booleans())
@settings(max_examples=400, deadline=None)
def test_bucketed_solver_decides_exactly_as_the_scanning_one(case, seed: int, accept_share: float, max_rounds: int, exact: bool) -> None:  # type: ignore[no-untyped-def]
    """``exact``: the buckets grouped by the three-key sort a mix collision falls back to."""
    from dedup.corpus import decide

    comp, order, bands, valid, keyhash, sizes = case
    verify = _pair_verify(seed, accept_share)
    ref = _reference_solve(comp, order, bands, valid, keyhash, verify, max_rounds, sizes)
    with pytest.MonkeyPatch.context() as mp:
        if exact:
            mp.setattr(decide, "_bucket_order", decide._bucket_order_exact)
        got = solve_clusters(comp, order, bands, valid, keyhash, verify, max_rounds, sizes=sizes)
    np.testing.assert_array_equal(got.rep, ref[0])
    np.testing.assert_array_equal(got.score, ref[1])  # nan where kept, on both sides
    np.testing.assert_array_equal(got.reason, ref[2])
    # one representative per open component per round, as before: even a cut-off solve is the same
    assert (got.rounds, got.unsolved) == (ref[3], ref[4])


def test_members_left_unsolved_are_said_in_one_warning_line(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A solve cut off by max_solve_rounds keeps the rest (never removed unverified) and says so, even with -q."""
    import json

    from dedup import corpus_cli
    from dedup.cli import main

    src = tmp_path / "chain.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chain_corpus(7, 80)), encoding="utf-8")
    build = corpus_cli.config_from_args
    monkeypatch.setattr(corpus_cli, "config_from_args", lambda args: dataclasses.replace(build(args), max_solve_rounds=1))
    capsys.readouterr()
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--no-clean", "--workers", "1", "--no-checkpoint", "-q", "--stats"]) == 0
    err = capsys.readouterr().err.splitlines()
    stats = json.loads(err[-1])
    assert stats["solve_unsolved"] > 0, "the scenario: one round cannot solve an 80-document chain"
    lines = [x for x in err if "kept without being solved" in x]
    assert len(lines) == 1 and lines[0].startswith("dedup-text corpus: warning: ") and str(stats["solve_unsolved"]) in lines[0], err


def test_buckets_whose_mixed_keys_collide_are_still_told_apart() -> None:
    """Two buckets ``(cc, hash)`` built to mix to one 64-bit key: the order falls back to the exact sort."""
    from dedup.corpus.decide import _bucket_order, _bucket_order_exact

    k = np.uint64(0x9E3779B97F4A7C15)
    cc = np.array([0, 1, 0, 1], dtype=np.int64)
    hsh = np.array([5, 5 ^ int(k), 5, 5 ^ int(k)], dtype=np.uint64)  # mix = hash ^ cc * k: all four equal
    assert len(set((hsh ^ (cc.astype(np.uint64) * k)).tolist())) == 1
    who = np.array([3, 2, 1, 0], dtype=np.int64)
    position = np.array([0, 1, 2, 3], dtype=np.int64)
    o = _bucket_order(who, cc, hsh, position)
    assert o.tolist() == _bucket_order_exact(who, cc, hsh, position).tolist()
    # each bucket together, its members in keep order
    assert [(int(cc[i]), int(who[i])) for i in o] == [(0, 1), (0, 3), (1, 0), (1, 2)]
