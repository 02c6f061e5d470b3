"""What checkpointing costs, and what it saves after a crash (``dedup-text corpus --checkpoint``).

    python benchmarks/corpus_resume.py --docs 20000 --work /tmp/dedup-resume-bench --out benchmarks/corpus_resume.json

On a generated corpus (``dedup.testing.make_corpus(seed, docs)``, written as
JSONL to ``--work``, never into the repository), every step a
``dedup-text corpus`` subprocess with ``--workers 2``:

1. without per-document cleaning (``--no-clean``; fingerprinting dominates),
   ``--repeat`` rounds of: a run without checkpoint, a run with
   ``--checkpoint`` (interleaved, so load changes hit both alike), and a run
   with ``--checkpoint`` SIGKILLed once ``--kill-at`` of the fingerprint
   batches are stored, then rerun to completion;
2. the same with cleaning on (``--clean``; the finishing stage dominates),
   killed once ``--kill-at`` of the finishing batches are stored,
   ``--clean-repeat`` rounds.

Reported: medians of wall time (and of CPU seconds of the process tree,
less disturbed by other jobs on a shared machine), the overhead of checkpointing on a run that
does not crash, and for a crash the time of the rerun against a fresh run
(time saved) and the total (killed run + rerun) against a run that did not
crash (work lost).  Every output and report is compared byte for byte with
the run without checkpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson


def _entries(folder: Path, stage: str) -> int:
    return sum(1 for _ in (folder / stage).glob("??/*.npz"))


def _size_mib(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def _stats(err: str) -> dict:
    for line in reversed(err.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _env(work: Path) -> dict[str, str]:
    """The environment of every run: a snapshot of the dedup source, and a temporary folder in ``--work``.

    The snapshot: a checkpoint is valid for one version of the code (its
    source files are part of every digest), so an edit of the working tree
    between a killed run and its rerun would make the rerun start over.  The
    temporary folder: a killed run cannot remove its spill folder.
    """
    import dedup

    src = work / "src"
    if not src.exists():
        shutil.copytree(Path(dedup.__file__).parent, src / "dedup", ignore=shutil.ignore_patterns("*.pyc"))
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(src)}


def run(cmd: list[str], label: str, env: dict[str, str]) -> dict:
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{label} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    # CPU seconds of the whole process tree (the pool's workers are reaped by the command):
    # less sensitive than wall time to the other jobs on a shared machine
    out = {"label": label, "seconds": round(wall, 2), "cpu_seconds": round(_children_cpu() - cpu0, 2), "stats": _stats(proc.stderr)}
    print(json.dumps({k: out[k] for k in ("label", "seconds", "cpu_seconds")}), file=sys.stderr, flush=True)
    return out


def run_and_kill(cmd: list[str], folder: Path, stage: str, at: int, label: str, env: dict[str, str]) -> dict:
    """Start ``cmd``; SIGKILL it once ``at`` results of ``stage`` are stored in ``folder``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while _entries(folder, stage) < at:
        if proc.poll() is not None:
            raise SystemExit(f"{label}: the run ended ({proc.returncode}) before {at} {stage} batches were stored")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wall = time.perf_counter() - t0
    out = {"label": label, "seconds": round(wall, 2), "stored": {s: _entries(folder, s) for s in ("fingerprint", "verify", "finish")}, "checkpoint_mib": _size_mib(folder)}
    print(json.dumps(out), file=sys.stderr, flush=True)
    return out


