"""Connected components: scipy on the driver vs large-star/small-star rounds on a Dask cluster.

Each case runs in a fresh child process so that its peak RSS is its own; the
Dask case uses a ``LocalCluster`` of worker *processes*, so the driver's peak
is what one node must hold while the workers hold the edges.  Graphs are
random edge lists plus long paths (the rounds' worst case); both labellings are
mapped to the smallest node of each component and compared.

    python benchmarks/components_scale.py --edges 1000000,10000000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _graph(edges: int, seed: int):  # type: ignore[no-untyped-def]
    import numpy as np

    rng = np.random.default_rng(seed)
    n = edges  # about one edge per node: many mid-sized components and a giant one
    random = rng.integers(0, n, (edges - edges // 10, 2))
    # a tenth of the edges as paths of 1,000 nodes through random nodes
    path = rng.permutation(n)[: edges // 10 + 1]
    chains = np.stack([path[:-1], path[1:]], axis=1)
    chains = chains[(np.arange(len(chains)) % 1000) != 999]
    return n, np.concatenate([random, chains]).astype(np.int64)


def child(mode: str, edges: int, seed: int, workers: int) -> None:
    import numpy as np

    from dedup.graph import min_labels

    n, e = _graph(edges, seed)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    rounds = None
    if mode == "scipy":
        from dedup.corpus import components

        labels = min_labels(components(n, e))
    else:
        from dedup.engines.dask import DaskEngine

        engine = DaskEngine(workers=workers, gather_edges=0)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # with dask imported and a client running
        try:
            t0 = time.perf_counter()
            labels = engine.components(n, e)
            rounds = engine.rounds
        finally:
            engine.close()
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    digest = int(np.bitwise_xor.reduce(labels * np.arange(1, n + 1, dtype=np.int64)))
    print(json.dumps({"mode": mode, "edges": edges, "nodes": n, "seconds": round(seconds, 2), "rounds": rounds,
                      "driver_peak_mib": round(peak / 1024, 1), "before_mib": round(base / 1024, 1),
                      "components": int(len(np.unique(labels))), "digest": digest}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", default="1000000,10000000", help="comma-separated edge counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.seed, args.workers)
        return
    print("| edges | nodes | engine | seconds | rounds | driver peak MiB (before labelling) | components | same labels |")
    print("|---:|---:|---|---:|---:|---:|---:|---|")
    for edges in [int(x) for x in args.edges.split(",")]:
        rows = []
        for mode in ("scipy", "dask"):
            out = subprocess.run([sys.executable, __file__, "--child", mode, str(edges), "--seed", str(args.seed), "--workers", str(args.workers)],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        same = rows[0]["digest"] == rows[1]["digest"]
        for r in rows:
            name = "scipy (gathered)" if r["mode"] == "scipy" else f"dask rounds, {args.workers} workers"
            print(f"| {r['edges']:,} | {r['nodes']:,} | {name} | {r['seconds']} | {r['rounds'] or ''} | {r['driver_peak_mib']} ({r['before_mib']}) | {r['components']:,} | {'yes' if same else 'NO'} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
