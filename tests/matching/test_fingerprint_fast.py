"""Fast paths (numba kernels and batched numpy) against the reference paths they replace.

Every check runs the fast code under both ``DEDUP_KERNEL=numba`` and
``DEDUP_KERNEL=numpy`` and compares with an independent, plain implementation:
``shingle_hashes_reference`` (one shingle at a time), datasketch's MinHash,
Python sets, a dict-based LSH grouping, ``keys.is_cjk`` and rapidfuzz itself.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.cluster import edit_upper_bound, intersection_sizes
from dedup.fingerprint import kernels
from dedup.fingerprint.keys import is_cjk, matching_key
from dedup.fingerprint.lsh import LSHConfig, band_hashes, candidate_pairs, optimal_param
from dedup.fingerprint.minhash import MinHashConfig, signatures, signatures_csr, signatures_of_batch, signatures_reference
from dedup.fingerprint.shingle import (
    ShingleConfig,
    ShingleSets,
    cjk_flags,
    code_points,
    shingle_hashes,
    shingle_hashes_reference,
    shingle_sets,
    symbol_batch,
)

MODES = ("numba", "numpy")
SEED_TEXT = (Path(__file__).resolve().parents[2] / "examples" / "seed_zh_press.txt").read_text(encoding="utf-8")
SEED_KEYS = [matching_key(p) for p in SEED_TEXT.split("\n") if p.strip()]


@contextmanager
def kernel_mode(mode: str, workers: int | None = None):
    """Force the numba or numpy path (and a thread count) for the duration of a block."""
    saved = {k: os.environ.get(k) for k in ("DEDUP_KERNEL", "DEDUP_WORKERS")}
    os.environ["DEDUP_KERNEL"] = mode
    if workers is not None:
        os.environ["DEDUP_WORKERS"] = str(workers)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# keys mixing CJK, kana, hangul, Latin words, digits, astral characters and spaces
_alphabet = st.sampled_from(list("推进义务教育优质均衡发展的一是在了有和人日本語かなカナ한국어abcxyz019 𝐀𝠀é，。"))
keys_strategy = st.lists(st.text(_alphabet, max_size=40), max_size=12)


@given(keys_strategy, st.integers(1, 6), st.integers(1, 4))
def test_batched_shingle_sets_equal_reference(keys, char_ngram, word_ngram):
    config = ShingleConfig(char_ngram=char_ngram, word_ngram=word_ngram)
    expected = [shingle_hashes_reference(k, config) for k in keys]
    for mode in MODES:
        with kernel_mode(mode):
            got = shingle_sets(keys, config)
        assert len(got) == len(keys)
        assert [got[i].tolist() for i in range(len(keys))] == expected, mode


@given(keys_strategy)
def test_cjk_flags_equal_is_cjk(keys):
    cp, offsets = code_points(keys)
    for mode in MODES:
        with kernel_mode(mode):
            assert cjk_flags(cp, offsets).tolist() == [is_cjk(k) for k in keys], mode


@given(st.text(st.sampled_from(list("推进义务教育かなカナ한국어abc 019𝐀𝠀é，。①\ud800")), min_size=200, max_size=600), st.floats(0.05, 0.95))
def test_is_cjk_of_long_text_equals_the_character_by_character_rule(text, threshold):
    # long texts take a table path; it must agree with counting letters and CJK characters one by one
    letters = sum(map(str.isalpha, text))
    cjk = sum(1 for c in text if "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\u3040" <= c <= "\u30ff" or "\uac00" <= c <= "\ud7af")
    assert is_cjk(text, threshold) == (letters > 0 and cjk / letters >= threshold)


@given(st.lists(st.text(st.sampled_from(list("推进义务教育一是二、(1)①⑴记者：ＡＢabc AB，。!\ud800𝐀é\u0301 ")), max_size=40) | st.text(max_size=40), max_size=12))
def test_batched_matching_keys_equal_one_by_one(texts):
    from dedup.fingerprint.keys import matching_keys

    for mode in MODES:
        with kernel_mode(mode):
            assert matching_keys(texts) == [matching_key(t) for t in texts], mode


@given(st.text(min_size=250, max_size=700), st.booleans(), st.sampled_from(["", "\ud800", "𝐀\udfff"]))
def test_fold_of_long_text_equals_translate(text, drop, odd):
    from dedup.fingerprint.keys import _DROP, _TO_SPACE, fold

    text = odd + text + odd  # lone surrogates (read with surrogateescape) and astral letters
    table = _DROP if drop else _TO_SPACE
    assert fold(text, table) == text.translate(table)


@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40, unique=True), max_size=10),
    st.integers(1, 2**31 - 1),
    st.sampled_from([1, 7, 16, 64, 128]),
)
def test_signatures_equal_datasketch(sets, seed, num_perm):
    """The fast signatures are datasketch's affine32 MinHash, bit for bit."""
    config = MinHashConfig(num_perm=num_perm, seed=seed)
    arrays = [np.array(sorted(s), dtype=np.uint32) for s in sets]
    expected = signatures_reference(arrays, config)
    for mode in MODES:
        with kernel_mode(mode):
            assert np.array_equal(signatures(arrays, config), expected), mode
            packed = ShingleSets.from_sets(arrays)
            assert np.array_equal(signatures_csr(packed.indptr, packed.hashes, config, chunk=7), expected), mode


