"""Accuracy of the Jaccard estimate: our affine32 signatures vs datasketch (sha1) and rensa, over several seeds.

The target is "RMSE within 10 % of datasketch's".  One seed is one draw of
the permutations, so a single RMSE carries sampling noise of its own; this
script reports, for ``--seeds`` seeds, the RMSE of each method against the
exact Jaccard of the same shingle sets, on the same pairs (every true
duplicate pair of the first ``--docs`` documents plus as many random pairs).

Reproduce::

    python benchmarks/jaccard_accuracy.py --docs 5000 --seeds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from side_by_side import load_corpus, str_shingles  # noqa: E402

from dedup.cluster import intersection_sizes  # noqa: E402
from dedup.fingerprint.minhash import MinHashConfig, signatures  # noqa: E402
from dedup.fingerprint.shingle import ShingleConfig, shingle_sets  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--corpus", type=int, default=20000, help="cached corpus to take the documents from")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--ngram", type=int, default=5)
    args = ap.parse_args()
    from datasketch import MinHash
    from rensa import RMinHash

    keys, truth = load_corpus(1, args.corpus)
    keys, truth = keys[: args.docs], truth[: args.docs]
    sets = shingle_sets(keys, ShingleConfig(char_ngram=args.ngram))
    groups: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(truth):
        groups[t].append(i)
    dup = [p for g in groups.values() for p in combinations(g, 2)]
    rng = np.random.default_rng(0)
    rand = rng.integers(0, len(keys), size=(len(dup), 2))
    pairs = np.concatenate([np.array(dup, dtype=np.int64).reshape(-1, 2), rand])
    sz = sets.sizes
    pairs = pairs[(pairs[:, 0] != pairs[:, 1]) & (sz[pairs[:, 0]] > 0) & (sz[pairs[:, 1]] > 0)]
    inter = intersection_sizes(sets, pairs[:, 0], pairs[:, 1])
    exact = inter / (sz[pairs[:, 0]] + sz[pairs[:, 1]] - inter)
    strs = str_shingles(keys, args.ngram)
    enc = [[s.encode("utf-8") for s in sh] for sh in strs]
    rmse: dict[str, list[float]] = {"dedup affine32": [], "datasketch sha1": [], "rensa": []}
    for seed in range(1, args.seeds + 1):
        sig = signatures(sets, MinHashConfig(seed=seed))
        rmse["dedup affine32"].append(float(np.sqrt(np.mean((np.mean(sig[pairs[:, 0]] == sig[pairs[:, 1]], axis=1) - exact) ** 2))))
        mh = MinHash.bulk(enc, num_perm=128, seed=seed)
        est = np.array([mh[a].jaccard(mh[b]) for a, b in pairs.tolist()])
        rmse["datasketch sha1"].append(float(np.sqrt(np.mean((est - exact) ** 2))))
        rm = []
        for s in strs:
            m = RMinHash(128, seed)
            m.update(s)
            rm.append(m)
        est = np.array([rm[a].jaccard(rm[b]) for a, b in pairs.tolist()])
        rmse["rensa"].append(float(np.sqrt(np.mean((est - exact) ** 2))))
    print(f"{len(keys):,} docs, {len(dup):,} true duplicate pairs (mean exact Jaccard {exact[: len(dup)].mean():.3f}) + {len(pairs) - len(dup):,} random pairs, 128 permutations\n")
    print("| method | " + " | ".join(f"seed {s}" for s in range(1, args.seeds + 1)) + " | mean RMSE | vs datasketch |")
    print("|---|" + "---:|" * (args.seeds + 2))
    ref = statistics.mean(rmse["datasketch sha1"])
    for name, vals in rmse.items():
        print(f"| {name} | " + " | ".join(f"{v:.4f}" for v in vals) + f" | {statistics.mean(vals):.4f} | {statistics.mean(vals) / ref:.2f}x |")


if __name__ == "__main__":
    main()
