"""Micro-benchmarks of each hot-loop stage (pytest-benchmark), small enough to run as plain tests.

``python -m pytest tests/matching/test_bench_stages.py --benchmark-disable`` runs every
stage once and checks its answer; without ``--benchmark-disable`` each stage
is timed over a few rounds under both kernel modes (``numba``, ``numpy``), so
``--benchmark-group-by=func`` shows the two side by side.  The heavy
comparisons (datasketch, rensa, 1k-100k documents) live in
``benchmarks/side_by_side.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dedup import check, clean
from dedup.cluster import MatchConfig, find_clusters, fingerprint, identical_pairs, score_pair, verify_pairs
from dedup.fingerprint.keys import matching_key
from dedup.fingerprint.lsh import candidates_from_bands, unique_pairs
from dedup.fingerprint.minhash import signatures, signatures_of_batch, signatures_reference
from dedup.fingerprint.shingle import batch_shingle_sets, shingle_hashes, symbol_batch
from dedup.testing import make_corpus

from test_fingerprint_fast import kernel_mode

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed_zh_press.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
POOL = [p for p in SEED_TEXT.split("\n") if len(p.strip()) >= 30]
MODES = ("numba", "numpy")


@pytest.fixture(scope="module")
def doc_keys() -> list[str]:
    """~300 documents with exact and near copies, as whitespace-free keys."""
    c = make_corpus(4, 300, paragraphs=POOL)
    return ["".join(r["text"].split()) for r in c.records]


def _pedantic(benchmark, fn):
    return benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("mode", MODES)
def test_bench_shingling(benchmark, mode, doc_keys):
    with kernel_mode(mode):
        sets = _pedantic(benchmark, lambda: batch_shingle_sets(symbol_batch(doc_keys)))
    for i in range(0, len(doc_keys), 37):
        assert np.array_equal(sets[i], shingle_hashes(doc_keys[i]))


@pytest.mark.parametrize("mode", MODES)
def test_bench_signatures(benchmark, mode, doc_keys):
    with kernel_mode(mode):
        batch = symbol_batch(doc_keys)
        sigs = _pedantic(benchmark, lambda: signatures_of_batch(batch))
    some = list(range(0, len(doc_keys), 50))
    assert np.array_equal(sigs[some], signatures_reference([shingle_hashes(doc_keys[i]) for i in some]))


@pytest.mark.parametrize("mode", MODES)
def test_bench_lsh(benchmark, mode, doc_keys):
    config = MatchConfig()
    with kernel_mode(mode):
        fp = fingerprint(doc_keys, config)
        valid = np.flatnonzero(fp.sets.sizes > 0)
        cand = _pedantic(benchmark, lambda: candidates_from_bands(fp.band_hashes[valid], valid, config.lsh.max_bucket_pairs))
    # exact copies share every band, so every identical pair is a candidate
    _, same = identical_pairs(doc_keys)
    found = {tuple(p) for p in cand.tolist()}
    assert len(same) > 0 and all(tuple(p) in found for p in same.tolist())


@pytest.mark.parametrize("mode", MODES)
def test_bench_verification(benchmark, mode, doc_keys):
    config = MatchConfig()
    with kernel_mode(mode):
        fp = fingerprint(doc_keys, config)
        valid = np.flatnonzero(fp.sets.sizes > 0)
        key_id, same = identical_pairs(doc_keys)
        pairs = unique_pairs(np.concatenate([candidates_from_bands(fp.band_hashes[valid], valid, config.lsh.max_bucket_pairs), same]), len(doc_keys))
        v = _pedantic(benchmark, lambda: verify_pairs(pairs, doc_keys, fp.sets, config, key_id=key_id, cjk=fp.cjk))
    sets = [fp.sets[i] for i in range(len(doc_keys))]
    got = v.to_pairs()
    for k in range(0, len(pairs), max(1, len(pairs) // 40)):
        a, b = pairs[k].tolist()
        assert got[k] == score_pair(a, b, doc_keys, sets, config)


@pytest.mark.parametrize("mode", MODES)
def test_bench_clustering(benchmark, mode, doc_keys):
    with kernel_mode(mode):
        r = _pedantic(benchmark, lambda: find_clusters(doc_keys))
    # identical documents always end up in the same cluster
    first: dict[str, int] = {}
    for i, k in enumerate(doc_keys):
        j = first.setdefault(k, i)
        assert r.labels[i] == r.labels[j] and (j == i or r.labels[i] >= 0)


def test_bench_keys(benchmark):
    paras = [p for p in SEED_TEXT.split("\n") if p.strip()]
    keys = _pedantic(benchmark, lambda: [matching_key(p) for p in paras])
    assert len(keys) == len(paras) and all(" " not in k for k in keys if k)


def test_bench_reconstruct_whole_sample(benchmark):
    """The whole single-document pipeline (reconstruction included) on the sample."""
    raw = SEED.read_bytes()
    result = _pedantic(benchmark, lambda: clean(raw))
    assert check(raw.decode("utf-8"), result.text, result.report) == []
    assert len(result.text) < len(raw.decode("utf-8"))
