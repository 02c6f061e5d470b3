"""The batched forms of corpus mode's per-document steps give what the one-at-a-time forms give."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.corpus.batch import _document_keys, _unit_table, document_key, hash64, hash64_many, unit_keys
from dedup.corpus.config import CorpusConfig
from dedup.engines import local
from dedup.engines.local import band_pairs, unique_pairs
from dedup.fingerprint.lsh import bucket_pairs, maybe_repeated
from dedup.fingerprint.lsh import unique_pairs as lsh_unique_pairs

#: mixed scripts, punctuation, line breaks, characters beyond the BMP
_TEXT = st.text(alphabet=st.sampled_from(list("推进义务教育双减政策abc XYZ，。！\n１２\U00020000\U0001F600-")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_document_keys_of_a_batch_are_each_documents_key(texts: list[str]) -> None:
    config = CorpusConfig()
    per_unit = [unit_keys(t, config) for t in texts]
    assert _document_keys(texts, per_unit) == [document_key(t, uk) for t, uk in zip(texts, per_unit)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "双", "双减政策", "the cat", "the cat "]), max_size=30), st.integers(1, 6))
def test_hashes_once_per_distinct_key_are_hash64(keys: list[str], min_chars: int) -> None:
    got = hash64_many(keys, min_chars)
    assert got.dtype == np.uint64 and got.tolist() == [hash64(k) if len(k) >= min_chars else 0 for k in keys]


def _unit_table_per_document(hashes: list[list[int]], lengths: list[list[int]]) -> tuple[list[int], list[int], list[int]]:
    """The per-document form :func:`_unit_table` replaced: a dict from non-zero hash to length, sorted."""
    units, off, lens = [], [0], []
    for hs, ls in zip(hashes, lengths):
        length = {h: n for h, n in zip(hs, ls) if h}
        units += sorted(length)
        lens += [length[h] for h in sorted(length)]
        off.append(len(units))
    return units, off, lens


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from([0, 1, 2, 7, 2**63, 2**64 - 1]), st.integers(0, 40)), max_size=8), max_size=8))
def test_unit_table_of_a_batch_is_each_documents_sorted_units(docs: list[list[tuple[int, int]]]) -> None:
    hashes = [[h for h, _ in d] for d in docs]
    lengths = [[n for _, n in d] for d in docs]
    span_off = np.cumsum([0, *map(len, docs)]).astype(np.int64)
    flat_h = np.array([h for d in hashes for h in d], dtype=np.uint64)
    flat_n = np.array([n for d in lengths for n in d], dtype=np.int64)
    units, off, lens = _unit_table(flat_h, span_off, flat_n)
    assert (units.dtype, off.dtype, lens.dtype) == (np.uint64, np.int64, np.int32)
    assert (units.tolist(), off.tolist(), lens.tolist()) == _unit_table_per_document(hashes, lengths)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 50).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))))
def test_unique_pairs_is_numpys_row_unique(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, rows = case
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    expected = np.unique(pairs, axis=0) if len(pairs) else np.empty((0, 2), np.int64)
    for unique in (unique_pairs, lsh_unique_pairs):  # the engine's, and the one candidate_pairs and verification use
        got = unique(pairs, n)
        assert got.dtype == np.int64 and got.tolist() == expected.tolist()


def _band_pairs_band_by_band(bands: np.ndarray, ids: np.ndarray, rank: np.ndarray, limit: int) -> np.ndarray:
    """The form :func:`band_pairs` replaced: ``lsh.bucket_pairs`` once per band, the rows made unique."""
    out = [bucket_pairs(np.full(len(ids), b, dtype=np.int64), bands[ids, b], ids, rank[ids], limit) for b in range(bands.shape[1])]
    return unique_pairs(np.concatenate(out) if out else np.empty((0, 2), np.int64), len(bands))


#: few hash values (big buckets), some equal in their low bits only (maybe_repeated's slots), some above 2**63
_BAND_HASHES = st.sampled_from([0, 1, 2, 3, 257, 2**40 + 1, 2**63 + 3, 2**64 - 1])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 30).flatmap(lambda n: st.tuples(
    st.lists(st.lists(_BAND_HASHES, min_size=4, max_size=4), min_size=n, max_size=n),
    st.lists(st.integers(0, 5), min_size=n, max_size=n),  # ranks with ties
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.integers(1, 12),
    st.booleans(),
)))
def test_band_pairs_are_bucket_pairs_band_by_band(case) -> None:  # type: ignore[no-untyped-def]
    """Same rows whatever the ties in hashes and ranks, and with buckets over ``limit`` (stars and chains).

    Both ways of making pairs unique: one 64-bit code per pair, and rows (for
    corpora too big for a code, ``PAIR_CODE_LIMIT``).
    """
    rows, rank, valid, limit, as_rows = case
    bands = np.array(rows, dtype=np.uint64).reshape(-1, 4)
    ids = np.flatnonzero(np.array(valid, dtype=bool))
    r = np.array(rank, dtype=np.int64)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local, "PAIR_CODE_LIMIT", 0 if as_rows else 2**31)
        got = band_pairs(bands, ids, r, limit).tolist()
    assert got == _band_pairs_band_by_band(bands, ids, r, limit).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(_BAND_HASHES | st.integers(0, 2**64 - 1), max_size=40))
def test_maybe_repeated_holds_every_repeated_value(values: list[int]) -> None:
    got = maybe_repeated(np.array(values, dtype=np.uint64)).tolist()
    counts = Counter(values)
    assert all(g for g, v in zip(got, values) if counts[v] >= 2)
    # and rules out a value that no other shares its lowest 4 bits with (a slot is at least 4 bits)
    low = Counter(v & 15 for v in values)
    assert not any(g for g, v in zip(got, values) if low[v & 15] == 1)


_LINES = st.sampled_from(["版权所有，转载请注明出处。", "推进义务教育优质均衡发展。", "The cat sat on the mat.", "", "助力双减政策落地见效！"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_LINES, max_size=6), min_size=1, max_size=8), st.data())
def test_finishing_with_fingerprintings_unit_counts_is_finishing_without(docs: list[list[str]], data: st.DataObject) -> None:
    from dataclasses import asdict

    from dedup.corpus.batch import fingerprint_batch, finish_batch

    config = CorpusConfig(clean=False)
    texts = ["\n".join(lines) for lines in docs]
    prints = fingerprint_batch(texts, config)
    boiler = np.unique(prints.span_units[prints.span_units != 0])[: data.draw(st.integers(0, 3))]
    owners = np.array(data.draw(st.lists(st.integers(-1, len(texts) - 1), min_size=len(boiler), max_size=len(boiler))), dtype=np.int64)
    numbers = list(range(len(texts)))
    kept = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    has_bp = [bool(np.isin(prints.span_units[prints.span_off[i] : prints.span_off[i + 1]], boiler).any()) for i in numbers]
    known = [prints.span_units[prints.span_off[i] : prints.span_off[i + 1]] if has_bp[i] else None for i in numbers]
    counts = np.diff(prints.span_off).tolist()
    plain = finish_batch((texts, numbers, kept, has_bp), boiler, owners, config)
    fast = finish_batch((texts, numbers, kept, has_bp, known, counts), boiler, owners, config)
    assert [asdict(f) for f in fast] == [asdict(f) for f in plain]


#: characters whose case folding grows (ß, İ, ﬁ) or depends on nothing around it (Σ, ς), CJK, a lone surrogate
_FOLDING = st.text(alphabet=st.sampled_from(list("推进义务教育ßİﬁΣςσAbc ，。\ud800①")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FOLDING, max_size=10))
def test_keys_folded_as_one_batch_are_each_texts_key(texts: list[str]) -> None:
    """One ``casefold`` of the joined batch (where no character grows) gives each text's own key."""
    from dedup.fingerprint.keys import matching_key, matching_keys

    assert matching_keys(texts) == [matching_key(t) for t in texts]


