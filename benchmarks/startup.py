"""Wall time of ``dedup-text`` on the sample as a whole process, and where start-up goes.

Runs the command (and ``python -c "import dedup"`` for comparison) ``--runs``
times in turn and prints the median and minimum, then the slowest imports
from ``python -X importtime``.  The machine is shared and noisy: compare
medians of interleaved runs, not single timings.

``--baseline DIR`` times another checkout's command too (``PYTHONPATH=DIR``), interleaved, for a
side-by-side ratio from one run.  CPU time (user + system) is printed beside wall time: on a
loaded machine it is the steadier figure.  Bytecode is written to and read from a temporary
``PYTHONPYCACHEPREFIX`` (an installed package has its ``.pyc``; ``PYTHONDONTWRITEBYTECODE=1``
would make every start compile the package again), and table caches go to a temporary
``DEDUP_CACHE_DIR`` filled by the untimed first run.

Reproduce::

    python benchmarks/startup.py --runs 15
    python benchmarks/startup.py --runs 15 --baseline /tmp/base
    hyperfine -w 2 'dedup-text examples/seed_zh_press.txt -o /tmp/o.txt --report /tmp/r.json'   # if installed
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed_zh_press.txt"


def commands(out_dir: str, baseline: str | None = None) -> dict[str, tuple[list[str], str]]:
    """Name -> (command, PYTHONPATH)."""
    cli = [sys.executable, "-m", "dedup.cli"]
    sample = [str(SAMPLE), "-o", f"{out_dir}/out.txt", "--report", f"{out_dir}/report.json"]
    cmds = {
        "python -c pass": ([sys.executable, "-c", "pass"], str(ROOT)),
        "python -c 'import dedup'": ([sys.executable, "-c", "import dedup"], str(ROOT)),
        "dedup-text sample -o out --report report": (cli + sample, str(ROOT)),
    }
    if baseline:
        cmds["baseline: dedup-text sample -o out --report report"] = (cli + sample, baseline)
    return cmds


def time_runs(cmds: dict[str, tuple[list[str], str]], runs: int, env: dict[str, str]) -> dict[str, list[tuple[float, float]]]:
    """Interleave the commands so that load changes hit all of them alike: (wall, CPU) per run."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, (cmd, path) in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            # cwd: the tree's own root, as ``python -m`` puts the current folder first on sys.path
            # each tree its own table cache: two versions sharing one rebuild each other's tables every run
            tables = f"{env['DEDUP_CACHE_DIR']}/{Path(path).resolve().as_posix().replace('/', '_')}"
            run_env = {**env, "PYTHONPATH": path, "DEDUP_CACHE_DIR": tables}
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=run_env, cwd=path)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    return times


def slowest_imports(top: int) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest imports of the CLI module."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import dedup.cli"], capture_output=True, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--baseline", default=None, help="another checkout to time side by side (its PYTHONPATH)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=f"{d}/pycache", DEDUP_CACHE_DIR=f"{d}/tables")
        cmds = commands(d, args.baseline)
        # one untimed run: bytecode and table caches warm
        time_runs(cmds, 1, env)
        times = time_runs(cmds, args.runs, env)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| command | runs | median wall s | min wall s | median CPU s |")
    print("|---|---:|---:|---:|---:|")
    for name, ts in times.items():
        walls, cpus = [w for w, _ in ts], [c for _, c in ts]
        print(f"| `{name}` | {len(ts)} | {statistics.median(walls):.3f} | {min(walls):.3f} | {statistics.median(cpus):.3f} |")
    print("\nslowest imports of `import dedup.cli` (cumulative ms, nested):\n")
    for us, mod in slowest_imports(args.top):
        print(f"    {us / 1000:8.1f}  {mod}")

if __name__ == "__main__":
    main()
