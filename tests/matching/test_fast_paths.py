"""Issue 15's shortcuts against the plain computations they stand for.

Each speed-up of the single-document cleaner (batched band hashes, a cached
permutation draw, one-thread scoring of few pairs, skipped stages) must give
exactly what the plain way gives; these tests compute both.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fingerprint.lsh import _band_hashes_numpy
from dedup.fingerprint.minhash import MinHashConfig, permutations

_M64 = (1 << 64) - 1


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _band_hash_plain(sig: list[int], band: int, rows: int) -> int:
    """One band's hash with Python integers: seed, then fmix64(h ^ value) over its rows."""
    h = (0x9E3779B97F4A7C15 * (band + 1)) & _M64
    for v in sig[band * rows : (band + 1) * rows]:
        h = _fmix64_int(h ^ v)
    return h


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(0, 3), st.integers(0, 2**32 - 1), st.integers(0, 8))
def test_band_hashes_numpy_equal_plain_integers(bands, rows, spare, seed, n):
    """All bands at once (numpy) equal the band-by-band definition, also with signature columns left over."""
    sigs = np.random.default_rng(seed).integers(0, 2**32, size=(n, bands * rows + spare), dtype=np.uint64).astype(np.uint32)
    out = np.empty((n, bands), dtype=np.uint64)
    _band_hashes_numpy(sigs, bands, rows, out)
    expected = [[_band_hash_plain(row, b, rows) for b in range(bands)] for row in sigs.tolist()]
    assert out.tolist() == expected


def test_permutations_are_datasketch_draw_and_cannot_be_changed_by_a_caller():
    """The cached draw equals a fresh RandomState draw, and changing a returned array changes nothing later."""
    config = MinHashConfig(num_perm=64, seed=7)
    gen = np.random.RandomState(7)
    a_expected = gen.randint(0, 1 << 31, 64, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b_expected = gen.randint(0, 1 << 32, 64, dtype=np.uint32)
    a, b = permutations(config)
    assert a.tolist() == a_expected.tolist() and b.tolist() == b_expected.tolist()
    a[:] = 0
    b[:] = 0
    a2, b2 = permutations(config)
    assert a2.tolist() == a_expected.tolist() and b2.tolist() == b_expected.tolist()