@given(keys_strategy, st.integers(1, 1000))
def test_fused_kernel_equals_signatures_of_sets(keys, seed):
    """Hashing, shingling and minima in one loop gives the signatures of the shingle sets."""
    config = MinHashConfig(num_perm=32, seed=seed)
    expected = signatures_reference([np.array(shingle_hashes_reference(k), dtype=np.uint32) for k in keys], config)
    for mode in MODES:
        with kernel_mode(mode):
            assert np.array_equal(signatures_of_batch(symbol_batch(keys), config), expected), mode


def test_reference_switch_gives_same_signatures():
    sets = [shingle_hashes(k) for k in SEED_KEYS[:20]]
    fast = signatures(sets)
    saved = os.environ.get("DEDUP_REFERENCE")
    os.environ["DEDUP_REFERENCE"] = "1"
    try:
        slow = signatures(sets)
    finally:
        if saved is None:
            os.environ.pop("DEDUP_REFERENCE")
        else:
            os.environ["DEDUP_REFERENCE"] = saved
    assert np.array_equal(fast, slow)


def _bucket_pairs_plain(members: list[int], limit: int) -> set[tuple[int, int]]:
    g = len(members)
    if g * (g - 1) // 2 <= limit:
        return set(combinations(members, 2))
    return {(members[0], m) for m in members[1:]} | set(zip(members, members[1:]))


def _candidates_plain(sigs: np.ndarray, config: LSHConfig) -> list[tuple[int, int]]:
    """LSH the obvious way: a dict of buckets per band, built row by row."""
    bands, rows = optimal_param(config.threshold, sigs.shape[1], config.false_positive_weight, config.false_negative_weight)
    with kernel_mode("numpy"):
        bh = band_hashes(sigs, bands, rows)
    out: set[tuple[int, int]] = set()
    for b in range(bands):
        buckets: dict[int, list[int]] = {}
        for i in range(len(sigs)):
            buckets.setdefault(int(bh[i, b]), []).append(i)
        for members in buckets.values():
            if len(members) >= 2:
                out |= _bucket_pairs_plain(members, config.max_bucket_pairs)
    return sorted(out)


@given(st.lists(st.lists(st.integers(0, 3), min_size=16, max_size=16), min_size=0, max_size=40), st.integers(1, 64))
def test_candidate_pairs_equal_plain_lsh(rows, limit):
    """Sorting band hashes finds exactly the pairs a dict per band finds (tiny alphabet: many collisions)."""
    sigs = np.array(rows, dtype=np.uint32).reshape(len(rows), 16)
    config = LSHConfig(threshold=0.5, max_bucket_pairs=limit)
    expected = _candidates_plain(sigs, config)
    for mode in MODES:
        with kernel_mode(mode):
            got = candidate_pairs(sigs, config)
        assert [tuple(p) for p in got.tolist()] == expected, mode


