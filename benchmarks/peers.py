"""Corpus mode side by side with the tools our users would pick instead, on the same files.

    python benchmarks/peers.py --docs 20000 --datatrove /work/peers/dt/bin/python \
        --text-dedup /work/peers/td/bin/python --repeat 3 --out benchmarks/peers.json

Every peer runs in its own venv (give its Python; set one up with ``python -m venv dt &&
dt/bin/pip install 'datatrove[processing]'`` and ``python -m venv td && td/bin/pip install text-dedup``),
offline, one process of its own, one worker each (``--workers 1`` for us, ``tasks``/``num_proc`` 1
for them), in alternating order ``--repeat`` times. Reported per tool: median wall and CPU seconds
(user + system of the whole process tree, less disturbed by other jobs on a shared machine), peak RSS,
and removal precision and recall against the corpus's truth:

- the ideal removes ``documents - truth clusters`` documents;
- a removal is correct while at least one member of its truth cluster is kept (at most
  ``size - 1`` removals per truth cluster count), and wrong in a cluster of one;
- precision = correct / removed, recall = correct / ideal.

The corpus is ``dedup.testing.make_corpus(seed, docs)`` with the word draws of
``bench_data.use_corpus_mode_generator`` (the one used by corpus_scale.py), written to ``--work``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_tree(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of ``cmd`` and every child it waited for (``wait4``); its stdout."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}):\n{err.read().decode(errors='replace')[-3000:]}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode()


def compile_ours(python: str, env: dict[str, str]) -> None:
    """Byte-compile our package, as ``pip install`` does for each peer's venv.

    A checkout run with ``PYTHONDONTWRITEBYTECODE`` set (as on the shared
    machine) otherwise compiles every module of ``dedup`` from source on each
    run: about 0.6 s of CPU that no installed copy pays.
    """
    code = "import compileall, os, dedup; compileall.compile_dir(os.path.dirname(dedup.__file__), quiet=1)"
    subprocess.run([python, "-c", code], env=env, check=True)


def quality(removed: set[str], truth: dict[str, object]) -> tuple[float, float]:
    size = Counter(truth.values())
    ideal = len(truth) - len(size)
    hit: Counter[object] = Counter(truth[i] for i in removed)
    correct = sum(min(n, size[c] - 1) for c, n in hit.items())
    return (correct / len(removed) if removed else 1.0), (correct / ideal if ideal else 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--work", default="/tmp/dedup-peers")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--datatrove", help="Python of a venv with datatrove[processing]")
    ap.add_argument("--datatrove-tokens", default="chars,words", help="datatrove's shingles to run, comma-separated: chars (equal recall), words (its jieba default)")
    ap.add_argument("--text-dedup", help="Python of a venv with text-dedup")
    ap.add_argument("--ours", default=sys.executable, help="Python that imports this checkout's dedup (default: this one)")
    ap.add_argument("--out", help="write the results (JSON) here")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    from bench_data import use_corpus_mode_generator

    use_corpus_mode_generator()
    import orjson

    from dedup.testing import make_corpus

    corpus = make_corpus(args.seed, args.docs)
    src = work / "corpus.jsonl"
    with open(src, "wb") as f:
        for r in corpus.records:
            f.write(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE))
    truth = corpus.truth
    del corpus

    def ours() -> list[str]:
        rep = work / "ours.report.jsonl"
        return [args.ours, "-m", "dedup.cli", "corpus", str(src), "-o", str(work / "ours.out.jsonl"), "--report", str(rep), "--no-clean", "--workers", "1", "-q"]

    def ours_removed(_: str) -> set[str]:
        rows = [orjson.loads(x) for x in (work / "ours.report.jsonl").read_bytes().splitlines()]
        return {r["id"] for r in rows if r["duplicate_of"] is not None}

    tools: dict[str, tuple] = {"dedup (ours)": (ours, ours_removed)}
    if args.datatrove:
        for tokens in [t.strip() for t in args.datatrove_tokens.split(",") if t.strip()]:
            tools[f"datatrove MinHash ({tokens})"] = (
                (lambda t=tokens: [args.datatrove, str(HERE / "peers" / "datatrove_minhash.py"), str(src), str(work / f"dt-{t}"), "--tokens", t]),
                lambda out: set(json.loads(out.strip().splitlines()[-1])),
            )
    if args.text_dedup:
        tools["text-dedup MinHash"] = (
            lambda: [args.text_dedup, str(HERE / "peers" / "text_dedup_minhash.py"), str(src), str(work / "td")],
            lambda out: set(json.loads(out.strip().splitlines()[-1])),
        )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    our_env = dict(os.environ)
    compile_ours(args.ours, our_env)
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in tools}
    scores: dict[str, tuple[float, float]] = {}
    for rep in range(args.repeat):
        for name, (cmd, removed_of) in tools.items():
            wall, cpu, rss, out = run_tree(cmd(), our_env if name == "dedup (ours)" else env)
            runs[name].append((wall, cpu, rss))
            if rep == 0:
                scores[name] = quality(removed_of(out), truth)
            print(f"{name}: wall {wall:.1f}s cpu {cpu:.1f}s peak {rss:.0f} MiB", file=sys.stderr)
    base = statistics.median(c for _, c, _ in runs["dedup (ours)"])
    base_wall = statistics.median(w for w, _, _ in runs["dedup (ours)"])
    rows = []
    for name, rs in runs.items():
        wall = statistics.median(w for w, _, _ in rs)
        cpu = statistics.median(c for _, c, _ in rs)
        rows.append({"tool": name, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mib": round(max(r for _, _, r in rs)),
                     "precision": round(scores[name][0], 4), "recall": round(scores[name][1], 4),
                     "cpu_ratio_vs_ours": round(cpu / base, 2), "wall_ratio_vs_ours": round(wall / base_wall, 2)})
    print("| tool | wall s (median) | CPU s (median) | peak RSS MiB | precision | recall | CPU × ours | wall × ours |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['tool']} | {r['wall_s']} | {r['cpu_s']} | {r['peak_rss_mib']} | {r['precision']} | {r['recall']} | {r['cpu_ratio_vs_ours']} | {r['wall_ratio_vs_ours']} |")
    if args.out:
        Path(args.out).write_text(json.dumps({"docs": args.docs, "seed": args.seed, "repeat": args.repeat, "cpus": os.cpu_count(), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
