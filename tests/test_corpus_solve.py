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
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from dedup.corpus import CorpusConfig, dedup_records, solve_clusters
from dedup.fingerprint.keys import matching_key
from dedup.testing import synthetic_paragraphs

CONFIG = CorpusConfig(clean=False)


def _stream(seed: int, n: int) -> list[str]:
    """Distinct sentences of a synthetic news stream (one sentence each, ending in 。)."""
    out: list[str] = []
    for p in synthetic_paragraphs(seed, n * 2, min_chars=20, max_chars=40):
        s = p.rstrip("。！？") + "。"
        if s not in out:
            out.append(s)
        if len(out) == n:
            break
    return out


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
