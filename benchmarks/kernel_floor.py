"""How close the MinHash kernels come to the one-core arithmetic floor.

Classic MinHash costs one multiply-add-min per shingle and permutation; the
issue measured ~12 G such operations per second per core on this kind of
machine (a plain numpy-free loop), so the floor for ``S`` shingles and
``P`` permutations is ``S * P / 12e9`` seconds.  This script times, on one
thread, ``minhash_csr`` (signatures of hashed sets) and ``minhash_symbols``
(the fused kernel: code points -> signature) on the same data, several
times in turn, and prints the median rate and its share of the floor.

Reproduce::

    python benchmarks/kernel_floor.py --docs 4000 --chars 575 --repeat 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("DEDUP_KERNEL", "numba")
os.environ["DEDUP_WORKERS"] = "1"

from dedup.fingerprint import kernels  # noqa: E402
from dedup.fingerprint.minhash import EMPTY, MinHashConfig, permutations  # noqa: E402

FLOOR_OPS_PER_S = 12e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--chars", type=int, default=575)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    a, b = permutations(MinHashConfig())
    n, L = args.docs, args.chars
    # random CJK code points; the sets are the hashes of their n-grams (no repeats to speak of)
    sym = rng.integers(0x4E00, 0x9FFF, n * L).astype(np.uint32)
    offsets = np.arange(0, (n + 1) * L, L, dtype=np.int64)
    ngram = np.full(n, args.ngram, dtype=np.int64)
    m = L - args.ngram + 1
    indptr = np.arange(0, (n + 1) * m, m, dtype=np.int64)
    hashes = rng.integers(0, 2**32, n * m, dtype=np.uint64).astype(np.uint32)
    csr = kernels.kernel("minhash_csr")
    fused = kernels.kernel("minhash_symbols")
    out = np.full((n, len(a)), EMPTY, dtype=np.uint32)
    csr(indptr, hashes, a, b, out)
    fused(sym, offsets, ngram, a, b, out)
    ops = n * m * len(a)
    rates: dict[str, list[float]] = {"minhash_csr (hashed sets)": [], "minhash_symbols (fused, code points)": []}
    for _ in range(args.repeat):
        for name, call in (("minhash_csr (hashed sets)", lambda: csr(indptr, hashes, a, b, out)), ("minhash_symbols (fused, code points)", lambda: fused(sym, offsets, ngram, a, b, out))):
            out[:] = EMPTY
            t = time.perf_counter()
            call()
            rates[name].append(ops / (time.perf_counter() - t))
    print(f"{n:,} docs x {m} shingles x {len(a)} permutations = {ops / 1e9:.2f} G multiply-add-min; 1 thread; load average {os.getloadavg()[0]:.1f}\n")
    print("| kernel | median G op/s | best G op/s | median share of the 12 G op/s floor |")
    print("|---|---:|---:|---:|")
    for name, r in rates.items():
        print(f"| {name} | {statistics.median(r) / 1e9:.2f} | {max(r) / 1e9:.2f} | {statistics.median(r) / FLOOR_OPS_PER_S:.0%} |")


if __name__ == "__main__":
    main()
