"""The first corpus run on a fresh machine against a warm one (issue: first run <= 3 s slower).

    python benchmarks/first_run.py --docs 20000 --repeat 3
    python benchmarks/first_run.py --docs 10000 --repeat 2 --baseline /tmp/base   # side by side with another checkout

Each "cold" run gets an empty ``NUMBA_CACHE_DIR`` and ``DEDUP_CACHE_DIR`` (as after a fresh
install: nothing compiled, no table cached); each "warm" run reuses caches that a finished
compilation filled. Runs alternate, 1 and 2 workers, ``--no-clean``; whole-process wall time and
the CPU time of the run and its workers (not of the background compilation), medians, and the
bytes of output and report compared across all runs.  With ``--baseline DIR`` every run is also
made with ``PYTHONPATH=DIR``, interleaved, so that both trees see the same load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
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
    ap.add_argument("--baseline", default=None, help="another checkout to run side by side (its PYTHONPATH)")
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
    trees = {"this": ROOT} | ({"baseline": Path(args.baseline).resolve()} if args.baseline else {})
    warm_cache = {}
    for name, tree in trees.items():
        warm_cache[name] = work / f"warm-cache-{name}"
        subprocess.run([sys.executable, "-m", "dedup.fingerprint._warm"], env=_env(tree, warm_cache[name]), check=True, cwd=tree)
    times: dict[tuple[str, str, int], list[tuple[float, float]]] = {}
    digests = set()
    for _rep in range(args.repeat):
        for workers in (1, 2):
            for name, tree in trees.items():
                for kind in ("cold", "warm"):
                    cache = warm_cache[name] if kind == "warm" else Path(tempfile.mkdtemp(dir=work, prefix="cold-"))
                    out, report = work / "out.jsonl", work / "report.jsonl"
                    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(report), "--no-clean", "--workers", str(workers), "-q"]
                    wall, cpu = _timed(cmd, _env(tree, cache), tree)
                    times.setdefault((name, kind, workers), []).append((wall, cpu))
                    digests.add(hashlib.sha256(out.read_bytes() + report.read_bytes()).hexdigest())
                    print(f"{name} {kind} workers={workers}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
                    # let a background compilation of a cold run finish before the next run is timed
                    while subprocess.run(["pgrep", "-f", "dedup[.]fingerprint[.]_warm"], capture_output=True).stdout:
                        time.sleep(0.5)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| tree | workers | warm wall (median s) | first run wall (median s) | difference | warm CPU s | first run CPU s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in trees:
        for workers in (1, 2):
            w = [statistics.median(x) for x in zip(*times[(name, "warm", workers)])]
            c = [statistics.median(x) for x in zip(*times[(name, "cold", workers)])]
            print(f"| {name} | {workers} | {w[0]:.2f} | {c[0]:.2f} | {c[0] - w[0]:+.2f} s | {w[1]:.2f} | {c[1]:.2f} |")
    print(f"\noutput and report identical across all {sum(len(v) for v in times.values())} runs: {len(digests) == 1}")


def _env(tree: Path, cache: Path) -> dict[str, str]:
    """The environment of a run of ``tree`` with its caches in ``cache``."""
    return {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": str(cache), "DEDUP_CACHE_DIR": str(cache / "tables")}


def _timed(cmd: list[str], env: dict[str, str], tree: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the run and the workers it waited for) of ``cmd`` in ``tree``.

    The run's folder is the tree's root: ``python -m`` puts the current folder first on sys.path.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=tree)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

if __name__ == "__main__":
    main()