def scenario(name: str, src: Path, work: Path, flags: list[str], stage: str, repeat: int, kill_at: float, batches: int) -> dict:
    base = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "--workers", "2", "--stats", "-q", *flags]
    at = max(1, round(kill_at * batches))
    env = _env(work)
    # warm-up, not measured: compiled kernels, imports and the corpus in the page cache
    run([*base, "-o", str(work / "warm-up.jsonl")], f"{name}: warm-up", env)
    rounds = []
    checks: dict[str, bool] = {}
    ref: tuple[bytes, bytes] | None = None

    def outputs(kind: str) -> tuple[Path, Path]:
        o, rep = work / f"{name}-{kind}.jsonl", work / f"{name}-{kind}.report.jsonl"
        for p in (o, rep):
            p.unlink(missing_ok=True)
        return o, rep

    def check(what: str, ok: bool) -> None:
        checks[what] = checks.get(what, True) and ok

    for i in range(repeat):
        r: dict = {}
        ck = work / f"ck-{name}"
        shutil.rmtree(ck, ignore_errors=True)
        o, rep = outputs("plain")
        r["plain"] = run([*base, "-o", str(o), "--report", str(rep)], f"{name} {i}: no checkpoint", env)
        got = (o.read_bytes(), rep.read_bytes())
        ref = ref or got
        check("plain runs identical", got == ref)
        o, rep = outputs("ck")
        r["checkpoint"] = run([*base, "-o", str(o), "--report", str(rep), "--checkpoint", str(ck)], f"{name} {i}: --checkpoint", env)
        check("checkpoint run identical", (o.read_bytes(), rep.read_bytes()) == ref)
        check("checkpoint removed after success", not ck.exists())
        o, rep = outputs("resumed")
        cmd = [*base, "-o", str(o), "--report", str(rep), "--checkpoint", str(ck)]
        r["killed"] = run_and_kill(cmd, ck, stage, at, f"{name} {i}: --checkpoint, SIGKILL at {at}/{batches} {stage} batches", env)
        check("no output after the kill", not o.exists() and not rep.exists())
        r["resumed"] = run([*cmd, "--keep-checkpoint"], f"{name} {i}: same command again", env)
        r["resumed"]["checkpoint_mib"] = _size_mib(ck)
        # (fails if the dedup source changed between the two runs: its digest is part of every name)
        check("rerun resumed every stored batch", r["resumed"]["stats"].get(f"resumed_batches_{stage}", 0) >= r["killed"]["stored"][stage])
        shutil.rmtree(ck)
        check("resumed run identical", (o.read_bytes(), rep.read_bytes()) == ref)
        rounds.append(r)
    med = {k: statistics.median(r[k]["seconds"] for r in rounds) for k in ("plain", "checkpoint", "killed", "resumed")}
    cpu = {k: statistics.median(r[k]["cpu_seconds"] for r in rounds) for k in ("plain", "checkpoint", "resumed")}
    summary = {
        "scenario": name,
        "flags": flags,
        "kill_stage": stage,
        "kill_at_batches": f"{at}/{batches}",
        "rounds": len(rounds),
        "median_seconds": med,
        "median_cpu_seconds": cpu,
        "overhead_pct": round(100 * (med["checkpoint"] / med["plain"] - 1), 1),
        "overhead_cpu_pct": round(100 * (cpu["checkpoint"] / cpu["plain"] - 1), 1),
        "rerun_cpu_vs_fresh_pct": round(100 * cpu["resumed"] / cpu["plain"], 1),
        "rerun_vs_fresh_pct": round(100 * med["resumed"] / med["plain"], 1),
        "time_saved_pct": round(100 * (1 - med["resumed"] / med["plain"]), 1),
        "lost_pct": round(100 * ((med["killed"] + med["resumed"]) / med["plain"] - 1), 1),
        "checkpoint_mib_full": rounds[-1]["resumed"]["checkpoint_mib"],
        "checks": checks,
        "identical_bytes": all(checks.values()),
        "runs": rounds,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}), file=sys.stderr, flush=True)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--work", default="/tmp/dedup-resume-bench")
    ap.add_argument("--out", help="write the results (JSON) here")
    ap.add_argument("--repeat", type=int, default=3, help="rounds without cleaning (default 3)")
    ap.add_argument("--clean-repeat", type=int, default=1, help="rounds with cleaning (default 1; 0 skips them)")
    ap.add_argument("--kill-at", type=float, default=0.7, help="share of the stage's batches stored when the run is killed")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    from bench_data import use_corpus_mode_generator

    use_corpus_mode_generator()
    from dedup.testing import make_corpus

    shutil.rmtree(work / "src", ignore_errors=True)  # a fresh snapshot of the code under test
    src = work / "corpus.jsonl"
    with open(src, "wb") as f:
        for r in make_corpus(args.seed, args.docs).records:
            f.write(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE))
    batches = -(-args.docs // 500)
    load = os.getloadavg()
    results: dict = {"docs": args.docs, "seed": args.seed, "jsonl_mib": round(src.stat().st_size / 2**20, 1), "cpus": os.cpu_count(), "load_before": [round(x, 2) for x in load], "scenarios": []}
    results["scenarios"].append(scenario("no-clean", src, work, ["--no-clean"], "fingerprint", args.repeat, args.kill_at, batches))
    if args.clean_repeat:
        results["scenarios"].append(scenario("clean", src, work, ["--clean"], "finish", args.clean_repeat, args.kill_at, batches))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
