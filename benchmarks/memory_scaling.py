"""Peak RSS and time of ``find_clusters`` on 10^4 ... 10^6 sample-sized paragraphs, one fresh process each.

Each size runs in its own child process (so peaks do not mix) and reports
the process's peak RSS (``ru_maxrss``: keys, shingle sets, band hashes,
pairs and clusters together, numba's and numpy's memory included) and the
peak growth after the keys were built (``VmHWM`` reset through
``/proc/self/clear_refs``).  Target: linear growth, under 2 GB at 10^6.

Reproduce::

    python benchmarks/memory_scaling.py --sizes 10000,100000,1000000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _status(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(n: int) -> None:
    from bench_data import seed_sized_paragraphs

    from dedup.cluster import find_clusters

    t = time.perf_counter()
    keys = seed_sized_paragraphs(7, n)
    t_gen = time.perf_counter() - t
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = _status("VmRSS:")
    t = time.perf_counter()
    r = find_clusters(keys)
    t_run = time.perf_counter() - t
    print(
        json.dumps(
            {
                "n": n,
                "chars": sum(map(len, keys)),
                "gen_s": t_gen,
                "run_s": t_run,
                "rss_keys_mb": base,
                "peak_after_keys_mb": _status("VmHWM:"),
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "pairs": r.stats["candidate_pairs"],
                "clusters": r.stats["clusters"],
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    env = dict(os.environ, DEDUP_WORKERS=args.workers)
    print("| paragraphs | M chars | find_clusters s | us/paragraph | RSS with keys MB | peak RSS MB | peak - keys MB | candidate pairs | clusters |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(x) for x in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, env=env)
        if out.returncode:
            print(f"| {n:,} | failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode} |")
            continue
        m = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {n:,} | {m['chars'] / 1e6:.1f} | {m['run_s']:.1f} | {1e6 * m['run_s'] / n:.1f} | {m['rss_keys_mb']:.0f} | {m['peak_after_keys_mb']:.0f} | "
            f"{m['peak_after_keys_mb'] - m['rss_keys_mb']:.0f} | {m['pairs']:,} | {m['clusters']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
