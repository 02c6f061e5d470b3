"""Our near-duplicate hot loop against a datasketch pipeline and a rensa pipeline, side by side.

All pipelines run in one process, in turn, on the same generated corpus
(:mod:`bench_data`, i.e. ``dedup.testing.make_corpus`` with known truth), with
the same shingles (character n-grams of the whitespace-free document), the
same number of permutations, the same LSH bands/rows and the same
verification rule (exact Jaccard/containment of the shingle sets, rapidfuzz
``ratio`` with ``score_cutoff``), and the same clustering (scipy components
of verified pairs).  What differs is how each stage is computed:

=========  ==========================================  ==============================  ==============================
stage      ours (dedup)                                datasketch                      rensa
=========  ==========================================  ==============================  ==============================
shingle    code points -> hashed sets, batched          Python shingle strings          Python shingle strings
signature  numba kernel on the sets (affine32)          ``MinHash.bulk`` (sha1)         ``RMinHash.update`` per doc
lsh        band hashes sorted per band                  ``MinHashLSH`` insert + query   ``RMinHashLSH`` insert + query
verify     batched intersections + bounded rapidfuzz    per pair: Python sets + ratio   per pair: Python sets + ratio
cluster    scipy csgraph                                scipy csgraph                   scipy csgraph
=========  ==========================================  ==============================  ==============================

Extra signature-only rows compare the fused kernel (code points -> signature
in one loop), datasketch's per-shingle ``update`` (on a subsample: it is
~100x slower) and rensa's bulk APIs.  Accuracy: pairwise precision/recall of
each pipeline's clusters against the corpus truth, and the RMSE of each
signature's Jaccard estimate against the exact Jaccard on a sample of pairs.

Reproduce (numbers in benchmarks/README.md)::

    python benchmarks/side_by_side.py --docs 20000 --workers 1,2
    python benchmarks/side_by_side.py --docs 80000 --workers 1,2 --no-update
    python benchmarks/side_by_side.py --scaling 1000,10000,100000 --baselines-max 10000
    python benchmarks/side_by_side.py --docs 20000 --memory

Memory (``--memory``) reruns each pipeline in a fresh child process and
reports the growth of its peak RSS (``VmHWM``, reset after the corpus is
loaded), so Rust and numba allocations count too.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import corpus, document_keys  # noqa: E402

from dedup.cluster import MatchConfig, _components, identical_pairs, verify_pairs  # noqa: E402
from dedup.fingerprint.lsh import LSHConfig, candidates_from_bands, optimal_param, unique_pairs  # noqa: E402
from dedup.fingerprint.minhash import MinHashConfig, signatures, signatures_of_batch  # noqa: E402
from dedup.fingerprint.shingle import ShingleConfig, batch_shingle_sets, symbol_batch  # noqa: E402
from dedup.testing import pair_scores  # noqa: E402

STAGES = ("shingle", "signature", "lsh", "verify", "cluster")
CACHE = Path(os.environ.get("DEDUP_BENCH_CACHE", Path(tempfile.gettempdir()) / "dedup-bench"))


# --- corpus ---------------------------------------------------------------------------------


def load_corpus(seed: int, n_docs: int) -> tuple[list[str], list[int]]:
    """Keys and true labels for ``n_docs`` documents, cached on disk (generation takes a while)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"corpus-{seed}-{n_docs}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    c = corpus(seed, n_docs)
    keys = document_keys(c)
    labels = [c.truth[r["id"]] for r in c.records]
    with open(path, "wb") as f:
        pickle.dump((keys, labels), f)
    return keys, labels


# --- shared helpers ---------------------------------------------------------------------------


@dataclass
class Run:
    """Timings (seconds per stage), predicted labels and extras of one pipeline run."""

    name: str
    times: dict[str, float] = field(default_factory=dict)
    labels: np.ndarray | None = None
    extra: dict[str, float] = field(default_factory=dict)
    #: arrays kept for the accuracy checks (signatures, sets, pairs)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.times.get(s, 0.0) for s in STAGES)


def timed(run: Run, stage: str, fn: Callable[[], object]) -> object:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    run.times[stage] = run.times.get(stage, 0.0) + time.perf_counter() - t
    return out


