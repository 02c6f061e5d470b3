"""The first corpus run on a fresh machine against a warm one (issue: first run <= 3 s slower).

    python benchmarks/first_run.py --docs 20000 --repeat 3

Each "cold" run gets an empty ``NUMBA_CACHE_DIR`` (as after a fresh install: nothing compiled);
each "warm" run reuses a cache that a finished compilation filled. Runs alternate, 1 and 2
workers, ``--no-clean``; whole-process wall time, medians, and the bytes of output and report
compared across all runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="dedup-first-run-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_data import use_corpus_mode_generator

    use_corpus_mode_generator()
    from dedup.testing import make_corpus

    src = work / "corpus.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for r in make_corpus(2024, args.docs).records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    warm_cache = work / "warm-cache"
    subprocess.run([sys.executable, "-m", "dedup.fingerprint._warm"], env={**os.environ, "NUMBA_CACHE_DIR": str(warm_cache)}, check=True)
    times: dict[tuple[str, int], list[float]] = {}
    digests = set()
    for rep in range(args.repeat):
        for workers in (1, 2):
            for kind in ("cold", "warm"):
                cache = warm_cache if kind == "warm" else Path(tempfile.mkdtemp(dir=work, prefix="cold-"))
                out, report = work / "out.jsonl", work / "report.jsonl"
                cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(report), "--no-clean", "--workers", str(workers), "-q"]
                t0 = time.perf_counter()
                subprocess.run(cmd, env={**os.environ, "NUMBA_CACHE_DIR": str(cache)}, check=True)
                times.setdefault((kind, workers), []).append(time.perf_counter() - t0)
                digests.add(hashlib.sha256(out.read_bytes() + report.read_bytes()).hexdigest())
                print(f"{kind} workers={workers}: {times[(kind, workers)][-1]:.2f} s", file=sys.stderr)
                # let a background compilation of a cold run finish before the next run is timed
                while subprocess.run(["pgrep", "-f", "dedup[.]fingerprint[.]_warm"], capture_output=True).stdout:
                    time.sleep(0.5)
    print("| workers | warm (median s) | first run on an empty cache (median s) | difference |")
    print("| ---: | ---: | ---: | ---: |")
    for workers in (1, 2):
        w, c = statistics.median(times[("warm", workers)]), statistics.median(times[("cold", workers)])
        print(f"| {workers} | {w:.2f} | {c:.2f} | {c - w:+.2f} s |")
    print(f"\noutput and report identical across all {sum(len(v) for v in times.values())} runs: {len(digests) == 1}")


if __name__ == "__main__":
    main()
