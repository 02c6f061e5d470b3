"""Corpus mode at scale: a generated corpus with known truth, every engine, incremental halves.

    python benchmarks/corpus_scale.py --docs 100000 --work /tmp/corpus-bench --out benchmarks/corpus_scale.json

Steps (each a ``dedup-text corpus`` subprocess, timed, with the peak resident
memory of its whole process tree sampled every 0.1 s with psutil):

1. local engine, 1 worker   -> report r1 (precision / recall against the truth)
2. local engine, 2 workers  -> r2, must be byte-identical to r1 (and the kept output too)
3. dask engine (LocalCluster, 2 workers) -> r3, must be byte-identical to r1
4. first half, then second half with ``--index`` -> revisions applied in order must equal r1
5. per-document cleaning on (``--clean``) on the first ``--clean-docs`` documents: its throughput
6. with ``--baseline DIR``: an earlier version's local 1-worker run, alternating with ours, side by side

The corpus is ``dedup.testing.make_corpus(seed, docs)`` (written to JSONL in
``--work``, never in the repository) with the word draws of
``bench_data.use_corpus_mode_generator``, so that the published tables reproduce.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(cmd: list[str], label: str, source: str | None = None) -> dict:
    """Run one command (with ``dedup`` imported from ``source`` if given); wall time and peak RSS of its process tree."""
    print(f"$ {' '.join(cmd)}" + (f"   [dedup from {source}]" if source else ""), file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": source} if source else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env, cwd=source)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{label} failed ({proc.returncode}): {err.strip()[-2000:]}")
    stats = {}
    for line in err.splitlines():
        if line.startswith("{"):
            stats = json.loads(line)
    out = {"label": label, "seconds": round(wall, 2), "peak_rss_mib": round(peak / 2**20, 1), "stats": stats}
    print(json.dumps(out), file=sys.stderr, flush=True)
    return out


def apply_reports(*paths: Path) -> dict[str, tuple]:
    keys = ("cluster", "duplicate_of", "score", "match", "cluster_size")
    out: dict[str, tuple] = {}
    for p in paths:
        with open(p, "rb") as f:
            for line in f:
                r = orjson.loads(line)
                out[r["id"]] = tuple(r[k] for k in keys)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--work", default="/tmp/dedup-corpus-bench")
    ap.add_argument("--out", help="write the results (JSON) here")
    ap.add_argument("--clean-docs", type=int, default=5000)
    ap.add_argument("--skip", default="", help="comma-separated steps to skip: workers2,dask,incremental,clean")
    ap.add_argument("--baseline", help="a checkout of an earlier version (e.g. `git worktree add /tmp/prev COMMIT`): "
                    "its local 1-worker run alternates with ours --repeat times; medians, ratio, and whether the reports are identical")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each version with --baseline")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    from bench_data import use_corpus_mode_generator

    use_corpus_mode_generator()
    from dedup.testing import make_corpus, pair_scores

    t0 = time.perf_counter()
    corpus = make_corpus(args.seed, args.docs)
    gen_s = time.perf_counter() - t0
    whole, half1, half2, small = (work / n for n in ("corpus.jsonl", "half1.jsonl", "half2.jsonl", "small.jsonl"))
    recs = corpus.records
    mid = len(recs) // 2
    for path, part in ((whole, recs), (half1, recs[:mid]), (half2, recs[mid:]), (small, recs[: args.clean_docs])):
        with open(path, "wb") as f:
            for r in part:
                f.write(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE))
    truth = corpus.truth
    mb = whole.stat().st_size / 2**20
    del corpus, recs
    print(f"generated {args.docs} documents ({mb:.1f} MiB JSONL) in {gen_s:.1f}s", file=sys.stderr)

    base = [sys.executable, "-m", "dedup.cli", "corpus"]
    common = ["--no-clean", "--stats", "-q"]
    results: dict = {"docs": args.docs, "seed": args.seed, "jsonl_mib": round(mb, 1), "cpus": os.cpu_count(), "runs": []}

    r1 = run(base + [str(whole), "-o", str(work / "o1.jsonl"), "--report", str(work / "r1.jsonl"), "--workers", "1", *common], "local-1")
    results["runs"].append(r1)
    rep = [orjson.loads(x) for x in (work / "r1.jsonl").read_bytes().splitlines()]
    p, r = pair_scores([truth[x["id"]] for x in rep], [x["cluster"] for x in rep])
    results["precision"], results["recall"] = round(p, 5), round(r, 5)
    print(f"precision {p:.5f} recall {r:.5f}", file=sys.stderr)
    del rep

    if args.baseline:
        source = str(Path(args.baseline).resolve())
        cmd = base + [str(whole), "-o", str(work / "ob.jsonl"), "--report", str(work / "rb.jsonl"), "--workers", "1", *common]
        ours_cmd = base + [str(whole), "-o", str(work / "o1.jsonl"), "--report", str(work / "r1.jsonl"), "--workers", "1", *common]
        runs: dict[str, list[float]] = {"baseline": [], "ours": [r1["seconds"]]}
        for i in range(args.repeat):
            runs["baseline"].append(run(cmd, f"baseline-{i}", source)["seconds"])
            if i + 1 < args.repeat:
                runs["ours"].append(run(ours_cmd, f"ours-{i + 1}")["seconds"])
        import statistics

        mb_, mo = statistics.median(runs["baseline"]), statistics.median(runs["ours"])
        results["baseline"] = {
            "source": source,
            "seconds": runs,
            "median_baseline": mb_,
            "median_ours": mo,
            "speedup": round(mb_ / mo, 2),
            "reports_identical": (work / "rb.jsonl").read_bytes() == (work / "r1.jsonl").read_bytes(),
            "outputs_identical": (work / "ob.jsonl").read_bytes() == (work / "o1.jsonl").read_bytes(),
        }
        print(json.dumps(results["baseline"]), file=sys.stderr)
    if "workers2" not in skip:
        results["runs"].append(run(base + [str(whole), "-o", str(work / "o2.jsonl"), "--report", str(work / "r2.jsonl"), "--workers", "2", *common], "local-2"))
        results["workers_1_vs_2_identical"] = (work / "r1.jsonl").read_bytes() == (work / "r2.jsonl").read_bytes() and (work / "o1.jsonl").read_bytes() == (work / "o2.jsonl").read_bytes()
    if "dask" not in skip:
        results["runs"].append(run(base + [str(whole), "-o", str(work / "o3.jsonl"), "--report", str(work / "r3.jsonl"), "--engine", "dask", "--workers", "2", *common], "dask-2"))
        results["local_vs_dask_identical"] = (work / "r1.jsonl").read_bytes() == (work / "r3.jsonl").read_bytes() and (work / "o1.jsonl").read_bytes() == (work / "o3.jsonl").read_bytes()
    if "incremental" not in skip:
        idx = work / "index"
        if idx.exists():
            import shutil

            shutil.rmtree(idx)
        results["runs"].append(run(base + [str(half1), "-o", str(work / "oh1.jsonl"), "--report", str(work / "rh1.jsonl"), "--index", str(idx), "--workers", "2", *common], "incremental-half-1"))
        results["runs"].append(run(base + [str(half2), "-o", str(work / "oh2.jsonl"), "--report", str(work / "rh2.jsonl"), "--index", str(idx), "--workers", "2", *common], "incremental-half-2"))
        results["incremental_equals_whole"] = apply_reports(work / "rh1.jsonl", work / "rh2.jsonl") == apply_reports(work / "r1.jsonl")
    if "clean" not in skip:
        results["runs"].append(run(base + [str(small), "-o", str(work / "oc.jsonl"), "--workers", "2", "--clean", "--stats", "-q"], f"clean-{args.clean_docs}-docs-2-workers"))
    for x in results["runs"]:
        n = x["stats"].get("documents", 0)
        x["docs_per_second_wall"] = round(n / x["seconds"], 1) if x["seconds"] else None
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
