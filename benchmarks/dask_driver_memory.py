"""Peak memory of the corpus-mode *driver* with ``--engine dask``, as the corpus grows (issue 16 item 2).

For each size, a generated corpus (``dedup.testing.make_corpus``, JSONL) goes
through ``dedup-text corpus --engine dask --scheduler ADDRESS --no-clean`` in a
fresh process, against one ``distributed.LocalCluster`` of 2 worker
processes (1 thread each) started here — so the workers are not children of
the driver, nor is the scheduler in its process.  With
``--trace`` the driver also runs under ``tracemalloc`` (started once the
libraries are imported) and reports the run's peak Python heap (numpy arrays
included): RSS is dominated by the imports (~250 MiB with dask), which hide
tens of MiB of per-document data at small sizes.
``--compare`` runs the local engine on the same file and checks that output
and report are the same bytes.

    python benchmarks/dask_driver_memory.py                      # 10k 50k 100k 200k
    python benchmarks/dask_driver_memory.py --sizes 2000 20000 --trace --compare
    python benchmarks/dask_driver_memory.py --sizes 10000,50000,200000 --compare --own-cluster

One JSON line per size: documents, the driver's peak RSS (``rss_mib``: its
own, VmHWM read in the driver at exit) and peak heap (MiB), seconds, and the
sha256 of output and report.  ``ru_maxrss_mib`` is what ``wait4`` says, which
on Linux also counts the RSS high-water mark of the process that started the
driver (carried over fork/vfork + exec): this process, which holds the
generated corpus and the cluster's scheduler, and so grows with the corpus.
With ``--own-cluster`` the driver also runs with a ``LocalCluster`` of its
own (``--workers 2``): its scheduler in the driver's process, its workers
the driver's children (not in its VmHWM; in its ``ru_maxrss_mib``).
``--root DIR`` runs another tree of the package (e.g. ``git archive BASE |
tar -x -C DIR``: the driver before the partitioned run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: the driver process: the CLI, optionally under tracemalloc, its heap peak written to a file
DRIVER = """
import sys, tracemalloc
heap_file, argv = sys.argv[1], sys.argv[2:]
# what is imported anyway (dask, distributed and pandas alone are ~70 MiB of heap) before tracing:
# the peak is then the run's own, not the imports'
import dedup.cli, dedup.corpus, dedup.io.records, distributed, dask.dataframe
try:
    import dedup.corpus.partitioned
except ImportError:  # --root: a tree from before the partitioned run
    pass
from dedup.cli import main
trace = heap_file.endswith(".trace")
if trace:
    tracemalloc.start()
code = main(argv)
heap = tracemalloc.get_traced_memory()[1] if trace else None
# the peak RSS of this process's own memory since exec (VmHWM): getrusage/wait4's ru_maxrss also counts the
# RSS of the process that started it (Linux carries the parent's high-water mark over fork/vfork + exec)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
open(heap_file, "w").write(f"{heap} {hwm}")
sys.exit(code)
"""


def write_corpus(path: Path, n: int, seed: int = 16) -> Path:
    """``n`` generated documents (a third near or exact copies, a fifth with a boilerplate line) as JSONL."""
    from dedup.testing import make_corpus

    with open(path, "w", encoding="utf-8") as f:
        for rec in make_corpus(seed, n).records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def driver_peak(corpus: Path, out_dir: Path, engine_args: list[str], *, trace: bool = False, extra: list[str] | None = None, root: Path = ROOT) -> dict[str, Any]:
    """Run the CLI on ``corpus`` in a fresh process; its peak RSS, peak heap (with ``trace``), seconds and outputs."""
    out, report, heap = out_dir / "out.jsonl", out_dir / "report.jsonl", out_dir / ("heap.trace" if trace else "heap")
    argv = ["corpus", str(corpus), "-o", str(out), "--report", str(report), "--no-clean", "-q", *engine_args, *(extra or [])]
    env = {**os.environ, "PYTHONPATH": str(root)}
    t0 = time.perf_counter()
    # run in out_dir: ``python -c`` puts the working folder first on sys.path, where a dedup tree would win over PYTHONPATH
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(heap), *argv], env=env, stderr=subprocess.PIPE, cwd=out_dir)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"driver exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    heap_bytes, hwm_kib = heap.read_text().split()
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "rss_mib": round(int(hwm_kib) / 1024, 1),
        # what wait4 says: at least this (benchmark) process's RSS when it started the driver
        "ru_maxrss_mib": round(usage.ru_maxrss / 1024, 1),
        "heap_mib": round(int(heap_bytes) / 2**20, 2) if trace else None,
        "output_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "report_sha256": hashlib.sha256(report.read_bytes()).hexdigest(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["10000", "50000", "100000", "200000"], help="corpus sizes (spaces or commas: 10000,50000)")
    ap.add_argument("--trace", action="store_true", help="also the driver's peak Python heap (tracemalloc: slower)")
    ap.add_argument("--compare", action="store_true", help="also run the local engine (--workers 1) and compare bytes")
    ap.add_argument("--batch-size", type=int, default=500, help="documents per task (small: the batches in flight weigh little beside what grows)")
    ap.add_argument("--root", type=Path, default=ROOT, help="the package tree the driver runs (default: this one)")
    ap.add_argument("--own-cluster", action="store_true", help="also run the driver with a LocalCluster of its own (--workers 2: its scheduler inside the driver)")
    args = ap.parse_args()
    import distributed

    extra = ["--batch-size", str(args.batch_size)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50) as cluster:
        for n in [int(x) for size in args.sizes for x in size.split(",") if x]:
            with tempfile.TemporaryDirectory(prefix="dask-driver-memory-") as tmp:
                t = Path(tmp)
                t0 = time.perf_counter()
                corpus = write_corpus(t / "corpus.jsonl", n)
                row: dict[str, Any] = {"documents": n, "corpus_mib": round(corpus.stat().st_size / 2**20, 1), "generate_seconds": round(time.perf_counter() - t0, 1)}
                row["dask"] = driver_peak(corpus, t, ["--engine", "dask", "--scheduler", cluster.scheduler_address], trace=args.trace, root=args.root, extra=extra)
                if args.own_cluster:
                    row["dask_own_cluster"] = driver_peak(corpus, t, ["--engine", "dask", "--workers", "2"], trace=args.trace, root=args.root, extra=extra)
                if args.compare:
                    row["local"] = driver_peak(corpus, t, ["--workers", "1"], trace=args.trace, root=args.root, extra=extra)
                    row["same_bytes"] = all(row[e][k] == row["local"][k] for e in ("dask", "dask_own_cluster") if e in row for k in ("output_sha256", "report_sha256"))
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
