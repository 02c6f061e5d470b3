"""Wall time of ``dedup-text`` on the sample as a whole process, and where start-up goes.

Runs the command (and ``python -c "import dedup"`` for comparison) ``--runs``
times in turn and prints the median and minimum, then the slowest imports
from ``python -X importtime``.  The machine is shared and noisy: compare
medians of interleaved runs, not single timings.

Reproduce::

    python benchmarks/startup.py --runs 15
    hyperfine -w 2 'dedup-text examples/seed_zh_press.txt -o /tmp/o.txt --report /tmp/r.json'   # if installed
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed_zh_press.txt"


def commands(out_dir: str) -> dict[str, list[str]]:
    exe = shutil.which("dedup-text")
    cli = [exe] if exe else [sys.executable, "-m", "dedup.cli"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import dedup'": [sys.executable, "-c", "import dedup"],
        "dedup-text sample -o out --report report": cli + [str(SAMPLE), "-o", f"{out_dir}/out.txt", "--report", f"{out_dir}/report.json"],
    }


def time_runs(cmds: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Interleave the commands so that load changes hit all of them alike."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    env = dict(os.environ)
    for _ in range(runs):
        for name, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - t)
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
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cmds = commands(d)
        # one untimed run: compiled-code and bytecode caches warm
        time_runs(cmds, 1)
        times = time_runs(cmds, args.runs)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| command | runs | median s | min s |")
    print("|---|---:|---:|---:|")
    for name, ts in times.items():
        print(f"| `{name}` | {len(ts)} | {statistics.median(ts):.3f} | {min(ts):.3f} |")
    print("\nslowest imports of `import dedup.cli` (cumulative ms, nested):\n")
    for us, mod in slowest_imports(args.top):
        print(f"    {us / 1000:8.1f}  {mod}")


if __name__ == "__main__":
    main()