def test_band_hashes_kernel_equals_numpy():
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 2**32, size=(300, 128), dtype=np.uint64).astype(np.uint32)
    with kernel_mode("numpy"):
        expected = band_hashes(sigs, 30, 4)
    with kernel_mode("numba"):
        assert np.array_equal(band_hashes(sigs, 30, 4), expected)


@given(st.lists(st.sets(st.integers(0, 60), max_size=30), min_size=2, max_size=10))
def test_intersection_sizes_equal_python_sets(sets):
    packed = ShingleSets.from_sets([np.array(sorted(s), dtype=np.uint32) for s in sets])
    pairs = np.array(list(combinations(range(len(sets)), 2)), dtype=np.int64)
    expected = [len(sets[a] & sets[b]) for a, b in pairs.tolist()]
    for mode in MODES:
        with kernel_mode(mode):
            assert intersection_sizes(packed, pairs[:, 0], pairs[:, 1], chunk=16).tolist() == expected, mode


_cjk_chars = st.sampled_from(list("推进义务教育优质均衡发展的一是在了有和人"))


@given(st.text(_cjk_chars, min_size=1, max_size=60), st.lists(st.tuples(st.integers(0, 59), st.sampled_from("dis"), _cjk_chars), max_size=12), st.integers(1, 6))
def test_edit_bound_never_below_rapidfuzz(a, edits, n):
    """The shingle/length bound that lets verification skip rapidfuzz is a true upper bound."""
    from rapidfuzz import fuzz

    b = a
    for pos, op, ch in edits:
        pos = pos % (len(b) + 1)
        b = b[:pos] + b[pos + 1 :] if op == "d" else (b[:pos] + ch + b[pos + 1 :] if op == "s" else b[:pos] + ch + b[pos:])
    config = ShingleConfig(char_ngram=n)
    sa, sb = set(shingle_hashes_reference(a, config)), set(shingle_hashes_reference(b, config))
    bound = edit_upper_bound(np.array([len(a)]), np.array([len(b)]), np.array([len(sa)]), np.array([len(sb)]), np.array([len(sa & sb)]), np.array([n]))
    assert fuzz.ratio(a, b) <= bound[0] + 1e-9


def test_worker_count_does_not_change_results():
    keys = SEED_KEYS * 3
    results = []
    for w in (1, 2):
        with kernel_mode("numba", workers=w):
            sets = shingle_sets(keys)
            results.append((sets.indptr.copy(), sets.hashes.copy(), signatures_of_batch(symbol_batch(keys))))
    for x, y in zip(*results):
        assert np.array_equal(x, y)


def test_auto_mode_uses_numpy_for_small_batches():
    with kernel_mode("auto"):
        assert not kernels.use_kernels(1000)
        assert kernels.use_kernels(10**8) == kernels.numba_available()


@pytest.mark.parametrize("mode", MODES)
def test_seed_sample_sets_equal_single_key_path(mode):
    with kernel_mode(mode):
        got = shingle_sets(SEED_KEYS)
    for i, k in enumerate(SEED_KEYS):
        assert np.array_equal(got[i], shingle_hashes(k))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [16, 64, 128])
def test_vectorised_band_search_equals_loop(threshold, num_perm):
    from dedup.fingerprint.lsh import _optimal_param_loop

    optimal_param.cache_clear()
    assert optimal_param(threshold, num_perm, 0.2, 0.8) == _optimal_param_loop(threshold, num_perm, 0.2, 0.8)


def test_known_band_params_are_the_computed_ones():
    from dedup.fingerprint.lsh import KNOWN_PARAMS, _optimal_param_loop

    for args, params in KNOWN_PARAMS.items():
        assert _optimal_param_loop(*args) == params


@given(st.lists(st.lists(st.integers(0, 3), min_size=16, max_size=16), min_size=0, max_size=40), st.integers(1, 64), st.integers(1, 90))
def test_numpy_candidates_in_band_groups_equal_plain_lsh(rows, limit, group_entries):
    """The numpy path sorts several bands at once; any grouping of the bands finds the same pairs."""
    from dedup.fingerprint import lsh

    sigs = np.array(rows, dtype=np.uint32).reshape(len(rows), 16)
    config = LSHConfig(threshold=0.5, max_bucket_pairs=limit)
    saved = lsh.BAND_GROUP_ENTRIES
    lsh.BAND_GROUP_ENTRIES = group_entries
    try:
        with kernel_mode("numpy"):
            got = candidate_pairs(sigs, config)
    finally:
        lsh.BAND_GROUP_ENTRIES = saved
    assert [tuple(p) for p in got.tolist()] == _candidates_plain(sigs, config)