def _verified_as_key_pairs(keys: list[str], pairs: list[tuple[int, int]], match) -> np.ndarray:  # type: ignore[no-untyped-def]
    """How corpus mode verified a chunk before: the key pairs, keys numbered as met, ids and CJK flags found by the scorer."""
    from dedup.cluster import verify_pairs as verify_batch
    from dedup.fingerprint.shingle import shingle_sets

    if not pairs:
        return np.zeros((0, 5))
    number: dict[str, int] = {}
    ends = np.array([[number.setdefault(keys[x], len(number)) for x in p] for p in pairs], dtype=np.int64)
    ks = list(number)
    v = verify_batch(ends, ks, shingle_sets(ks, match.shingles), match)
    return np.stack([v.accepted, v.similarity, v.jaccard, v.containment, v.reason], axis=1).astype(np.float64)


_KEYS = st.sampled_from(["推进义务教育优质均衡发展助力双减政策落地见效", "推进义务教育优质均衡发展助力双减政策落地见效了", "推进义务教育", "",
                         "the cat sat on the mat again", "the cat sat on the mat", "双减", "一段毫不相干的文字讲的是别的事情"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_KEYS, min_size=2, max_size=12).flatmap(lambda keys: st.tuples(
    st.just(keys),
    st.lists(st.tuples(st.integers(0, len(keys) - 1), st.integers(0, len(keys) - 1)).filter(lambda p: p[0] < p[1]), max_size=20, unique=True),
)), st.booleans())
def test_document_pairs_verified_once_per_key_score_as_key_pairs(case, table: bool) -> None:  # type: ignore[no-untyped-def]
    """The chunk corpus mode verifies (each document's key read once, equal keys once) scores as its key pairs.

    ``table``: every batch takes the code-point table path, whose CJK flags
    verify_key_pairs hands on instead of computing them again.
    """
    from dedup.corpus import corpus_match
    from dedup.corpus.batch import verify_key_pairs, verify_pairs
    from dedup.corpus.pairs import key_pairs
    from dedup.fingerprint import shingle

    keys, pairs = case
    match = corpus_match()
    reads: list[int] = []

    class Reader:
        def __getitem__(self, d: int) -> str:
            reads.append(d)
            return keys[d]

    with pytest.MonkeyPatch.context() as mp:
        if table:
            mp.setattr(shingle, "TABLE_MIN_CHARS", 0)
        expected = _verified_as_key_pairs(keys, pairs, match)
        job = key_pairs(np.array(pairs, dtype=np.int64).reshape(-1, 2), Reader())
        got = verify_key_pairs(job, match)
        np.testing.assert_array_equal(verify_pairs([(keys[a], keys[b]) for a, b in pairs], match), expected)
    assert sorted(reads) == sorted({d for p in pairs for d in p})  # each document read once
    assert len(set(job[1])) == len(job[1])
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_BAND_HASHES, st.integers(0, 4)), max_size=40))
def test_clusters_per_unit_are_unique_unit_cluster_rows_counted(rows: list[tuple[int, int]]) -> None:
    """What boilerplate_table counted before: ``np.unique`` of the (unit, cluster) rows, then of their units."""
    from dedup.corpus.decide import clusters_per_unit

    units = np.array([u for u, _ in rows], dtype=np.uint64)
    cluster = np.array([c for _, c in rows], dtype=np.int64)
    pairs = np.unique(np.stack([units, cluster.astype(np.uint64)], axis=1), axis=0) if rows else np.empty((0, 2), np.uint64)
    expected = np.unique(pairs[:, 0], return_counts=True)
    got = clusters_per_unit(units, cluster)
    assert got[0].dtype == np.uint64 and got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()