def str_shingles(keys: list[str], n: int) -> list[list[str]]:
    """Shingles as Python strings, the way a datasketch or rensa user builds them."""
    return [[k[i : i + n] for i in range(len(k) - n + 1)] if len(k) >= n else [] for k in keys]


def components_labels(n: int, pairs: np.ndarray, accepted: np.ndarray) -> np.ndarray:
    """Cluster label per item from accepted pairs (scipy), -1 for items in no cluster."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    labels = np.full(n, -1, dtype=np.int64)
    acc = pairs[accepted]
    if len(acc) == 0:
        return labels
    graph = coo_matrix((np.ones(len(acc)), (acc[:, 0], acc[:, 1])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    counts = np.bincount(comp)
    keep = counts[comp] >= 2
    labels[keep] = comp[keep]
    return labels


def verify_plain(pairs: np.ndarray, keys: list[str], sets: list[set], config: MatchConfig) -> np.ndarray:
    """The verification rule written per pair, as a datasketch/rensa user would: Python sets + rapidfuzz."""
    from rapidfuzz import fuzz

    cutoff = config.threshold * 100
    out = np.zeros(len(pairs), dtype=bool)
    for k, (a, b) in enumerate(pairs.tolist()):
        sa, sb = sets[a], sets[b]
        ka, kb = keys[a], keys[b]
        inter = len(sa & sb) if sa and sb else 0
        small = min(len(sa), len(sb)) if sa and sb else 0
        cont = inter / small if small else (1.0 if ka == kb else 0.0)
        if ka == kb:
            sim = 1.0
        elif max(len(ka), len(kb)) <= config.max_edit_chars:
            sim = fuzz.ratio(ka, kb, score_cutoff=cutoff) / 100.0
        else:
            sim = inter / (len(sa) + len(sb) - inter) if small else 0.0
        out[k] = sim >= config.threshold or (cont >= config.containment and small >= config.min_containment_shingles)
    return out


def plain_identical_pairs(keys: list[str]) -> list[tuple[int, int]]:
    first: dict[str, int] = {}
    out = []
    for i, k in enumerate(keys):
        if k:
            j = first.setdefault(k, i)
            if j != i:
                out.append((j, i))
    return out


def lsh_pairs_from_lists(neighbours: list[list[int]], keys: list[str], n: int) -> np.ndarray:
    """Candidate pairs from per-document query results, plus identical keys, sorted and unique."""
    rows = [(min(i, j), max(i, j)) for i, nb in enumerate(neighbours) for j in nb if j != i]
    rows += plain_identical_pairs(keys)
    arr = np.array(rows, dtype=np.int64).reshape(-1, 2)
    return unique_pairs(arr, max(n, 1))


# --- the three pipelines -------------------------------------------------------------------------


def run_ours(keys: list[str], config: MatchConfig, workers: int, chunk_symbols: int = 1 << 22) -> Run:
    """Our stages, chained and chunked exactly as ``find_clusters`` does, timed one by one."""
    from dedup.cluster import Fingerprints
    from dedup.fingerprint.lsh import band_hashes
    from dedup.fingerprint.shingle import ShingleSets

    os.environ["DEDUP_WORKERS"] = str(workers)
    run = Run(f"dedup ({workers} worker{'s' if workers > 1 else ''})")
    n = len(keys)
    bands, rows = optimal_param(config.lsh.threshold, config.minhash.num_perm, config.lsh.false_positive_weight, config.lsh.false_negative_weight)
    ends = np.cumsum(np.fromiter(map(len, keys), dtype=np.int64, count=n))
    set_parts, bh_parts, cjk_parts, sig_parts = [], [], [], []
    i = 0
    while i < n:
        base = ends[i - 1] if i else 0
        j = min(max(int(np.searchsorted(ends, base + chunk_symbols, side="right")), i + 1), n)
        batch = timed(run, "shingle", lambda: symbol_batch(keys[i:j], config.shingles))
        sets = timed(run, "shingle", lambda: batch_shingle_sets(batch))
        sigs = timed(run, "signature", lambda: signatures(sets, config.minhash))
        bh_parts.append(timed(run, "lsh", lambda: band_hashes(sigs, bands, rows)))
        set_parts.append(sets)
        cjk_parts.append(batch.cjk)
        sig_parts.append(sigs)
        i = j
    shift = np.cumsum([0] + [int(x.indptr[-1]) for x in set_parts[:-1]])
    indptr = np.concatenate([np.zeros(1, dtype=np.int64)] + [x.indptr[1:] + o for x, o in zip(set_parts, shift)])
    fp = Fingerprints(ShingleSets(indptr, np.concatenate([x.hashes for x in set_parts])), np.concatenate(bh_parts), np.concatenate(cjk_parts))
    valid = np.flatnonzero(fp.sets.sizes > 0)
    cand = timed(run, "lsh", lambda: candidates_from_bands(fp.band_hashes[valid], valid, config.lsh.max_bucket_pairs))
    key_id, same = timed(run, "lsh", lambda: identical_pairs(keys))
    pairs = timed(run, "lsh", lambda: unique_pairs(np.concatenate([cand, same]), max(n, 1)))
    v = timed(run, "verify", lambda: verify_pairs(pairs, keys, fp.sets, config, key_id=key_id, cjk=fp.cjk))

    def cluster() -> np.ndarray:
        scored = v.to_pairs()  # find_clusters returns Pair objects: their cost counts here
        _, labels = _components(n, pairs, np.flatnonzero(v.accepted), scored)
        return labels

    run.labels = timed(run, "cluster", cluster)
    run.extra["candidates"] = len(pairs)
    run.extra["accepted"] = int(v.accepted.sum())
    run.data.update(sigs=np.concatenate(sig_parts), sets=fp.sets, pairs=pairs)
    return run


def run_datasketch(keys: list[str], config: MatchConfig) -> Run:
    from datasketch import MinHash, MinHashLSH

    run = Run("datasketch")
    n = len(keys)
    ng = config.shingles.char_ngram
    bands, rows = optimal_param(config.lsh.threshold, config.minhash.num_perm, config.lsh.false_positive_weight, config.lsh.false_negative_weight)
    shingles = timed(run, "shingle", lambda: [[s.encode("utf-8") for s in sh] for sh in str_shingles(keys, ng)])
    mhs = timed(run, "signature", lambda: MinHash.bulk(shingles, num_perm=config.minhash.num_perm, seed=config.minhash.seed))

    def lsh() -> np.ndarray:
        index = MinHashLSH(threshold=config.lsh.threshold, num_perm=config.minhash.num_perm, params=(bands, rows))
        with index.insertion_session() as session:
            for i, m in enumerate(mhs):
                if shingles[i]:
                    session.insert(i, m, check_duplication=False)
        neighbours = [index.query(m) if shingles[i] else [] for i, m in enumerate(mhs)]
        return lsh_pairs_from_lists(neighbours, keys, n)

    pairs = timed(run, "lsh", lsh)
    py_sets = timed(run, "verify", lambda: [set(s) for s in shingles])
    accepted = timed(run, "verify", lambda: verify_plain(pairs, keys, py_sets, config))
    run.labels = timed(run, "cluster", lambda: components_labels(n, pairs, accepted))
    run.extra["candidates"] = len(pairs)
    run.extra["accepted"] = int(accepted.sum())
    run.data["mhs"] = mhs
    return run


def run_rensa(keys: list[str], config: MatchConfig) -> Run:
    from rensa import RMinHash, RMinHashLSH

    run = Run("rensa")
    n = len(keys)
    ng = config.shingles.char_ngram
    _, rows = optimal_param(config.lsh.threshold, config.minhash.num_perm, config.lsh.false_positive_weight, config.lsh.false_negative_weight)
    # rensa needs num_perm divisible by the band count: same rows per band, all permutations used
    # (128 perms: 32 bands of 4 rows against our 30 x 4, slightly more candidates)
    bands = config.minhash.num_perm // rows
    shingles = timed(run, "shingle", lambda: str_shingles(keys, ng))

    def sign() -> list:
        out = []
        for sh in shingles:
            m = RMinHash(config.minhash.num_perm, config.minhash.seed)
            m.update(sh)
            out.append(m)
        return out

    mhs = timed(run, "signature", sign)

    def lsh() -> np.ndarray:
        index = RMinHashLSH(config.lsh.threshold, config.minhash.num_perm, bands)
        for i, m in enumerate(mhs):
            if shingles[i]:
                index.insert(i, m)
        neighbours = [index.query(m) if shingles[i] else [] for i, m in enumerate(mhs)]
        return lsh_pairs_from_lists(neighbours, keys, n)

    pairs = timed(run, "lsh", lsh)
    py_sets = timed(run, "verify", lambda: [set(s) for s in shingles])
    accepted = timed(run, "verify", lambda: verify_plain(pairs, keys, py_sets, config))
    run.labels = timed(run, "cluster", lambda: components_labels(n, pairs, accepted))
    run.extra["candidates"] = len(pairs)
    run.extra["accepted"] = int(accepted.sum())
    run.data["mhs"] = mhs
    return run


# --- signature-only rows ---------------------------------------------------------------------------


def signature_rows(keys: list[str], config: MatchConfig, workers: list[int], update_sample: int) -> list[tuple[str, float, int]]:
    """(name, seconds, docs) of signature computations alone, from the same keys."""
    from datasketch import MinHash
    from rensa import RMinHash

    ng = config.shingles.char_ngram
    rows: list[tuple[str, float, int]] = []
    batch = symbol_batch(keys, config.shingles)
    signatures_of_batch(symbol_batch(keys[:50], config.shingles), config.minhash)  # load compiled code outside the timing
    for w in workers:
        os.environ["DEDUP_WORKERS"] = str(w)
        t = time.perf_counter()
        signatures_of_batch(batch, config.minhash)
        rows.append((f"dedup fused kernel, code points -> signature ({w}w)", time.perf_counter() - t, len(keys)))
    os.environ["DEDUP_WORKERS"] = str(workers[0])
    shingles = str_shingles(keys, ng)
    t = time.perf_counter()
    for sh in shingles:
        m = RMinHash(config.minhash.num_perm, config.minhash.seed)
        m.update(sh)
        m.digest()
    rows.append(("rensa RMinHash.update per doc (strings)", time.perf_counter() - t, len(keys)))
    t = time.perf_counter()
    RMinHash.digest_matrix_from_token_sets(shingles, config.minhash.num_perm, config.minhash.seed)
    rows.append(("rensa digest_matrix_from_token_sets (strings)", time.perf_counter() - t, len(keys)))
    sets = batch_shingle_sets(batch)
    t = time.perf_counter()
    RMinHash.digest_matrix_from_flat_token_hashes(sets.hashes.astype(np.uint64), sets.indptr.astype(np.uint64), config.minhash.num_perm, config.minhash.seed)
    rows.append(("rensa digest_matrix_from_flat_token_hashes (our hashes)", time.perf_counter() - t, len(keys)))
    enc = [[s.encode("utf-8") for s in sh] for sh in shingles[: max(update_sample * 10, 1)]]
    t = time.perf_counter()
    MinHash.bulk(enc, num_perm=config.minhash.num_perm, seed=config.minhash.seed)
    rows.append(("datasketch MinHash.bulk (sha1)", time.perf_counter() - t, len(enc)))
    if update_sample:
        t = time.perf_counter()
        for sh in enc[:update_sample]:
            m = MinHash(num_perm=config.minhash.num_perm, seed=config.minhash.seed)
            for s in sh:
                m.update(s)
        rows.append(("datasketch MinHash.update per shingle", time.perf_counter() - t, min(update_sample, len(enc))))
    return rows


# --- accuracy ----------------------------------------------------------------------------------------


def unique_singletons(labels: np.ndarray) -> list[int]:
    """Labels where every unclustered item (-1) is its own cluster."""
    return [int(x) if x >= 0 else -(i + 1) for i, x in enumerate(labels)]


def jaccard_rmse(ours: Run, others: dict[str, Run], n_pairs: int = 10000, seed: int = 0) -> dict[str, float]:
    """RMSE of each pipeline's Jaccard estimate against the exact Jaccard of our shingle sets.

    Pairs: half from verified candidates (similar), half random (dissimilar).
    """
    from dedup.cluster import intersection_sizes

    sets = ours.data["sets"]
    sigs = ours.data["sigs"]
    n = len(sets)
    rng = np.random.default_rng(seed)
    cand = ours.data["pairs"]
    a = rng.integers(0, n, n_pairs)
    b = rng.integers(0, n, n_pairs)
    pairs = np.stack([a, b], 1)
    if len(cand):
        pairs = np.concatenate([pairs[: n_pairs // 2], cand[rng.integers(0, len(cand), n_pairs // 2)]])
    sz = sets.sizes
    pairs = pairs[(pairs[:, 0] != pairs[:, 1]) & (sz[pairs[:, 0]] > 0) & (sz[pairs[:, 1]] > 0)]
    inter = intersection_sizes(sets, pairs[:, 0], pairs[:, 1])
    exact = inter / (sz[pairs[:, 0]] + sz[pairs[:, 1]] - inter)
    out = {ours.name: float(np.sqrt(np.mean((np.mean(sigs[pairs[:, 0]] == sigs[pairs[:, 1]], axis=1) - exact) ** 2)))}
    for name, run in others.items():
        mhs = run.data["mhs"]
        est = np.array([mhs[i].jaccard(mhs[j]) for i, j in pairs.tolist()])
        out[name] = float(np.sqrt(np.mean((est - exact) ** 2)))
    return out


# --- reporting -----------------------------------------------------------------------------------------


def rate(n: int, s: float) -> str:
    return f"{n / s:,.0f}" if s > 0 else "inf"


def print_table(n: int, runs: list[Run], truth: list[int]) -> None:
    ours = runs[0]
    print(f"\n### {n:,} documents: docs/s per stage (higher is better), seconds, ratio ours/them\n")
    print("| pipeline | " + " | ".join(STAGES) + " | total s | docs/s | precision | recall | candidates | accepted |")
    print("|---|" + "---:|" * (len(STAGES) + 6))
    for r in runs:
        p, rc = pair_scores(truth, unique_singletons(r.labels))
        cells = [rate(n, r.times.get(s, 0.0)) for s in STAGES]
        print(f"| {r.name} | " + " | ".join(cells) + f" | {r.total:.2f} | {rate(n, r.total)} | {p:.4f} | {rc:.4f} | {int(r.extra['candidates']):,} | {int(r.extra['accepted']):,} |")
    print()
    for r in runs[1:]:
        if r.name.startswith("dedup"):
            continue
        ratios = [f"{s} {r.times[s] / ours.times[s]:.1f}x" for s in STAGES if ours.times.get(s)]
        print(f"- {ours.name} vs {r.name}: end to end {r.total / ours.total:.1f}x; " + ", ".join(ratios))


def side_by_side(n: int, args: argparse.Namespace, config: MatchConfig) -> list[Run]:
    keys, truth = load_corpus(args.seed, n)
    chars = sum(map(len, keys))
    print(f"\ncorpus: {n:,} docs, {chars / 1e6:.1f} M characters (mean {chars / max(n, 1):.0f}), char {config.shingles.char_ngram}-grams, {config.minhash.num_perm} permutations, LSH threshold {config.lsh.threshold} -> bands/rows {optimal_param(config.lsh.threshold, config.minhash.num_perm, config.lsh.false_positive_weight, config.lsh.false_negative_weight)}")
    # warm-up: load compiled kernels and imports outside the timings
    run_ours(keys[:300], config, 1)
    runs = [run_ours(keys, config, w) for w in args.workers]
    baselines: dict[str, Run] = {}
    if n <= args.baselines_max:
        if "rensa" not in args.skip:
            baselines["rensa"] = run_rensa(keys, config)
        if "datasketch" not in args.skip:
            baselines["datasketch"] = run_datasketch(keys, config)
    runs += list(baselines.values())
    print_table(n, runs, truth)
    # all pipelines must agree with each other and with the truth, within tolerance
    for r in runs[1:]:
        same = np.mean((np.array(unique_singletons(r.labels)) >= 0) == (np.array(unique_singletons(runs[0].labels)) >= 0))
        print(f"- items clustered/unclustered alike, {runs[0].name} vs {r.name}: {same:.4%}")
    if baselines and args.rmse:
        rm = jaccard_rmse(runs[0], baselines)
        print("- Jaccard-estimate RMSE vs exact: " + ", ".join(f"{k} {v:.4f}" for k, v in rm.items()))
    return runs


def signature_table(n: int, args: argparse.Namespace, config: MatchConfig) -> None:
    keys, _ = load_corpus(args.seed, n)
    rows = signature_rows(keys, config, args.workers, 0 if args.no_update else args.update_sample)
    base = {name: s / d for name, s, d in rows}
    ours1 = base[rows[0][0]]
    print(f"\n### signatures only ({n:,} docs; seconds per doc extrapolated where a subsample was used)\n")
    print("| method | docs | seconds | docs/s | ours (1 worker) is faster by |")
    print("|---|---:|---:|---:|---:|")
    for name, s, d in rows:
        print(f"| {name} | {d:,} | {s:.3f} | {rate(d, s)} | {(s / d) / ours1:.1f}x |")


def memory_child(args: argparse.Namespace, config: MatchConfig) -> None:
    """Run one pipeline and print the growth of peak RSS (MB) as JSON (used by ``--memory``)."""
    keys, _ = load_corpus(args.seed, args.docs)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS

    def status(field_name: str) -> float:
        for line in open("/proc/self/status"):
            if line.startswith(field_name):
                return int(line.split()[1]) / 1024
        return float("nan")

    base = status("VmRSS:")
    {"ours": lambda: run_ours(keys, config, args.workers[0]), "rensa": lambda: run_rensa(keys, config), "datasketch": lambda: run_datasketch(keys, config)}[args.memory_child]()
    print(json.dumps({"base_mb": base, "peak_mb": status("VmHWM:")}))


def memory_table(args: argparse.Namespace) -> None:
    print(f"\n### peak RSS growth per pipeline ({args.docs:,} docs, fresh process each; corpus already loaded)\n")
    print("| pipeline | RSS before MB | peak RSS MB | growth MB |")
    print("|---|---:|---:|---:|")
    for name in ("ours", "rensa", "datasketch"):
        if name in args.skip:
            continue
        cmd = [sys.executable, __file__, "--docs", str(args.docs), "--seed", str(args.seed), "--ngram", str(args.ngram), "--memory-child", name, "--workers", str(args.workers[0])]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        m = json.loads(out)
        print(f"| {name} | {m['base_mb']:.0f} | {m['peak_mb']:.0f} | {m['peak_mb'] - m['base_mb']:.0f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ngram", type=int, default=5, help="character n-gram size (5: the issue's reference setting)")
    ap.add_argument("--perm", type=int, default=128)
    ap.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    ap.add_argument("--scaling", type=lambda s: [int(x) for x in s.split(",")], default=None)
    ap.add_argument("--baselines-max", type=int, default=100_000, help="skip datasketch/rensa above this many docs")
    ap.add_argument("--skip", type=lambda s: s.split(","), default=[])
    ap.add_argument("--update-sample", type=int, default=200, help="docs for datasketch's per-shingle update row")
    ap.add_argument("--no-update", action="store_true", help="skip the slow per-shingle datasketch row")
    ap.add_argument("--no-signatures", action="store_true", help="skip the signature-only table")
    ap.add_argument("--no-rmse", dest="rmse", action="store_false")
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    config = MatchConfig(shingles=ShingleConfig(char_ngram=args.ngram), minhash=MinHashConfig(num_perm=args.perm))
    os.environ.setdefault("DEDUP_KERNEL", "numba")
    if args.memory_child:
        memory_child(args, config)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, numpy {np.__version__}; DEDUP_KERNEL={os.environ['DEDUP_KERNEL']}")
    if args.memory:
        memory_table(args)
        return
    sizes = args.scaling or [args.docs]
    all_runs = {}
    for n in sizes:
        all_runs[n] = side_by_side(n, args, config)
    if not args.no_signatures and not args.scaling:
        signature_table(args.docs, args, config)
    if args.scaling:
        print("\n### scaling: seconds per stage, and microseconds per document\n")
        print("| docs | pipeline | " + " | ".join(STAGES) + " | total s | us/doc |")
        print("|---:|---|" + "---:|" * (len(STAGES) + 2))
        for n, runs in all_runs.items():
            for r in runs:
                print(f"| {n:,} | {r.name} | " + " | ".join(f"{r.times.get(s, 0):.3f}" for s in STAGES) + f" | {r.total:.2f} | {1e6 * r.total / n:.1f} |")


if __name__ == "__main__":
    main()