@given(st.text(max_size=300), st.booleans(), st.sampled_from(["", "\ud800", "𝐀\udfff", "\u3000", "\uffff"]))
def test_fold_of_short_text_equals_translate(text, drop, odd):
    """Short texts fold by a regex over the BMP (astral ones by translate): the same as ``str.translate``."""
    from dedup.fingerprint import keys as keys_module
    from dedup.fingerprint.keys import _DROP, _TO_SPACE, fold

    keys_module._translated[0] = keys_module.REGEX_AFTER_CHARS  # past the start: the regex path

    text = odd + text + odd
    table = _DROP if drop else _TO_SPACE
    assert fold(text, table) == text.translate(table)


def test_fold_regex_covers_every_bmp_code_point():
    """Every BMP code point, alone and in a run, folds as the translate tables say."""
    from dedup.fingerprint import keys as keys_module
    from dedup.fingerprint.keys import _DROP, _TO_SPACE, fold

    keys_module._translated[0] = keys_module.REGEX_AFTER_CHARS

    for table in (_DROP, _TO_SPACE):
        for c in range(0, 0x10000):
            ch = chr(c)
            assert fold(ch + ch, table) == (ch + ch).translate(table), hex(c)


@given(st.text(max_size=300) | st.text(st.sampled_from(list("推进义务教育かなカナ한국어ㄱ abc019𝐀𝠀é\u0301，。①Ⅷ²\ud800")), max_size=255), st.floats(0.05, 0.95))
def test_is_cjk_of_short_text_equals_the_character_by_character_rule(text, threshold):
    """Short texts count letters and CJK characters by regex: the same answer as one by one."""
    from dedup.chardata import _is_cjk_reference, _not_alpha_bmp

    _not_alpha_bmp()  # compiled: the regex path from here on

    assert is_cjk(text, threshold) == _is_cjk_reference(text, threshold)


@given(st.text(st.sampled_from(list("推进义务教育かな゛゜・ー한ㄱ abc019𝐀𝠀é\u0301，。①²\ud800")), max_size=700), st.sampled_from([0.0, 0.05, 0.3, 0.5, 0.95, 1.0]) | st.floats(-1.0, 2.0))
def test_is_cjk_decided_by_the_whole_texts_share_equals_the_character_by_character_rule(text, threshold):
    """Texts with no CJK character, or with a CJK share of the whole text at the threshold, are decided before
    their letters are counted (short and long texts, CJK characters that are no letters, any threshold): the same
    answer as one by one."""
    from dedup.chardata import _is_cjk_reference

    assert is_cjk(text, threshold) == _is_cjk_reference(text, threshold)
    assert is_cjk(text * 3, threshold) == _is_cjk_reference(text * 3, threshold)


def test_is_cjk_letter_class_covers_every_bmp_code_point():
    from dedup.chardata import _not_alpha_bmp

    pattern = _not_alpha_bmp()
    for c in range(0x10000):
        assert (pattern.fullmatch(chr(c)) is None) == chr(c).isalpha(), hex(c)


@given(st.text(st.sampled_from(list("推进义务教育一是二、(1)①记者：ＡＢabc AB，。!𝐀é ")), max_size=40), st.booleans(), st.booleans(), st.booleans())
def test_remembered_keys_are_keyed_by_text_options_and_marker(text, markers, speaker, marker):
    """Keys are remembered per (text, options, marker): asking again, or with other options first, changes nothing."""
    from dedup.fingerprint.keys import KeyConfig, _matching_key

    config = KeyConfig(strip_markers=markers, strip_speaker=speaker)
    for other in (KeyConfig(not markers, speaker), KeyConfig(markers, not speaker)):
        matching_key(text, other, marker=not marker)
    assert matching_key(text, config, marker=marker) == _matching_key(text, config, marker) == matching_key(text, config, marker=marker)
